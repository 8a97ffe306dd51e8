// intake_bench: measures case intake through the real server, beside a raw
// SQLite baseline measured in the same run on the same disk.
//
//   build/tools/bench/intake_bench [--cases=1000000] [--rounds=3]
//
// Each round: (1) raw SQLite — the same rows inserted with one prepared
// statement, 1,000 rows a transaction, WAL and synchronous=FULL; (2) the
// real intake_server (started here on a fresh data folder) fed the cases
// over one SubmitCases stream, timed from the first write to the last
// durable ack. Then unary UpsertCase from 64 concurrent callers: calls/s,
// p50 and p99. Medians of the rounds are printed with their ratio.
// --address=host:port measures only the unary calls, against a running
// server (on another machine, so that the client does not share its CPU).
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/bearer.h"
#include "services/common/sqlite.h"
#include "tools/bench/unary_load.h"
#include "zwfw/v1/directory.grpc.pb.h"
#include "zwfw/v1/intake.grpc.pb.h"

ABSL_FLAG(int, cases, 1000000, "cases streamed per round");
ABSL_FLAG(int, rounds, 3, "rounds (medians are reported)");
ABSL_FLAG(int, batch, 5000, "records per SubmitCases batch");
ABSL_FLAG(int, in_flight, 4, "unacknowledged batches at most");
ABSL_FLAG(int, unary_calls, 20000, "UpsertCase calls in the unary test");
ABSL_FLAG(int, concurrency, 64, "concurrent UpsertCase callers");
ABSL_FLAG(int, connections, 8,
          "connections the unary callers are spread over (callers are "
          "independent department systems, not one multiplexed client)");
ABSL_FLAG(std::string, server, "",
          "intake_server binary (default: next to this build)");
ABSL_FLAG(
    std::string, extra_server_flags, "",
    "one more flag for the servers this starts, e.g. --metrics_listen=...");
ABSL_FLAG(std::string, address, "",
          "measure the unary calls against this running intake server "
          "(host:port, e.g. on another machine) instead of starting one; "
          "needs an admin token in $ZWFW_TOKEN; imports the bench's 20 "
          "departments d0..d19 into its directory and writes cases "
          "unary<round>-<n> — use a scratch server");
ABSL_FLAG(std::string, work_dir, "/tmp/zwfw-bench",
          "scratch folder on the disk to measure");

namespace {

using zwfw::bench::Clock;
using zwfw::bench::RunUnary;
using zwfw::bench::Seconds;
using zwfw::bench::UnaryFigures;
using zwfw::bench::WithCpu;
constexpr int kDepartments = 20;
constexpr int64_t kJuly2020 = 1593532800;  // 2020-07-01 00:00 CST

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

zwfw::v1::Case MakeCase(int64_t n, const std::string& prefix) {
  zwfw::v1::Case c;
  c.set_department_code(absl::StrCat("d", n % kDepartments));
  c.set_case_no(absl::StrFormat("%s-%09d", prefix, n));
  c.set_category(n % 4 == 0 ? zwfw::v1::ITEM_CATEGORY_CONVENIENCE
                            : zwfw::v1::ITEM_CATEGORY_APPROVAL);
  c.set_site(static_cast<zwfw::v1::HandlingSite>(1 + n % 3));
  c.set_instant(n % 2 == 0);
  c.set_online(n % 3 == 0);
  c.set_status(zwfw::v1::CASE_STATUS_COMPLETED);
  c.mutable_accepted_at()->set_seconds(kJuly2020 + 3600 + n % (29 * 86400));
  c.mutable_completed_at()->set_seconds(c.accepted_at().seconds() + 1800);
  c.set_completed_in_center(n % 3 == 0);
  c.set_applicant_kind(zwfw::v1::APPLICANT_KIND_PERSON);
  return c;
}

// The raw baseline: the same rows, the intake table's shape.
double RawSqliteRate(const std::string& path, int n) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  auto db = zwfw::Database::Open(path);
  if (!db.ok() ||
      !(*db)
           ->Exec("CREATE TABLE cases (department_code TEXT NOT NULL, "
                  "case_no TEXT NOT NULL, category INTEGER NOT NULL, "
                  "accepted_month TEXT NOT NULL, status INTEGER NOT NULL, "
                  "due_at INTEGER, completed_at INTEGER, record BLOB NOT NULL, "
                  "PRIMARY KEY (department_code, case_no))")
           .ok()) {
    std::fprintf(stderr, "cannot create %s\n", path.c_str());
    std::exit(1);
  }
  std::vector<std::pair<zwfw::v1::Case, std::string>> rows;
  rows.reserve(n);
  for (int i = 0; i < n; ++i) {
    zwfw::v1::Case c = MakeCase(i, "raw");
    std::string record = c.SerializeAsString();
    rows.emplace_back(std::move(c), std::move(record));
  }
  auto insert = (*db)->Prepare(
      "INSERT INTO cases VALUES (?, ?, ?, '2020-07', ?, NULL, ?, ?)");
  Clock::time_point start = Clock::now();
  for (int i = 0; i < n; i += 1000) {
    auto tx = zwfw::Transaction::Begin(**db);
    for (int k = i; k < std::min(n, i + 1000); ++k) {
      const auto& [c, record] = rows[k];
      absl::Status s = insert->Bind(1, c.department_code())
                           .Bind(2, c.case_no())
                           .Bind(3, static_cast<int>(c.category()))
                           .Bind(4, static_cast<int>(c.status()))
                           .Bind(5, c.completed_at().seconds())
                           .BindBlob(6, record)
                           .Run();
      if (!s.ok()) std::exit(1);
    }
    if (!tx->Commit().ok()) std::exit(1);
  }
  return n / Seconds(Clock::now() - start);
}

class ServerProcess {
 public:
  ServerProcess(const std::string& binary, const std::string& dir, int port)
      : address_(absl::StrCat("127.0.0.1:", port)) {
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the bench
      std::string listen = "--listen=" + address_;
      std::string data = "--data_dir=" + dir + "/data";
      std::string tokens = "--token_file=" + dir + "/tokens.txt";
      std::string log = dir + "/server.log";
      if (freopen(log.c_str(), "a", stderr) == nullptr) _exit(126);
      std::string extra = absl::GetFlag(FLAGS_extra_server_flags);
      execl(binary.c_str(), binary.c_str(), listen.c_str(), data.c_str(),
            tokens.c_str(),
            "--calendar_dir=" ZWFW_SOURCE_DIR "/deploy/calendar",
            extra.empty() ? static_cast<char*>(nullptr) : extra.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~ServerProcess() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }

 private:
  std::string address_;
  pid_t pid_;
};

int FreePort() {
  static int next = 41000 + getpid() % 1000;
  return next++;
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  zwfw::AddBearerToken(context.get(), token);
  return context;
}

std::shared_ptr<grpc::Channel> Connect(const std::string& address,
                                       const std::string& token) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(
      address, grpc::InsecureChannelCredentials(), args);
  zwfw::v1::ImportDirectoryRequest request;
  for (int d = 0; d < kDepartments; ++d) {
    auto* department = request.mutable_snapshot()->add_departments();
    department->set_code(absl::StrCat("d", d));
    department->set_name(absl::StrCat("部门", d));
  }
  zwfw::v1::ImportDirectoryResponse response;
  auto stub = zwfw::v1::Directory::NewStub(channel);
  // Waits for the server to listen (a failed attempt would put the channel
  // into reconnect backoff, seconds of idle time in the figures' run).
  auto context = Context(token);
  context->set_wait_for_ready(true);
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(20));
  grpc::Status s = stub->ImportDirectory(context.get(), request, &response);
  if (!s.ok()) {
    std::fprintf(stderr, "server at %s did not come up: %s\n", address.c_str(),
                 s.error_message().c_str());
    std::exit(1);
  }
  return channel;
}

double StreamRate(const std::shared_ptr<grpc::Channel>& channel,
                  const std::string& token, int n) {
  const int batch = absl::GetFlag(FLAGS_batch);
  std::vector<zwfw::v1::SubmitCasesRequest> requests;
  for (int i = 0; i < n; i += batch) {
    auto& r = requests.emplace_back();
    r.set_batch_id(requests.size());
    for (int k = i; k < std::min(n, i + batch); ++k) {
      *r.add_cases() = MakeCase(k, "stream");
    }
  }
  auto stub = zwfw::v1::CaseIntake::NewStub(channel);
  auto context = Context(token);
  auto stream = stub->SubmitCases(context.get());
  std::atomic<int> acked{0};
  std::atomic<int64_t> accepted{0};
  Clock::time_point start = Clock::now();
  std::thread reader([&] {
    zwfw::v1::SubmitCasesResponse ack;
    while (stream->Read(&ack)) {
      for (const auto& r : ack.results()) {
        if (r.outcome() == zwfw::v1::RECORD_OUTCOME_ACCEPTED) ++accepted;
      }
      ++acked;
    }
  });
  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  for (size_t i = 0; i < requests.size(); ++i) {
    while (static_cast<int>(i) - acked.load() >= in_flight) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    stream->Write(requests[i]);
  }
  stream->WritesDone();
  reader.join();
  double seconds = Seconds(Clock::now() - start);
  grpc::Status s = stream->Finish();
  if (!s.ok() || accepted != n) {
    std::fprintf(stderr, "stream failed: %s, %lld of %d accepted\n",
                 s.error_message().c_str(),
                 static_cast<long long>(accepted.load()), n);
    std::exit(1);
  }
  return n / seconds;
}

// UpsertCase of a new case per call, as a department system sends them.
UnaryFigures UpsertCases(const std::string& address, const std::string& token,
                         int calls, int concurrency, int round) {
  // New case numbers on every run, also against a server that outlives it.
  const std::string prefix = absl::StrCat("unary", getpid(), "-", round);
  using zwfw::v1::UpsertCaseRequest;
  return RunUnary<zwfw::v1::CaseIntake, UpsertCaseRequest,
                  zwfw::v1::UpsertCaseResponse>(
      address, token, absl::GetFlag(FLAGS_connections), calls, concurrency,
      [&prefix](int i) {
        UpsertCaseRequest request;
        *request.mutable_case_() = MakeCase(i, prefix);
        return request;
      },
      [](auto* async, auto&&... args) {
        async->UpsertCase(std::forward<decltype(args)>(args)...);
      });
}

// The baseline: the same callers calling grpc.health.v1.Health/Check on
// the same server, with the same authorization header — a unary call that
// does no work, so its latency is what gRPC and this machine cost before
// intake does anything.
UnaryFigures HealthChecks(const std::string& address, const std::string& token,
                          int calls, int concurrency) {
  using grpc::health::v1::HealthCheckRequest;
  return RunUnary<grpc::health::v1::Health, HealthCheckRequest,
                  grpc::health::v1::HealthCheckResponse>(
      address, token, absl::GetFlag(FLAGS_connections), calls, concurrency,
      [](int) { return HealthCheckRequest(); },
      [](auto* async, auto&&... args) {
        async->Check(std::forward<decltype(args)>(args)...);
      });
}

// Unary rounds against the server at `address`: the no-op baseline and
// UpsertCase side by side, so both see the same machine. The server's CPU
// is read when it runs here (`server_pid` > 0).
void UnaryRounds(const std::string& address, const std::string& token,
                 pid_t server_pid, int rounds) {
  std::vector<UnaryFigures> base, upsert;
  const int calls = absl::GetFlag(FLAGS_unary_calls);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  // Warm-up, not reported: the server's threads, allocator and page cache
  // reach their steady state before the first measured round.
  HealthChecks(address, token, std::min(calls, 5000), concurrency);
  UpsertCases(address, token, std::min(calls, 5000), concurrency, 0);
  for (int round = 1; round <= rounds; ++round) {
    UnaryFigures b = WithCpu(server_pid, calls, [&] {
      return HealthChecks(address, token, calls, concurrency);
    });
    UnaryFigures u = WithCpu(server_pid, calls, [&] {
      return UpsertCases(address, token, calls, concurrency, round);
    });
    for (const auto& [name, f] :
         {std::pair{"Health/Check", b}, std::pair{"UpsertCase", u}}) {
      std::printf(
          "unary round %d: %-12s %6.0f calls/s, p50 %5.2f ms, p99 "
          "%5.2f ms; CPU per call: server %3.0f us, client %3.0f us\n",
          round, name, f.calls_per_second, f.p50_ms, f.p99_ms, f.server_cpu_us,
          f.client_cpu_us);
    }
    std::fflush(stdout);
    base.push_back(b);
    upsert.push_back(u);
  }
  if (!absl::GetFlag(FLAGS_extra_server_flags).empty()) {
    std::printf("server running for inspection; press Enter to stop\n");
    std::getchar();
  }
  auto median = [](const std::vector<UnaryFigures>& v,
                   double UnaryFigures::*figure) {
    std::vector<double> values;
    for (const UnaryFigures& f : v) values.push_back(f.*figure);
    return Median(values);
  };
  std::printf(
      "median: unary, %d callers on %d connections: Health/Check (no-op "
      "floor) %.0f calls/s, p99 %.2f ms, server CPU %.0f us a call; "
      "UpsertCase %.0f calls/s, p50 %.2f ms, p99 %.2f ms, server CPU %.0f us "
      "a call (goal p99 <= 10 ms)\n",
      concurrency, absl::GetFlag(FLAGS_connections),
      median(base, &UnaryFigures::calls_per_second),
      median(base, &UnaryFigures::p99_ms),
      median(base, &UnaryFigures::server_cpu_us),
      median(upsert, &UnaryFigures::calls_per_second),
      median(upsert, &UnaryFigures::p50_ms),
      median(upsert, &UnaryFigures::p99_ms),
      median(upsert, &UnaryFigures::server_cpu_us));
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int n = absl::GetFlag(FLAGS_cases);
  const int rounds = std::max(1, absl::GetFlag(FLAGS_rounds));
  std::string server = absl::GetFlag(FLAGS_server);
  if (server.empty()) {
    server = (std::filesystem::canonical("/proc/self/exe").parent_path() /
              "../../services/intake/intake_server")
                 .string();
  }
  const std::string remote = absl::GetFlag(FLAGS_address);
  if (!remote.empty()) {
    const char* token = std::getenv("ZWFW_TOKEN");
    if (token == nullptr || *token == '\0') {
      std::fprintf(stderr, "--address needs an admin token in $ZWFW_TOKEN\n");
      return 2;
    }
    std::printf("intake_bench: unary calls against %s, %d rounds\n",
                remote.c_str(), rounds);
    Connect(remote, token);  // imports the bench's directory
    UnaryRounds(remote, token, 0, rounds);
    return 0;
  }
  const std::string work = absl::GetFlag(FLAGS_work_dir);
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);
  const std::string token = zwfw::NewToken();
  if (!zwfw::AddTokenToFile(work + "/tokens.txt", token, "admin").ok()) {
    return 1;
  }

  std::printf(
      "intake_bench: %d cases a round, %d rounds, batches of %d, "
      "%d in flight; disk %s\n",
      n, rounds, absl::GetFlag(FLAGS_batch), absl::GetFlag(FLAGS_in_flight),
      work.c_str());
  std::vector<double> raw, stream, ratio;
  for (int round = 1; round <= rounds; ++round) {
    double r = RawSqliteRate(work + "/raw.db", n);
    std::filesystem::remove_all(work + "/data");
    double s;
    {
      ServerProcess process(server, work, FreePort());
      s = StreamRate(Connect(process.address(), token), token, n);
    }
    raw.push_back(r);
    stream.push_back(s);
    ratio.push_back(s / r);
    std::printf(
        "round %d: raw SQLite %.0f rows/s, intake stream %.0f "
        "cases/s durable, ratio %.2f\n",
        round, r, s, s / r);
    std::fflush(stdout);
  }
  std::printf(
      "median: raw SQLite %.0f rows/s, intake stream %.0f cases/s, "
      "ratio %.2f (goal >= 0.50)\n",
      Median(raw), Median(stream), Median(ratio));

  std::filesystem::remove_all(work + "/data");
  ServerProcess process(server, work, FreePort());
  Connect(process.address(), token);  // imports the bench's directory
  UnaryRounds(process.address(), token, process.pid(), rounds);
  return 0;
}
