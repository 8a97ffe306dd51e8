#include <google/protobuf/util/json_util.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"
#include "tools/zwfw/text_table.h"
#include "zwfw/v1/directory.grpc.pb.h"

namespace zwfw::cli {
namespace {

using zwfw::v1::Directory;

constexpr size_t kMaxDirectoryFileBytes = 64 << 20;

int Usage() {
  std::cerr << GroupUsage("directory");
  return kExitUsage;
}

int Import(Directory::Stub& stub, const ClientOptions& options,
           const std::string& path) {
  absl::StatusOr<std::string> text =
      ReadFileLimited(path, kMaxDirectoryFileBytes);
  if (!text.ok()) {
    std::cerr << "zwfw: " << text.status().message() << "\n";
    return kExitUsage;
  }
  zwfw::v1::ImportDirectoryRequest request;
  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = false;
  auto parsed = google::protobuf::util::JsonStringToMessage(
      *text, request.mutable_snapshot(), parse);
  if (!parsed.ok()) {
    std::cerr << "zwfw: " << path
              << " is not a zwfw.v1.DirectorySnapshot in proto JSON: "
              << parsed.message() << "\n";
    return kExitUsage;
  }
  zwfw::v1::ImportDirectoryResponse response;
  grpc::Status s =
      stub.ImportDirectory(NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, absl::StrCat("import ", path));
  std::cout << "imported directory version " << response.directory_version()
            << ": " << response.departments() << " departments, "
            << response.windows() << " windows, " << response.staff()
            << " staff, " << response.service_items() << " service items\n";
  return kExitOk;
}

int Departments(Directory::Stub& stub, const ClientOptions& options) {
  zwfw::v1::ListDepartmentsResponse response;
  grpc::Status s =
      stub.ListDepartments(NewContext(options).get(), {}, &response);
  if (!s.ok()) return ReportRpcError(s, "list departments");
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  TextTable table({"序号", "代码", "名称", "附件表中名称", "分组", "别名"});
  int n = 0;
  for (const auto& d : response.departments()) {
    table.AddRow({absl::StrCat(++n), d.code(), d.name(), d.table_name(),
                  d.group(), absl::StrJoin(d.aliases(), "、")});
  }
  std::cout << table.ToString() << response.departments_size()
            << " departments, directory version "
            << response.directory_version() << "\n";
  return kExitOk;
}

int Windows(Directory::Stub& stub, const ClientOptions& options,
            const std::string& department) {
  zwfw::v1::ListWindowsRequest request;
  request.set_department_code(department);
  zwfw::v1::ListWindowsResponse response;
  grpc::Status s =
      stub.ListWindows(NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, "list windows");
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  TextTable table({"代码", "窗口", "部门"});
  for (const auto& w : response.windows()) {
    table.AddRow({w.code(), w.name(), w.department_code()});
  }
  std::cout << table.ToString();
  return kExitOk;
}

int Staff(Directory::Stub& stub, const ClientOptions& options,
          const std::string& window) {
  zwfw::v1::ListStaffRequest request;
  request.set_window_code(window);
  zwfw::v1::ListStaffResponse response;
  grpc::Status s =
      stub.ListStaff(NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, "list staff");
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  TextTable table({"代码", "姓名", "窗口"});
  for (const auto& m : response.staff()) {
    table.AddRow({m.code(), m.name(), m.window_code()});
  }
  std::cout << table.ToString();
  return kExitOk;
}

int Items(Directory::Stub& stub, const ClientOptions& options,
          const std::string& department) {
  zwfw::v1::ListServiceItemsRequest request;
  request.set_department_code(department);
  zwfw::v1::ListServiceItemsResponse response;
  grpc::Status s =
      stub.ListServiceItems(NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, "list service items");
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  TextTable table({"代码", "事项", "部门", "类别", "时限"});
  for (const auto& item : response.service_items()) {
    table.AddRow(
        {item.code(), item.name(), item.department_code(),
         item.category() == zwfw::v1::ITEM_CATEGORY_APPROVAL ? "审批" : "便民",
         item.kind() == zwfw::v1::ITEM_KIND_INSTANT
             ? "即办"
             : absl::StrCat(item.promised_days(), "个工作日")});
  }
  std::cout << table.ToString();
  return kExitOk;
}

}  // namespace

int RunDirectoryCommand(const ClientOptions& options,
                        const std::vector<std::string>& args) {
  if (args.empty() || args.size() > 2) return Usage();
  std::shared_ptr<grpc::Channel> channel =
      ConnectOrSay(options, options.intake);
  if (channel == nullptr) return kExitUsage;
  auto stub = Directory::NewStub(channel);
  const std::string& verb = args[0];
  const std::string arg = args.size() > 1 ? args[1] : "";
  if (verb == "import" && args.size() == 2) return Import(*stub, options, arg);
  if (verb == "departments" && args.size() == 1) {
    return Departments(*stub, options);
  }
  if (verb == "windows") return Windows(*stub, options, arg);
  if (verb == "staff") return Staff(*stub, options, arg);
  if (verb == "items") return Items(*stub, options, arg);
  return Usage();
}

}  // namespace zwfw::cli
