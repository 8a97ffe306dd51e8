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
//
// --probe_url=http://127.0.0.1:8080/v1/periods/2020-07/case-stats (with a
// reader's token in $ZWFW_PROBE_TOKEN): also measures how stale the
// gateway's answers are. Every --probe_ms a GET reads July's center_handled
// (each write here adds one); a probe sent at time t that shows V of this
// run's writes while A > V had been acknowledged by t was stale by t minus
// the ack time of write V+1, the oldest acknowledged write it does not show
// (writes become visible in the order they commit, and are acknowledged in
// that order: a batch commits before any of its acks).
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "tools/bench/unary_load.h"
#include "zwfw/v1/intake.grpc.pb.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051", "intake's address");
ABSL_FLAG(int, rate, 2500, "UpsertCase calls a second");
ABSL_FLAG(int, seconds, 30, "how long");
ABSL_FLAG(int, connections, 4, "separate connections");
ABSL_FLAG(std::string, department, "qj-gaj", "the cases' department");
ABSL_FLAG(std::string, probe_url, "",
          "the gateway's case stats of July 2020 (http://host:port/path): "
          "measure how stale its answers are; reader token in "
          "$ZWFW_PROBE_TOKEN");
ABSL_FLAG(int, probe_ms, 10, "milliseconds between staleness probes");

namespace {

using zwfw::bench::Clock;
using zwfw::bench::Seconds;

constexpr int64_t kJuly2020 = 1593532800;  // 2020-07-01 00:00 CST

// One keep-alive HTTP/1.1 connection to the gateway, reading the case
// stats' center_handled.
class StatsProbe {
 public:
  // `url`: http://host:port/path. Exits with a message when it is not.
  StatsProbe(const std::string& url, const std::string& token)
      : stream_(io_), authorization_(zwfw::BearerValue(token)) {
    absl::string_view rest = url;
    if (!absl::ConsumePrefix(&rest, "http://")) {
      std::fprintf(stderr, "write_load: --probe_url must be http://...\n");
      std::exit(2);
    }
    const size_t slash = rest.find('/');
    const size_t colon = rest.substr(0, slash).rfind(':');
    if (slash == absl::string_view::npos || colon == absl::string_view::npos) {
      std::fprintf(stderr,
                   "write_load: --probe_url needs host:port and a path\n");
      std::exit(2);
    }
    host_ = std::string(rest.substr(0, colon));
    port_ = std::string(rest.substr(colon + 1, slash - colon - 1));
    target_ = std::string(rest.substr(slash));
  }

  // July's center_handled now; exits on any failure (a bench that cannot
  // read must not print figures).
  int64_t CenterHandled() {
    namespace http = boost::beast::http;
    boost::beast::error_code error;
    if (!connected_) {
      boost::asio::ip::tcp::resolver resolver(io_);
      stream_.connect(resolver.resolve(host_, port_), error);
      if (error) Fail("connect", error.message());
      connected_ = true;
    }
    http::request<http::empty_body> request{http::verb::get, target_, 11};
    request.set(http::field::host, host_);
    request.set(http::field::authorization, authorization_);
    http::write(stream_, request, error);
    if (error) Fail("write", error.message());
    http::response<http::string_body> response;
    http::read(stream_, buffer_, response, error);
    if (error) Fail("read", error.message());
    if (response.result_int() != 200) {
      Fail("GET", absl::StrCat("HTTP ", response.result_int()));
    }
    if (!response.keep_alive()) connected_ = false, stream_.close();
    zwfw::v1::GetCaseStatsResponse stats;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    if (!google::protobuf::util::JsonStringToMessage(response.body(), &stats,
                                                     options)
             .ok()) {
      Fail("parse", "the answer is not GetCaseStatsResponse JSON");
    }
    return stats.center_handled();
  }

 private:
  [[noreturn]] static void Fail(const char* step, const std::string& why) {
    std::fprintf(stderr, "write_load: probe %s failed: %s\n", step,
                 why.c_str());
    std::exit(1);
  }

  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::string authorization_, host_, port_, target_;
  bool connected_ = false;
};

double Percentile(const std::vector<double>& sorted, double p) {
  return sorted.empty()
             ? 0.0
             : sorted[std::min(sorted.size() - 1,
                               static_cast<size_t>(sorted.size() * p))];
}

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
  std::vector<Clock::time_point> acks;  // of successful writes, in order
  int64_t failed = 0, in_flight = 0;
  std::string first_error;
  int64_t sent = 0;

  const std::string probe_url = absl::GetFlag(FLAGS_probe_url);
  std::unique_ptr<StatsProbe> probe;
  int64_t before = 0;  // center_handled before the first write
  if (!probe_url.empty()) {
    const char* probe_token = std::getenv("ZWFW_PROBE_TOKEN");
    if (probe_token == nullptr || *probe_token == '\0') {
      std::fprintf(stderr,
                   "write_load: --probe_url needs a token in "
                   "$ZWFW_PROBE_TOKEN\n");
      return 2;
    }
    probe = std::make_unique<StatsProbe>(probe_url, probe_token);
    before = probe->CenterHandled();
  }
  std::atomic<bool> probing{true};
  std::vector<double> staleness;  // ms, one per probe
  std::thread prober([&] {
    if (probe == nullptr) return;
    const auto every = std::chrono::milliseconds(absl::GetFlag(FLAGS_probe_ms));
    while (probing.load()) {
      const Clock::time_point asked = Clock::now();
      size_t acked;
      {
        absl::MutexLock lock(&mu);
        acked = acks.size();
      }
      const int64_t visible = probe->CenterHandled() - before;
      double ms = 0;
      if (visible < static_cast<int64_t>(acked)) {
        absl::MutexLock lock(&mu);
        ms = std::max(
            0.0, Seconds(asked - acks[std::max<int64_t>(visible, 0)]) * 1000);
      }
      staleness.push_back(ms);
      std::this_thread::sleep_until(asked + every);
    }
  });
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
            if (s.ok()) acks.push_back(Clock::now());
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
  // The last writes' visibility too, then the probe stops.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  probing = false;
  prober.join();
  absl::MutexLock lock(&mu);
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) { return Percentile(latencies, p); };
  std::printf(
      "write_load: %lld UpsertCase in %.1f s (%.0f/s asked, %.0f/s done), "
      "%lld failed%s%s; latency p50 %.1f ms, p99 %.1f ms\n",
      static_cast<long long>(sent), elapsed, static_cast<double>(rate),
      sent / elapsed, static_cast<long long>(failed),
      failed ? ", the first: " : "", first_error.c_str(), pct(0.5), pct(0.99));
  if (probe != nullptr) {
    const size_t probes = staleness.size();
    const size_t stale = std::count_if(staleness.begin(), staleness.end(),
                                       [](double ms) { return ms > 0; });
    std::sort(staleness.begin(), staleness.end());
    std::printf(
        "write_load: staleness of the gateway's answers (acknowledged writes "
        "not yet visible): %zu probes, %zu stale; p50 %.1f ms, p99 %.1f ms, "
        "max %.1f ms\n",
        probes, stale, Percentile(staleness, 0.5), Percentile(staleness, 0.99),
        staleness.empty() ? 0.0 : staleness.back());
  }
  return failed == 0 ? 0 : 1;
}
