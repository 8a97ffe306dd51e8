// zwfw audit list|verify SERVER: a server's audit trail (audit_log.h).
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"
#include "zwfw/v1/audit.grpc.pb.h"

namespace zwfw::cli {

int RunAuditCommand(const ClientOptions& options,
                    const std::vector<std::string>& args) {
  if (args.size() < 2 || args.size() > 3 ||
      (args[0] != "list" && args[0] != "verify")) {
    std::cerr << GroupUsage("audit");
    return kExitUsage;
  }
  int64_t after = 0;
  if (args.size() == 3 &&
      (args[0] != "list" || !absl::SimpleAtoi(args[2], &after))) {
    std::cerr << GroupUsage("audit");
    return kExitUsage;
  }
  const std::string address = ServerAddress(options, args[1]);
  std::shared_ptr<grpc::Channel> channel = ConnectOrSay(options, address);
  if (channel == nullptr) return kExitUsage;
  auto stub = zwfw::v1::Audit::NewStub(channel);
  if (args[0] == "verify") {
    zwfw::v1::VerifyAuditResponse verdict;
    grpc::Status s = stub->VerifyAudit(NewContext(options).get(), {}, &verdict);
    if (!s.ok()) return ReportRpcError(s, "audit of " + address);
    if (options.json) {
      std::cout << ToJson(verdict) << "\n";
    } else if (verdict.intact()) {
      std::cout << address << ": " << verdict.entries()
                << " entries, chain intact; head " << verdict.head_hash()
                << "\n";
    } else {
      std::cout << address << ": NOT intact after " << verdict.entries()
                << " entries: " << verdict.problem() << "\n";
    }
    return verdict.intact() ? kExitOk : kExitRejected;
  }
  zwfw::v1::ListAuditRequest request;
  request.set_after_seq(after);
  request.set_page_size(1000);
  zwfw::v1::ListAuditResponse page;
  grpc::Status s = stub->ListAudit(NewContext(options).get(), request, &page);
  if (!s.ok()) return ReportRpcError(s, "audit of " + address);
  if (options.json) {
    std::cout << ToJson(page) << "\n";
    return kExitOk;
  }
  for (const zwfw::v1::AuditRecord& e : page.entries()) {
    std::cout << e.seq() << "  "
              << absl::FormatTime("%Y-%m-%d %H:%M:%S", ToTime(e.at()),
                                  ChinaTimeZone())
              << "  " << e.who() << "  " << e.rpc() << "  " << e.keys_size()
              << " records";
    if (e.keys_size() > 0) {
      std::cout << " (" << e.keys(0) << (e.keys_size() > 1 ? ", …" : "") << ")";
    }
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace zwfw::cli
