// zwfw templates validate FILE | set NAME FILE | show NAME [--version V]:
// an office's bulletin templates (README "Templates"). validate parses the
// file here, without a server, and names the line and column of its first
// fault; set stores a new version (the server parses it again).
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "services/bulletin/bulletin_template.h"
#include "tools/zwfw/client.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"
#include "zwfw/v1/bulletin.grpc.pb.h"

ABSL_DECLARE_FLAG(int64_t, version);

namespace zwfw::cli {
namespace {

absl::StatusOr<std::string> ReadTemplate(const std::string& path) {
  return ReadFileLimited(path, zwfw::bulletin::kMaxTemplateBytes);
}

int Validate(const std::string& path) {
  absl::StatusOr<std::string> text = ReadTemplate(path);
  if (!text.ok()) {
    std::cerr << "zwfw: " << text.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<zwfw::bulletin::BulletinTemplate> t =
      zwfw::bulletin::BulletinTemplate::Parse(*text);
  if (!t.ok()) {
    std::cerr << path << ": " << t.status().message() << "\n";
    return kExitRejected;
  }
  std::cout << path << ": valid, " << t->blocks().size() << " blocks, "
            << t->plan().indicators().size() << " indicators\n";
  return kExitOk;
}

}  // namespace

int RunTemplatesCommand(const ClientOptions& options,
                        const std::vector<std::string>& args) {
  if (args.size() == 2 && args[0] == "validate") return Validate(args[1]);
  const bool set = args.size() == 3 && args[0] == "set";
  const bool show = args.size() == 2 && args[0] == "show";
  if (!set && !show) {
    std::cerr << GroupUsage("templates");
    return kExitUsage;
  }
  std::shared_ptr<grpc::Channel> channel =
      ConnectOrSay(options, options.bulletin);
  if (channel == nullptr) return kExitUsage;
  auto stub = zwfw::v1::Bulletin::NewStub(channel);
  zwfw::v1::BulletinTemplate stored;
  if (set) {
    absl::StatusOr<std::string> text = ReadTemplate(args[2]);
    if (!text.ok()) {
      std::cerr << "zwfw: " << text.status().message() << "\n";
      return kExitUsage;
    }
    zwfw::v1::SetTemplateRequest request;
    request.set_name(args[1]);
    request.set_text(*text);
    grpc::Status s =
        stub->SetTemplate(NewContext(options).get(), request, &stored);
    if (!s.ok()) return ReportRpcError(s, "set template from " + args[2]);
    std::cout << "template " << stored.name() << " version " << stored.version()
              << ": " << stored.indicators_size() << " indicators\n";
    return kExitOk;
  }
  zwfw::v1::GetTemplateRequest request;
  request.set_name(args[1]);
  request.set_version(absl::GetFlag(FLAGS_version));
  grpc::Status s =
      stub->GetTemplate(NewContext(options).get(), request, &stored);
  if (!s.ok()) return ReportRpcError(s, "show template " + args[1]);
  if (options.json) {
    std::cout << ToJson(stored);
    return kExitOk;
  }
  std::cout << "# " << stored.name() << " 版本 " << stored.version() << "（"
            << stored.set_by() << "）\n"
            << stored.text();
  if (!stored.text().empty() && stored.text().back() != '\n') std::cout << "\n";
  return kExitOk;
}

}  // namespace zwfw::cli
