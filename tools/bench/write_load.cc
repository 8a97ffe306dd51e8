// write_load: a steady stream of unary UpsertCase calls at a fixed rate
// (open loop: calls go out on schedule whether or not earlier ones have
// returned), the writes a working day's department systems send while
// dashboards read. Each call is a new case of July 2020 of a demo
// department, so every write moves intake's July data version.
//
//   write_load --address=127.0.0.1:50051 --rate=2500 --seconds=60
//
// Needs a token of a role that may write cases in $ZWFW_TOKEN. Prints, at
// the end, what was sent and acknowledged and the latency percentiles.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "tools/bench/unary_load.h"
#include "zwfw/v1/intake.grpc.pb.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051", "intake's address");
ABSL_FLAG(int, rate, 2500, "UpsertCase calls a second");
ABSL_FLAG(int, seconds, 30, "how long");
ABSL_FLAG(int, connections, 4, "separate connections");
ABSL_FLAG(std::string, department, "qj-gaj", "the cases' department");

namespace {

using zwfw::bench::Clock;
using zwfw::bench::Seconds;

constexpr int64_t kJuly2020 = 1593532800;  // 2020-07-01 00:00 CST

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const char* token = std::getenv("ZWFW_TOKEN");
  if (token == nullptr || *token == '\0') {
    std::fprintf(stderr, "write_load: needs a token in $ZWFW_TOKEN\n");
    return 2;
  }
  const int rate = std::max(1, absl::GetFlag(FLAGS_rate));
  const int seconds = std::max(1, absl::GetFlag(FLAGS_seconds));
  auto channels = zwfw::bench::Connections(absl::GetFlag(FLAGS_address),
                                           absl::GetFlag(FLAGS_connections));
  std::vector<std::unique_ptr<zwfw::v1::CaseIntake::Stub>> stubs;
  for (const auto& c : channels)
    stubs.push_back(zwfw::v1::CaseIntake::NewStub(c));
  const std::string authorization = zwfw::BearerValue(token);
  const std::string prefix = absl::StrCat("live-", getpid());
  const std::string department = absl::GetFlag(FLAGS_department);

  using Call = zwfw::bench::PendingCall<zwfw::v1::UpsertCaseRequest,
                                        zwfw::v1::UpsertCaseResponse>;
  absl::Mutex mu;
  std::vector<double> latencies;
  int64_t failed = 0, in_flight = 0;
  std::string first_error;
  int64_t sent = 0;
  const Clock::time_point start = Clock::now();
  const int64_t total = static_cast<int64_t>(rate) * seconds;
  // Ticks of 10 ms, each sending its share of the rate.
  for (int64_t tick = 0; sent < total; ++tick) {
    const Clock::time_point due = start + std::chrono::milliseconds(10 * tick);
    std::this_thread::sleep_until(due);
    const int64_t until = std::min(total, (tick + 1) * rate / 100);
    for (; sent < until; ++sent) {
      auto* call = new Call;
      call->context.AddMetadata(zwfw::kAuthorizationKey, authorization);
      zwfw::v1::Case* c = call->request.mutable_case_();
      c->set_department_code(department);
      c->set_case_no(absl::StrCat(prefix, "-", sent));
      c->set_category(zwfw::v1::ITEM_CATEGORY_APPROVAL);
      c->set_site(zwfw::v1::HANDLING_SITE_CENTER);
      c->set_status(zwfw::v1::CASE_STATUS_COMPLETED);
      c->mutable_accepted_at()->set_seconds(kJuly2020 + 3600 +
                                            sent % (29 * 86400));
      c->mutable_completed_at()->set_seconds(c->accepted_at().seconds() + 1800);
      c->set_completed_in_center(true);
      {
        absl::MutexLock lock(&mu);
        ++in_flight;
      }
      const Clock::time_point issued = Clock::now();
      stubs[sent % stubs.size()]->async()->UpsertCase(
          &call->context, &call->request, &call->response,
          [&, call, issued](grpc::Status s) {
            const double ms = Seconds(Clock::now() - issued) * 1000;
            delete call;
            absl::MutexLock lock(&mu);
            --in_flight;
            latencies.push_back(ms);
            if (!s.ok() && failed++ == 0) first_error = s.error_message();
          });
    }
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int64_t* n) { return *n == 0; }, &in_flight));
  }
  const double elapsed = Seconds(Clock::now() - start);
  absl::MutexLock lock(&mu);
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    return latencies.empty()
               ? 0.0
               : latencies[std::min(latencies.size() - 1,
                                    static_cast<size_t>(latencies.size() * p))];
  };
  std::printf(
      "write_load: %lld UpsertCase in %.1f s (%.0f/s asked, %.0f/s done), "
      "%lld failed%s%s; latency p50 %.1f ms, p99 %.1f ms\n",
      static_cast<long long>(sent), elapsed, static_cast<double>(rate),
      sent / elapsed, static_cast<long long>(failed),
      failed ? ", the first: " : "", first_error.c_str(), pct(0.5), pct(0.99));
  return failed == 0 ? 0 : 1;
}
