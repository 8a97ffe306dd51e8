// intake_bench: measures case intake through the real server, beside a raw
// SQLite baseline measured in the same run on the same disk.
//
//   build/tools/bench/intake_bench [--cases=1000000] [--rounds=3]
//
// The cases are spread as department systems send them: --departments N
// (20 by default; 2,000 is a province), each department's cases on its own
// SubmitCases stream, --streams of them at once (a new one starts as one
// ends). Each round: (1) raw SQLite — the same rows, in the order those
// streams' batches interleave, inserted with one prepared statement, 1,000
// rows a transaction, WAL and synchronous=FULL, into the table alone and
// into intake's own schema (its indexes); (2) the real intake_server
// (started here on a fresh data folder) fed the streams, timed from the
// first write to the last durable ack. Then unary UpsertCase from 64
// concurrent callers beside the no-op Health/Check floor: calls/s, p50 and
// p99. Medians of the rounds are printed with their ratios.
// --address=host:port measures only the unary calls, against a running
// server (on another machine, so that the client does not share its CPU).
//
// --database=postgresql://... (and --database_password_file) measures intake
// on PostgreSQL instead, each round: (1) raw COPY — the same rows, in
// arrival order, COPYed --batch rows a transaction into an equivalent table
// (intake's columns and primary key) in the schema "bench_raw": the fastest
// a department could load PostgreSQL itself; (2) one intake_server on the
// database (its schema "intake" dropped first) fed the streams, durable;
// (3) the same with --replicas servers sharing the streams. With the CPU
// seconds per case of the servers and of every postgres process on this
// machine, and after the last round GetCaseStats of the month loaded.
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
#include "services/common/directory_index.h"
#include "services/common/postgres.h"
#include "services/common/sqlite.h"
#include "services/intake/intake_schema.h"
#include "tools/bench/unary_load.h"
#include "zwfw/v1/directory.grpc.pb.h"
#include "zwfw/v1/intake.grpc.pb.h"

ABSL_FLAG(int, cases, 1000000, "cases streamed per round");
ABSL_FLAG(int, rounds, 3, "rounds (medians are reported)");
ABSL_FLAG(int, departments, 20,
          "departments d0..d<N-1>; case n is of department n mod N");
ABSL_FLAG(int, streams, 64,
          "SubmitCases streams at once, one department's cases each "
          "(at most --departments)");
ABSL_FLAG(int, batch, 5000, "records per SubmitCases batch");
ABSL_FLAG(int, in_flight, 2,
          "unacknowledged batches at most, per stream (20 streams x 2 x 5,000 "
          "records fill intake's 200,000-record write queue exactly)");
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
          "needs an admin token in $ZWFW_TOKEN; imports the bench's "
          "departments d0..d<N-1> into its directory and writes cases "
          "unary<round>-<n> — use a scratch server");
ABSL_FLAG(std::string, database, "",
          "measure intake on this PostgreSQL database (a libpq URI) instead "
          "of SQLite; its schemas \"intake\" and \"bench_raw\" are "
          "dropped and made again");
ABSL_FLAG(std::string, database_password_file, "",
          "the database's password (tools/postgres: DIR/password)");
ABSL_FLAG(int, replicas, 3, "intake replicas sharing the load (--database)");
ABSL_FLAG(std::string, work_dir, "/tmp/zwfw-bench",
          "scratch folder on the disk to measure");

namespace {

using zwfw::bench::Clock;
using zwfw::bench::ProcessCpuSeconds;
using zwfw::bench::RunUnary;
using zwfw::bench::Seconds;
using zwfw::bench::UnaryFigures;
constexpr int64_t kJuly2020 = 1593532800;  // 2020-07-01 00:00 CST

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int Departments() {
  const int n = absl::GetFlag(FLAGS_departments);
  if (n < 1 || n > zwfw::kMaxDepartments) {
    std::fprintf(stderr, "--departments must be 1..%d, not %d\n",
                 zwfw::kMaxDepartments, n);
    std::exit(2);
  }
  return n;
}

zwfw::v1::Case MakeCase(int64_t n, const std::string& prefix) {
  zwfw::v1::Case c;
  c.set_department_code(absl::StrCat("d", n % Departments()));
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

// A batch of one department's cases: case numbers `first`, first + N, ...
// (N departments), `count` of them.
struct Batch {
  int64_t first;
  int count;
};

// Department d's cases (n with n mod N == d, of n < `cases`) in batches of
// --batch, in the order its stream sends them.
std::vector<Batch> DepartmentBatches(int d, int64_t cases) {
  const int departments = Departments();
  const int64_t own = cases / departments + (d < cases % departments ? 1 : 0);
  const int batch = absl::GetFlag(FLAGS_batch);
  std::vector<Batch> out;
  for (int64_t i = 0; i < own; i += batch) {
    out.push_back({d + i * departments,
                   static_cast<int>(std::min<int64_t>(batch, own - i))});
  }
  return out;
}

// The order the server sees the batches in: --streams departments at once,
// taking one batch each in turn, a stream that ends replaced by the next
// department's. The raw baseline inserts its rows in this order.
std::vector<Batch> ArrivalOrder(int64_t cases) {
  const int departments = Departments();
  const int streams = std::clamp(absl::GetFlag(FLAGS_streams), 1, departments);
  std::vector<std::vector<Batch>> open;
  std::vector<size_t> next;
  int queued = 0;
  for (; queued < streams; ++queued) {
    open.push_back(DepartmentBatches(queued, cases));
    next.push_back(0);
  }
  std::vector<Batch> order;
  for (bool any = true; any;) {
    any = false;
    for (size_t k = 0; k < open.size(); ++k) {
      if (next[k] == open[k].size() && queued < departments) {
        open[k] = DepartmentBatches(queued++, cases);
        next[k] = 0;
      }
      if (next[k] < open[k].size()) {
        order.push_back(open[k][next[k]++]);
        any = true;
      }
    }
  }
  return order;
}

// The raw baselines: the same rows, in the order the streams deliver them,
// with one prepared statement, 1,000 rows a transaction. kPlain is the
// table alone (its primary key and nothing else); kIntakeSchema is intake's
// own schema, migrated by its migrations — the secondary indexes its reads
// need (cases by month, open cases by due time) and the same INSERT ... ON
// CONFLICT the writer runs: the floor of what intake has to store.
enum class Shape { kPlain, kIntakeSchema };

// A raw baseline's rows, each case with its bytes, in arrival order: built
// once a run (before any clock starts) and inserted by every shape.
using RawRows = std::vector<std::pair<zwfw::v1::Case, std::string>>;

RawRows MakeRawRows(int64_t n) {
  RawRows rows;
  rows.reserve(n);
  const int departments = Departments();
  for (const Batch& b : ArrivalOrder(n)) {
    for (int k = 0; k < b.count; ++k) {
      zwfw::v1::Case c = MakeCase(b.first + int64_t{k} * departments, "raw");
      std::string record = c.SerializeAsString();
      rows.emplace_back(std::move(c), std::move(record));
    }
  }
  return rows;
}

double RawSqliteRate(const std::string& path, const RawRows& rows,
                     Shape shape) {
  const int64_t n = static_cast<int64_t>(rows.size());
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  auto db = zwfw::Database::Open(path);
  absl::Status created =
      !db.ok() ? db.status()
      : shape == Shape::kIntakeSchema
          ? (*db)->Migrate(zwfw::intake::IntakeMigrations())
          : (*db)->Exec(
                "CREATE TABLE cases (department_code TEXT NOT NULL, "
                "case_no TEXT NOT NULL, category INTEGER NOT NULL, "
                "accepted_month TEXT NOT NULL, status INTEGER NOT NULL, "
                "due_at INTEGER, completed_at INTEGER, record BLOB NOT NULL, "
                "PRIMARY KEY (department_code, case_no))");
  if (!created.ok()) {
    std::fprintf(stderr, "cannot create %s: %s\n", path.c_str(),
                 created.ToString().c_str());
    std::exit(1);
  }
  auto insert = (*db)->Prepare(
      absl::StrCat("INSERT INTO cases (department_code, case_no, category, "
                   "accepted_month, status, due_at, completed_at, record) "
                   "VALUES (?, ?, ?, '2020-07', ?, NULL, ?, ?)",
                   shape == Shape::kIntakeSchema
                       ? " ON CONFLICT (department_code, case_no) DO NOTHING"
                       : ""));
  if (!insert.ok()) std::exit(1);
  Clock::time_point start = Clock::now();
  for (int64_t i = 0; i < n; i += 1000) {
    auto tx = zwfw::Transaction::Begin(**db);
    for (int64_t k = i; k < std::min(n, i + 1000); ++k) {
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
  // `flags`: more flags for the server (e.g. --database=...).
  ServerProcess(const std::string& binary, const std::string& dir, int port,
                std::vector<std::string> flags = {})
      : address_(absl::StrCat("127.0.0.1:", port)) {
    flags.insert(flags.begin(),
                 {binary, "--listen=" + address_, "--data_dir=" + dir + "/data",
                  "--token_file=" + dir + "/tokens.txt",
                  "--calendar_dir=" ZWFW_SOURCE_DIR "/deploy/calendar"});
    const std::string extra = absl::GetFlag(FLAGS_extra_server_flags);
    if (!extra.empty()) flags.push_back(extra);
    std::vector<char*> argv;
    for (std::string& flag : flags) argv.push_back(flag.data());
    argv.push_back(nullptr);
    const std::string log = dir + "/server.log";
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the bench
      if (freopen(log.c_str(), "a", stderr) == nullptr) _exit(126);
      execv(binary.c_str(), argv.data());
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
  for (int d = 0; d < Departments(); ++d) {
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

// Batches intake refused for a full write queue (and the bench sent again),
// this round.
std::atomic<int64_t> refused_batches{0};

// One department system's stream: its batches, at most --in_flight
// unanswered; a batch intake refuses because its write queue is full
// (RESOURCE_EXHAUSTED, nothing of it stored) is sent again shortly, as the
// refusal asks. Returns the cases accepted; exits on a failure.
int64_t SendDepartment(
    zwfw::v1::CaseIntake::Stub& stub, const std::string& token,
    const std::vector<zwfw::v1::SubmitCasesRequest>& batches) {
  auto context = Context(token);
  auto stream = stub.SubmitCases(context.get());
  absl::Mutex mu;
  size_t answered = 0, stored = 0;
  bool closed = false;          // the server ended the stream
  std::vector<size_t> refused;  // batch indexes to send again
  int64_t accepted = 0;
  std::string first_refusal;
  std::thread reader([&] {
    zwfw::v1::SubmitCasesResponse ack;
    while (stream->Read(&ack)) {
      const bool full = ack.results_size() > 0 &&
                        ack.results(0).code() == grpc::RESOURCE_EXHAUSTED;
      absl::MutexLock lock(&mu);
      ++answered;
      if (full) {
        refused.push_back(ack.batch_id() - 1);
        ++refused_batches;
        continue;
      }
      ++stored;
      for (const auto& r : ack.results()) {
        if (r.outcome() == zwfw::v1::RECORD_OUTCOME_ACCEPTED) {
          ++accepted;
        } else if (first_refusal.empty()) {
          first_refusal = r.DebugString();
        }
      }
    }
    absl::MutexLock lock(&mu);
    closed = true;
  });
  const size_t in_flight = std::max(1, absl::GetFlag(FLAGS_in_flight));
  size_t next = 0, sent = 0;
  for (;;) {
    size_t index;
    bool again;
    {
      absl::MutexLock lock(&mu);
      auto ready = [&] {
        return stored == batches.size() || closed ||
               (sent - answered < in_flight &&
                (next < batches.size() || !refused.empty()));
      };
      mu.Await(absl::Condition(&ready));
      if (stored == batches.size() || closed) break;
      again = !refused.empty();
      if (again) {
        index = refused.back();
        refused.pop_back();
      } else {
        index = next++;
      }
      ++sent;
    }
    if (again) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stream->Write(batches[index]);
  }
  stream->WritesDone();
  reader.join();
  grpc::Status s = stream->Finish();
  if (!first_refusal.empty()) {
    std::fprintf(stderr, "a case was not accepted: %s\n",
                 first_refusal.c_str());
  }
  if (!s.ok()) {
    std::fprintf(
        stderr, "stream of %s failed: %s\n",
        batches.empty() ? "?" : batches[0].cases(0).department_code().c_str(),
        s.error_message().c_str());
    std::exit(1);
  }
  return accepted;
}

// Every department's cases on its own stream, --streams at once, each on
// its own connection (separate department systems), stream k to replica
// k mod |addresses|; cases/s from the first write to the last durable ack.
double StreamRate(const std::vector<std::string>& addresses,
                  const std::string& token, int64_t n) {
  const int departments = Departments();
  const int streams = std::clamp(absl::GetFlag(FLAGS_streams), 1, departments);
  // Built before the clock starts: the figures are of intake, not of the
  // bench making requests.
  std::vector<std::vector<zwfw::v1::SubmitCasesRequest>> requests(departments);
  for (int d = 0; d < departments; ++d) {
    for (const Batch& b : DepartmentBatches(d, n)) {
      auto& r = requests[d].emplace_back();
      r.set_batch_id(requests[d].size());
      for (int k = 0; k < b.count; ++k) {
        *r.add_cases() = MakeCase(b.first + int64_t{k} * departments, "stream");
      }
    }
  }
  std::vector<std::unique_ptr<zwfw::v1::CaseIntake::Stub>> stubs;
  for (int k = 0; k < streams; ++k) {
    stubs.push_back(zwfw::v1::CaseIntake::NewStub(
        zwfw::bench::Connections(addresses[k % addresses.size()], 1)[0]));
  }
  std::atomic<int> next_department{0};
  std::atomic<int64_t> accepted{0};
  Clock::time_point start = Clock::now();
  std::vector<std::thread> senders;
  for (int k = 0; k < streams; ++k) {
    senders.emplace_back([&, k] {
      for (int d; (d = next_department++) < departments;) {
        if (!requests[d].empty()) {
          accepted += SendDepartment(*stubs[k], token, requests[d]);
        }
      }
    });
  }
  for (auto& t : senders) t.join();
  double seconds = Seconds(Clock::now() - start);
  if (accepted != n) {
    std::fprintf(stderr, "streams: %lld of %lld cases accepted\n",
                 static_cast<long long>(accepted.load()),
                 static_cast<long long>(n));
    std::exit(1);
  }
  return n / seconds;
}

// UpsertCase of a new case per call, as a department system sends them.
UnaryFigures UpsertCases(const std::string& address, const std::string& token,
                         int calls, int concurrency, int round,
                         pid_t server_pid = 0) {
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
      },
      server_pid);
}

// The baseline: the same callers calling grpc.health.v1.Health/Check on
// the same server, with the same authorization header — a unary call that
// does no work, so its latency is what gRPC and this machine cost before
// intake does anything.
UnaryFigures HealthChecks(const std::string& address, const std::string& token,
                          int calls, int concurrency, pid_t server_pid = 0) {
  using grpc::health::v1::HealthCheckRequest;
  return RunUnary<grpc::health::v1::Health, HealthCheckRequest,
                  grpc::health::v1::HealthCheckResponse>(
      address, token, absl::GetFlag(FLAGS_connections), calls, concurrency,
      [](int) { return HealthCheckRequest(); },
      [](auto* async, auto&&... args) {
        async->Check(std::forward<decltype(args)>(args)...);
      },
      server_pid);
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
    UnaryFigures b =
        HealthChecks(address, token, calls, concurrency, server_pid);
    UnaryFigures u =
        UpsertCases(address, token, calls, concurrency, round, server_pid);
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
  const double base_rate = median(base, &UnaryFigures::calls_per_second);
  const double base_p99 = median(base, &UnaryFigures::p99_ms);
  const double upsert_rate = median(upsert, &UnaryFigures::calls_per_second);
  const double upsert_p99 = median(upsert, &UnaryFigures::p99_ms);
  std::printf(
      "median: unary, %d callers on %d connections: Health/Check (no-op "
      "floor) %.0f calls/s, p99 %.2f ms, server CPU %.0f us a call; "
      "UpsertCase %.0f calls/s, p50 %.2f ms, p99 %.2f ms, server CPU %.0f us "
      "a call\n",
      concurrency, absl::GetFlag(FLAGS_connections), base_rate, base_p99,
      median(base, &UnaryFigures::server_cpu_us), upsert_rate,
      median(upsert, &UnaryFigures::p50_ms), upsert_p99,
      median(upsert, &UnaryFigures::server_cpu_us));
  std::printf(
      "median: UpsertCase / floor: throughput %.2f (goal >= 0.5), p99 %.2fx "
      "(goal <= 1.5x)\n",
      upsert_rate / base_rate, upsert_p99 / base_p99);
}

// ---- PostgreSQL (--database) ----

std::vector<std::string> DatabaseFlags() {
  return {"--database=" + absl::GetFlag(FLAGS_database),
          "--database_password_file=" +
              absl::GetFlag(FLAGS_database_password_file)};
}

// The bench's own connection: the schema bench_raw, with the raw table.
std::unique_ptr<zwfw::PgDatabase> OpenBenchDatabase() {
  zwfw::PgOptions options;
  options.url = absl::GetFlag(FLAGS_database);
  options.password_file = absl::GetFlag(FLAGS_database_password_file);
  options.schema = "bench_raw";
  absl::StatusOr<std::unique_ptr<zwfw::PgDatabase>> db = zwfw::PgDatabase::Open(
      options,
      {"CREATE TABLE raw_cases (department_code text NOT NULL, case_no "
       "text NOT NULL, category integer NOT NULL, accepted_month text NOT "
       "NULL, status integer NOT NULL, due_at bigint, completed_at bigint, "
       "record bytea NOT NULL, extended boolean NOT NULL, PRIMARY KEY "
       "(department_code, case_no))",
       // With intake's secondary index too: the floor of what intake has
       // to store.
       "CREATE TABLE raw_cases_indexed (LIKE raw_cases INCLUDING ALL); "
       "CREATE INDEX raw_by_month ON raw_cases_indexed (accepted_month, "
       "department_code, case_no)"});
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(db);
}

void MustWrite(zwfw::PgDatabase& db, const std::string& sql) {
  absl::Status s = db.Write([&](zwfw::PgConnection& c) { return c.Run(sql); });
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    std::exit(1);
  }
}

// The rows COPYed --batch a transaction into `table`; rows/s, durable.
double RawCopyRate(zwfw::PgDatabase& db, const RawRows& rows,
                   const std::string& table) {
  MustWrite(db, "TRUNCATE " + table);
  const size_t batch = std::max(1, absl::GetFlag(FLAGS_batch));
  // COPY's text built before the clock starts, as the stream's requests
  // are: the figure is of PostgreSQL taking rows.
  std::vector<std::string> chunks;
  for (size_t i = 0; i < rows.size(); i += batch) {
    std::string& text = chunks.emplace_back();
    for (size_t k = i; k < std::min(rows.size(), i + batch); ++k) {
      const auto& [c, record] = rows[k];
      zwfw::PgCopyRow({c.department_code(), c.case_no(),
                       absl::StrCat(static_cast<int>(c.category())), "2020-07",
                       absl::StrCat(static_cast<int>(c.status())), std::nullopt,
                       absl::StrCat(c.completed_at().seconds() * 1000000),
                       zwfw::PgCopyBytes(record), std::string("f")},
                      &text);
    }
  }
  Clock::time_point start = Clock::now();
  for (const std::string& text : chunks) {
    absl::Status s = db.Write([&](zwfw::PgConnection& c) {
      return c.CopyIn(
          absl::StrCat("COPY ", table,
                       " (department_code, case_no, category, "
                       "accepted_month, status, due_at, completed_at, record, "
                       "extended) FROM STDIN"),
          text);
    });
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      std::exit(1);
    }
  }
  return rows.size() / Seconds(Clock::now() - start);
}

// CPU seconds every postgres process on this machine has used so far (the
// backends of every connection, the WAL writer, the checkpointer).
double PostgresCpuSeconds() {
  double total = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream comm(entry.path() / "comm");
    std::string command;
    std::getline(comm, command);
    if (command == "postgres") total += ProcessCpuSeconds(std::stoi(name));
  }
  return total;
}

struct PgStreamFigures {
  double cases_per_second;
  double server_cpu_us;    // per case, every replica together
  double postgres_cpu_us;  // per case
};

// `replicas` intake servers on the database (its schema dropped first) fed
// the streams.
PgStreamFigures PgStreamRate(
    const std::string& server, const std::string& work,
    const std::string& token, zwfw::PgDatabase& bench, int replicas, int64_t n,
    std::vector<std::unique_ptr<ServerProcess>>* kept) {
  MustWrite(bench, "DROP SCHEMA IF EXISTS intake CASCADE");
  std::vector<std::unique_ptr<ServerProcess>> processes;
  std::vector<std::string> addresses;
  for (int r = 0; r < replicas; ++r) {
    processes.push_back(std::make_unique<ServerProcess>(
        server, work, FreePort(), DatabaseFlags()));
    // Each imports the directory itself: it serves it from the start.
    Connect(processes.back()->address(), token);
    addresses.push_back(processes.back()->address());
  }
  auto server_cpu = [&] {
    double total = 0;
    for (const auto& p : processes) total += ProcessCpuSeconds(p->pid());
    return total;
  };
  const double server_before = server_cpu();
  const double postgres_before = PostgresCpuSeconds();
  refused_batches = 0;
  PgStreamFigures f;
  f.cases_per_second = StreamRate(addresses, token, n);
  f.server_cpu_us = (server_cpu() - server_before) * 1e6 / n;
  f.postgres_cpu_us = (PostgresCpuSeconds() - postgres_before) * 1e6 / n;
  if (kept != nullptr) *kept = std::move(processes);
  return f;
}

// GetCaseStats of July 2020 through `address`: `calls` one after another.
void TimeCaseStats(const std::string& address, const std::string& token,
                   int calls) {
  auto stub =
      zwfw::v1::CaseIntake::NewStub(zwfw::bench::Connections(address, 1)[0]);
  std::vector<double> ms;
  for (int i = 0; i < calls; ++i) {
    zwfw::v1::GetCaseStatsRequest request;
    request.set_period("2020-07");
    zwfw::v1::GetCaseStatsResponse response;
    auto context = Context(token);
    Clock::time_point start = Clock::now();
    grpc::Status s = stub->GetCaseStats(context.get(), request, &response);
    ms.push_back(Seconds(Clock::now() - start) * 1000);
    if (!s.ok()) {
      std::fprintf(stderr, "GetCaseStats: %s\n", s.error_message().c_str());
      std::exit(1);
    }
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "GetCaseStats 2020-07 (%d departments): %d calls, p50 %.2f ms, p99 "
      "%.2f ms (goal <= 20 ms)\n",
      Departments(), calls, ms[ms.size() / 2],
      ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]);
}

int PostgresRounds(const std::string& server, const std::string& work,
                   const std::string& token, int64_t n, int rounds) {
  const int replicas = std::max(1, absl::GetFlag(FLAGS_replicas));
  std::printf(
      "intake_bench on PostgreSQL: %lld cases a round of %d departments, "
      "one stream each, %d at once, %d rounds, batches of %d, %d in flight; "
      "1 and %d replicas\n",
      static_cast<long long>(n), Departments(),
      std::clamp(absl::GetFlag(FLAGS_streams), 1, Departments()), rounds,
      absl::GetFlag(FLAGS_batch), absl::GetFlag(FLAGS_in_flight), replicas);
  std::unique_ptr<zwfw::PgDatabase> bench = OpenBenchDatabase();
  const RawRows rows = MakeRawRows(n);
  std::vector<double> raw, indexed, one, many, one_ratio, many_ratio;
  std::vector<double> one_server, one_pg, many_server, many_pg;
  std::vector<std::unique_ptr<ServerProcess>> last;
  for (int round = 1; round <= rounds; ++round) {
    const double r = RawCopyRate(*bench, rows, "raw_cases");
    const double x = RawCopyRate(*bench, rows, "raw_cases_indexed");
    std::filesystem::remove_all(work + "/data");
    const PgStreamFigures a =
        PgStreamRate(server, work, token, *bench, 1, n, nullptr);
    const int64_t refused_one = refused_batches;
    const PgStreamFigures b =
        PgStreamRate(server, work, token, *bench, replicas, n,
                     round == rounds ? &last : nullptr);
    raw.push_back(r);
    indexed.push_back(x);
    one.push_back(a.cases_per_second);
    many.push_back(b.cases_per_second);
    one_ratio.push_back(a.cases_per_second / r);
    many_ratio.push_back(b.cases_per_second / r);
    one_server.push_back(a.server_cpu_us);
    one_pg.push_back(a.postgres_cpu_us);
    many_server.push_back(b.server_cpu_us);
    many_pg.push_back(b.postgres_cpu_us);
    std::printf(
        "round %d: raw COPY %.0f rows/s (%.0f with intake's index); 1 "
        "replica %.0f cases/s durable "
        "(ratio %.2f; CPU per case: server %.1f us, postgres %.1f us); %d "
        "replicas %.0f cases/s (ratio %.2f; server %.1f us, postgres %.1f "
        "us); batches refused for a full queue and sent again: %lld, %lld\n",
        round, r, x, a.cases_per_second, a.cases_per_second / r,
        a.server_cpu_us, a.postgres_cpu_us, replicas, b.cases_per_second,
        b.cases_per_second / r, b.server_cpu_us, b.postgres_cpu_us,
        static_cast<long long>(refused_one),
        static_cast<long long>(refused_batches.load()));
    std::fflush(stdout);
  }
  std::printf(
      "median: raw COPY %.0f rows/s (%.0f with intake's index); 1 replica "
      "%.0f cases/s, ratio %.2f "
      "(goal >= 0.50), CPU per case server %.1f us, postgres %.1f us; %d "
      "replicas %.0f cases/s, ratio %.2f, CPU per case server %.1f us, "
      "postgres %.1f us\n",
      Median(raw), Median(indexed), Median(one), Median(one_ratio),
      Median(one_server), Median(one_pg), replicas, Median(many),
      Median(many_ratio), Median(many_server), Median(many_pg));
  TimeCaseStats(last.front()->address(), token, 50);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int64_t n = absl::GetFlag(FLAGS_cases);
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

  if (!absl::GetFlag(FLAGS_database).empty()) {
    return PostgresRounds(server, work, token, n, rounds);
  }
  std::printf(
      "intake_bench: %lld cases a round of %d departments, one stream each, "
      "%d at once, %d rounds, batches of %d, %d in flight; disk %s\n",
      static_cast<long long>(n), Departments(),
      std::clamp(absl::GetFlag(FLAGS_streams), 1, Departments()), rounds,
      absl::GetFlag(FLAGS_batch), absl::GetFlag(FLAGS_in_flight), work.c_str());
  std::vector<double> raw, schema, stream, ratio, schema_ratio;
  const RawRows rows = MakeRawRows(n);
  for (int round = 1; round <= rounds; ++round) {
    double r = RawSqliteRate(work + "/raw.db", rows, Shape::kPlain);
    double f = RawSqliteRate(work + "/raw.db", rows, Shape::kIntakeSchema);
    std::filesystem::remove_all(work + "/data");
    double s;
    {
      ServerProcess process(server, work, FreePort());
      Connect(process.address(), token);  // imports the bench's directory
      refused_batches = 0;
      s = StreamRate({process.address()}, token, n);
    }
    raw.push_back(r);
    schema.push_back(f);
    stream.push_back(s);
    ratio.push_back(s / r);
    schema_ratio.push_back(s / f);
    std::printf(
        "round %d: raw SQLite %.0f rows/s (on intake's schema %.0f), intake "
        "stream %.0f cases/s durable, ratio %.2f (%.2f of the schema's); "
        "%lld batches refused for a full queue and sent again\n",
        round, r, f, s, s / r, s / f,
        static_cast<long long>(refused_batches.load()));
    std::fflush(stdout);
  }
  std::printf(
      "median: raw SQLite %.0f rows/s (on intake's schema %.0f), intake "
      "stream %.0f cases/s, ratio %.2f (goal >= 0.60), %.2f of raw on "
      "intake's schema\n",
      Median(raw), Median(schema), Median(stream), Median(ratio),
      Median(schema_ratio));

  std::filesystem::remove_all(work + "/data");
  ServerProcess process(server, work, FreePort());
  Connect(process.address(), token);  // imports the bench's directory
  UnaryRounds(process.address(), token, process.pid(), rounds);
  return 0;
}
