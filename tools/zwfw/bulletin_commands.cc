#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "services/common/proto_enum.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"
#include "zwfw/v1/bulletin.grpc.pb.h"

ABSL_DECLARE_FLAG(std::string, period);
ABSL_FLAG(std::string, format, "text",
          "bulletin format: text, markdown, html, pdf, xlsx, csv");
ABSL_FLAG(std::string, o, "", "write the document to this file");
ABSL_FLAG(int64_t, version, 0, "published version (0: the latest)");
ABSL_FLAG(bool, start_new_version, false,
          "edit a published period's draft, starting its next version");

namespace zwfw::cli {
namespace {

using zwfw::v1::Bulletin;

// Also the file extensions people type: txt, md.
bool ParseFormat(std::string text, zwfw::v1::BulletinFormat* format) {
  if (text == "txt") text = "text";
  if (text == "md") text = "markdown";
  const auto* value =
      FindEnumValue(zwfw::v1::BulletinFormat_descriptor(), text);
  if (value == nullptr) return false;
  *format = static_cast<zwfw::v1::BulletinFormat>(value->number());
  return true;
}

// Writes the document to -o or stdout and the warnings to stderr.
int Output(const zwfw::v1::RenderResponse& r) {
  for (const auto& w : r.warnings())
    std::cerr << "zwfw: warning: " << w << "\n";
  const std::string path = absl::GetFlag(FLAGS_o);
  if (path.empty()) {
    std::cout << r.content();
    return kExitOk;
  }
  std::ofstream out(path, std::ios::binary);
  out << r.content();
  if (!out) {
    std::cerr << "zwfw: cannot write " << path << "\n";
    return kExitUsage;
  }
  std::cerr << "zwfw: wrote " << path << " (" << r.content().size()
            << " bytes, sha256 " << r.sha256() << ")\n";
  return kExitOk;
}

}  // namespace

int RunBulletinCommand(const ClientOptions& options,
                       const std::vector<std::string>& args) {
  std::shared_ptr<grpc::Channel> channel =
      ConnectOrSay(options, options.bulletin);
  if (channel == nullptr) return kExitUsage;
  auto stub = Bulletin::NewStub(channel);
  const std::string period = absl::GetFlag(FLAGS_period);
  if (args.size() == 2 && args[0] == "draft" && args[1] == "get") {
    zwfw::v1::GetDraftRequest request;
    request.set_period(period);
    zwfw::v1::Draft draft;
    grpc::Status s = stub->GetDraft(NewContext(options).get(), request, &draft);
    if (!s.ok()) return ReportRpcError(s, "get draft");
    std::cout << ToJson(draft);
    return kExitOk;
  }
  if (args.size() == 3 && args[0] == "draft" && args[1] == "set") {
    absl::StatusOr<std::string> text = ReadFileLimited(args[2], 4 << 20);
    if (!text.ok()) {
      std::cerr << "zwfw: " << text.status().message() << "\n";
      return kExitUsage;
    }
    zwfw::v1::UpdateDraftRequest request;
    auto parsed = google::protobuf::util::JsonStringToMessage(
        *text, request.mutable_draft());
    if (!parsed.ok()) {
      std::cerr << "zwfw: " << args[2] << " is not a zwfw.v1.Draft in proto "
                << "JSON: " << parsed.message() << "\n";
      return kExitUsage;
    }
    if (!period.empty()) request.mutable_draft()->set_period(period);
    request.set_start_new_version(absl::GetFlag(FLAGS_start_new_version));
    // Based on the revision stored now unless the file names one.
    if (request.draft().revision() == 0) {
      zwfw::v1::GetDraftRequest get;
      get.set_period(request.draft().period());
      zwfw::v1::Draft current;
      grpc::Status s = stub->GetDraft(NewContext(options).get(), get, &current);
      if (!s.ok()) return ReportRpcError(s, "get draft");
      request.mutable_draft()->set_revision(current.revision());
    }
    zwfw::v1::Draft stored;
    grpc::Status s =
        stub->UpdateDraft(NewContext(options).get(), request, &stored);
    if (!s.ok()) return ReportRpcError(s, "set draft");
    std::cout << "draft of " << stored.period() << " at revision "
              << stored.revision() << "\n";
    return kExitOk;
  }
  zwfw::v1::BulletinFormat format = zwfw::v1::BULLETIN_FORMAT_UNSPECIFIED;
  if (!ParseFormat(absl::GetFlag(FLAGS_format), &format)) {
    std::cerr << "zwfw: --format=" << absl::GetFlag(FLAGS_format)
              << " is not one of text, markdown, html, pdf, xlsx, csv\n";
    return kExitUsage;
  }
  if (args.size() == 1 && args[0] == "render") {
    zwfw::v1::RenderRequest request;
    request.set_period(period);
    request.set_format(format);
    zwfw::v1::RenderResponse response;
    grpc::Status s =
        stub->Render(NewContext(options).get(), request, &response);
    if (!s.ok()) return ReportRpcError(s, "render");
    return Output(response);
  }
  if (args.size() == 1 && args[0] == "publish") {
    zwfw::v1::PublishRequest request;
    request.set_period(period);
    zwfw::v1::PublishedVersion version;
    grpc::Status s =
        stub->Publish(NewContext(options).get(), request, &version);
    if (!s.ok()) return ReportRpcError(s, "publish");
    std::cout << "published " << version.period() << " version "
              << version.version() << "\n";
    for (const auto& [f, sha] : version.sha256()) {
      std::cout << "  " << f << " sha256 " << sha << "\n";
    }
    return kExitOk;
  }
  if (args.size() == 1 && args[0] == "get") {
    zwfw::v1::GetPublishedRequest request;
    request.set_period(period);
    request.set_version(absl::GetFlag(FLAGS_version));
    request.set_format(format);
    zwfw::v1::RenderResponse response;
    grpc::Status s =
        stub->GetPublished(NewContext(options).get(), request, &response);
    if (!s.ok()) return ReportRpcError(s, "get published");
    return Output(response);
  }
  std::cerr << GroupUsage("bulletin");
  return kExitUsage;
}

}  // namespace zwfw::cli
