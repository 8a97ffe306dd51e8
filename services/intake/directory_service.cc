#include "services/intake/directory_service.h"

#include "absl/strings/str_cat.h"
#include "services/common/department_access.h"
#include "services/common/log.h"
#include "services/common/rpc_handler.h"
#include "services/common/status.h"

namespace zwfw::intake {
namespace {

// The department code a list is filtered by: "" for none (`name` empty),
// or NOT_FOUND.
absl::StatusOr<std::string> DepartmentFilter(const DirectoryIndex& index,
                                             const std::string& name) {
  if (name.empty()) return std::string();
  absl::StatusOr<const zwfw::v1::Department*> d =
      FindDepartmentOrNotFound(index, name);
  if (!d.ok()) return d.status();
  return (*d)->code();
}

// Everyone with a token reads the directory.
const std::initializer_list<Role> kReaders = {
    Role::kAdmin,   Role::kService,    Role::kViewer, Role::kEvaluator,
    Role::kChannel, Role::kDepartment, Role::kOffice};

}  // namespace

grpc::Status DirectoryService::ImportDirectory(
    grpc::ServerContext* context,
    const zwfw::v1::ImportDirectoryRequest* request,
    zwfw::v1::ImportDirectoryResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ImportDirectory", {Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        absl::StatusOr<std::shared_ptr<const DirectoryIndex>> index =
            catalog_->Import(request->snapshot(),
                             {who.Who(), "ImportDirectory"});
        if (!index.ok()) return index.status();
        const zwfw::v1::DirectorySnapshot& snap = (*index)->snapshot();
        response->set_departments(snap.departments_size());
        response->set_windows(snap.windows_size());
        response->set_staff(snap.staff_size());
        response->set_service_items(snap.service_items_size());
        response->set_directory_version((*index)->version());
        LogInfo(absl::StrCat(
            "directory version ", (*index)->version(), " imported by token ",
            who.token_id, ": ", snap.departments_size(), " departments, ",
            snap.windows_size(), " windows, ", snap.staff_size(), " staff, ",
            snap.service_items_size(), " items"));
        return absl::OkStatus();
      });
}

grpc::Status DirectoryService::ListDepartments(
    grpc::ServerContext* context, const zwfw::v1::ListDepartmentsRequest*,
    zwfw::v1::ListDepartmentsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ListDepartments", kReaders,
      [&](const Principal&) -> absl::Status {
        std::shared_ptr<const DirectoryIndex> index = catalog_->Current();
        *response->mutable_departments() = index->snapshot().departments();
        response->set_directory_version(index->version());
        return absl::OkStatus();
      });
}

grpc::Status DirectoryService::ResolveDepartment(
    grpc::ServerContext* context,
    const zwfw::v1::ResolveDepartmentRequest* request,
    zwfw::v1::ResolveDepartmentResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ResolveDepartment", kReaders,
      [&](const Principal&) -> absl::Status {
        if (request->name_or_code().empty()) {
          return absl::InvalidArgumentError("name_or_code: is empty");
        }
        std::shared_ptr<const DirectoryIndex> index = catalog_->Current();
        absl::StatusOr<const zwfw::v1::Department*> d =
            FindDepartmentOrNotFound(*index, request->name_or_code());
        if (!d.ok()) return d.status();
        *response->mutable_department() = **d;
        return absl::OkStatus();
      });
}

grpc::Status DirectoryService::ListWindows(
    grpc::ServerContext* context, const zwfw::v1::ListWindowsRequest* request,
    zwfw::v1::ListWindowsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ListWindows", kReaders,
      [&](const Principal&) -> absl::Status {
        std::shared_ptr<const DirectoryIndex> index = catalog_->Current();
        absl::StatusOr<std::string> department =
            DepartmentFilter(*index, request->department_code());
        if (!department.ok()) return department.status();
        for (const zwfw::v1::Window& w : index->snapshot().windows()) {
          if (department->empty() || w.department_code() == *department) {
            *response->add_windows() = w;
          }
        }
        return absl::OkStatus();
      });
}

grpc::Status DirectoryService::ListStaff(
    grpc::ServerContext* context, const zwfw::v1::ListStaffRequest* request,
    zwfw::v1::ListStaffResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ListStaff", kReaders,
      [&](const Principal&) -> absl::Status {
        std::shared_ptr<const DirectoryIndex> index = catalog_->Current();
        if (!request->window_code().empty() &&
            index->FindWindow(request->window_code()) == nullptr) {
          return absl::NotFoundError(
              absl::StrCat("window \"", request->window_code(),
                           "\" not found in the directory"));
        }
        absl::StatusOr<std::string> department =
            DepartmentFilter(*index, request->department_code());
        if (!department.ok()) return department.status();
        for (const zwfw::v1::Staff& m : index->snapshot().staff()) {
          if (!request->window_code().empty() &&
              m.window_code() != request->window_code()) {
            continue;
          }
          if (!department->empty() &&
              index->FindWindow(m.window_code())->department_code() !=
                  *department) {
            continue;
          }
          *response->add_staff() = m;
        }
        return absl::OkStatus();
      });
}

grpc::Status DirectoryService::ListServiceItems(
    grpc::ServerContext* context,
    const zwfw::v1::ListServiceItemsRequest* request,
    zwfw::v1::ListServiceItemsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ListServiceItems", kReaders,
      [&](const Principal&) -> absl::Status {
        std::shared_ptr<const DirectoryIndex> index = catalog_->Current();
        absl::StatusOr<std::string> department =
            DepartmentFilter(*index, request->department_code());
        if (!department.ok()) return department.status();
        for (const zwfw::v1::ServiceItem& item :
             index->snapshot().service_items()) {
          if (department->empty() || item.department_code() == *department) {
            *response->add_service_items() = item;
          }
        }
        return absl::OkStatus();
      });
}

}  // namespace zwfw::intake
