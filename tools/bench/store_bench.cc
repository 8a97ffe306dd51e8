// store_bench: one store's writes on SQLite and on PostgreSQL side by side,
// so that replicas can be sized from figures, not guesses.
//
//   tools/postgres start /tmp/pg     # prints the URL
//   build/tools/bench/store_bench --database_password_file=/tmp/pg/password
//       --database=postgresql://zwfw@127.0.0.1:P/zwfw [--writes=2000]
//
// Each round, for 1 and 4 writers (--threads): --writes AddAdjustment calls
// (one transaction each: the frozen check, the row, the period's version,
// the audit entry; on PostgreSQL also the schema's version row and NOTIFY)
// on a fresh SqliteScoringStore (WAL, synchronous=FULL) and then on a fresh
// PgScoringStore schema (fsync on). Prints writes/s and p50/p99 per call,
// medians of the rounds, and PostgreSQL's ratio to SQLite.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/scoring/pg_scoring_store.h"
#include "services/scoring/sqlite_scoring_store.h"

ABSL_FLAG(std::string, database, "", "PostgreSQL URI (required)");
ABSL_FLAG(std::string, database_password_file, "", "its password");
ABSL_FLAG(int, writes, 2000, "writes per store, round and writer count");
ABSL_FLAG(int, rounds, 3, "rounds (medians are reported)");
ABSL_FLAG(std::string, threads, "1,4", "writer counts to measure");

namespace {

struct Figures {
  double per_second = 0;
  double p50_ms = 0, p99_ms = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// `writes` AddAdjustment calls from `threads` writers, timed.
Figures Run(zwfw::scoring::ScoringStore& store, int writes, int threads) {
  std::atomic<int> next{0};
  std::vector<std::vector<double>> latencies(threads);
  const absl::Time start = absl::Now();
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&, t] {
      for (int i; (i = next.fetch_add(1)) < writes;) {
        zwfw::v1::Adjustment a;
        a.set_period("2020-07");
        a.set_department_code(absl::StrCat("d", i % 40));
        a.set_points(-1);
        a.set_reason("bench");
        a.set_added_by("bench");
        const absl::Time t0 = absl::Now();
        absl::StatusOr<zwfw::v1::Adjustment> r = store.AddAdjustment(a);
        latencies[t].push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
        if (!r.ok()) {
          std::fprintf(stderr, "store_bench: %s\n",
                       std::string(r.status().message()).c_str());
          std::exit(1);
        }
      }
    });
  }
  for (std::thread& w : writers) w.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Figures f;
  f.per_second = writes / seconds;
  f.p50_ms = all[all.size() / 2];
  f.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_database).empty()) {
    std::fprintf(stderr,
                 "store_bench: --database is required (tools/postgres start "
                 "DIR prints one)\n");
    return 2;
  }
  const int writes = absl::GetFlag(FLAGS_writes);
  const int rounds = absl::GetFlag(FLAGS_rounds);
  const std::string dir = absl::StrCat("/tmp/zwfw-store-bench-", getpid());
  std::filesystem::create_directories(dir);
  int schema = 0;
  std::printf("AddAdjustment, %d writes a store, %d rounds (medians)\n", writes,
              rounds);
  std::printf("%-8s %-11s %10s %8s %8s\n", "writers", "store", "writes/s",
              "p50 ms", "p99 ms");
  for (absl::string_view t :
       absl::StrSplit(absl::GetFlag(FLAGS_threads), ',')) {
    int threads = 0;
    if (!absl::SimpleAtoi(t, &threads) || threads < 1) {
      std::fprintf(stderr, "store_bench: --threads: not a count: %s\n",
                   std::string(t).c_str());
      return 2;
    }
    std::vector<double> rate[2], p50[2], p99[2];
    for (int round = 0; round < rounds; ++round) {
      // SQLite, then PostgreSQL, in the same minute.
      const std::string path = absl::StrCat(dir, "/scoring-", ++schema, ".db");
      absl::StatusOr<std::unique_ptr<zwfw::scoring::SqliteScoringStore>>
          sqlite = zwfw::scoring::SqliteScoringStore::Open(path);
      zwfw::PgOptions options;
      options.url = absl::GetFlag(FLAGS_database);
      options.password_file = absl::GetFlag(FLAGS_database_password_file);
      options.schema = absl::StrCat("bench_", getpid(), "_", schema);
      options.connections = std::max(threads, 1);
      absl::StatusOr<std::unique_ptr<zwfw::scoring::PgScoringStore>> pg =
          zwfw::scoring::PgScoringStore::Open(options);
      if (!sqlite.ok() || !pg.ok()) {
        std::fprintf(
            stderr, "store_bench: %s\n",
            std::string(
                (!sqlite.ok() ? sqlite.status() : pg.status()).message())
                .c_str());
        return 1;
      }
      zwfw::scoring::ScoringStore* stores[2] = {sqlite->get(), pg->get()};
      for (int s = 0; s < 2; ++s) {
        Figures f = Run(*stores[s], writes, threads);
        rate[s].push_back(f.per_second);
        p50[s].push_back(f.p50_ms);
        p99[s].push_back(f.p99_ms);
      }
    }
    const char* names[2] = {"SQLite", "PostgreSQL"};
    for (int s = 0; s < 2; ++s) {
      std::printf("%-8d %-11s %10.0f %8.2f %8.2f\n", threads, names[s],
                  Median(rate[s]), Median(p50[s]), Median(p99[s]));
    }
    std::printf("%-8d PostgreSQL / SQLite: %.2f× the writes/s\n", threads,
                Median(rate[1]) / Median(rate[0]));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
