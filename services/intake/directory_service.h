// The gRPC adapter of the Directory service: authorisation, proto in and
// out, status mapping. The logic is in DirectoryCatalog and DirectoryIndex.
#ifndef ZWFW_SERVICES_INTAKE_DIRECTORY_SERVICE_H_
#define ZWFW_SERVICES_INTAKE_DIRECTORY_SERVICE_H_

#include "services/common/auth.h"
#include "services/intake/directory_catalog.h"
#include "zwfw/v1/directory.grpc.pb.h"

namespace zwfw::intake {

class DirectoryService final : public zwfw::v1::Directory::Service {
 public:
  // Both must outlive the service.
  DirectoryService(DirectoryCatalog* catalog, TokenStore* tokens)
      : catalog_(catalog), tokens_(tokens) {}

  grpc::Status ImportDirectory(
      grpc::ServerContext* context,
      const zwfw::v1::ImportDirectoryRequest* request,
      zwfw::v1::ImportDirectoryResponse* response) override;
  grpc::Status ListDepartments(
      grpc::ServerContext* context,
      const zwfw::v1::ListDepartmentsRequest* request,
      zwfw::v1::ListDepartmentsResponse* response) override;
  grpc::Status ResolveDepartment(
      grpc::ServerContext* context,
      const zwfw::v1::ResolveDepartmentRequest* request,
      zwfw::v1::ResolveDepartmentResponse* response) override;
  grpc::Status ListWindows(grpc::ServerContext* context,
                           const zwfw::v1::ListWindowsRequest* request,
                           zwfw::v1::ListWindowsResponse* response) override;
  grpc::Status ListStaff(grpc::ServerContext* context,
                         const zwfw::v1::ListStaffRequest* request,
                         zwfw::v1::ListStaffResponse* response) override;
  grpc::Status ListServiceItems(
      grpc::ServerContext* context,
      const zwfw::v1::ListServiceItemsRequest* request,
      zwfw::v1::ListServiceItemsResponse* response) override;

 private:
  DirectoryCatalog* const catalog_;
  TokenStore* const tokens_;
};

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_DIRECTORY_SERVICE_H_
