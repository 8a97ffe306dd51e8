// Cases in the intake SQLite database. Writes go through a GroupCommitter
// (group_commit.h): one writer connection commits many callers' batches
// per transaction and each caller is answered once it is durable. Reads use
// a small pool of separate connections (WAL lets them run beside the
// writer). A checkpointer thread copies the WAL into the database file, so
// commits rarely wait for a checkpoint; the writer only copies, between two
// transactions, the frames committed while the checkpointer was copying,
// which lets the WAL start over instead of growing without end.
//
// Thread-safe: any method from any thread. The destructor writes and
// answers every batch already given, then stops.
#ifndef ZWFW_SERVICES_INTAKE_SQLITE_CASE_STORE_H_
#define ZWFW_SERVICES_INTAKE_SQLITE_CASE_STORE_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/sqlite.h"
#include "services/intake/case_store.h"
#include "services/intake/group_commit.h"

namespace zwfw::intake {

struct SqliteCaseStoreOptions {
  // Records per transaction at most; more pending records wait for the
  // next one.
  int max_records_per_transaction = 20000;
  // Records waiting for a transaction at most; a batch past it is answered
  // RESOURCE_EXHAUSTED at once (group_commit.h).
  int64_t max_queued_records = 200000;
  int read_connections = 4;
  // How often the WAL is checkpointed (PASSIVE: never blocks the writer).
  absl::Duration checkpoint_interval = absl::Milliseconds(250);
  // WAL length (frames of 4 KiB pages) from which the writer brings the
  // checkpoint to its end between two transactions, so that the WAL starts
  // over: overwriting a file costs less per commit than growing one.
  int restart_wal_frames = 1000;
};

class SqliteCaseStore : public CaseStore {
 public:
  // Opens (creating and migrating when needed) the intake database at
  // `path` and starts the writer thread.
  static absl::StatusOr<std::unique_ptr<SqliteCaseStore>> Open(
      const std::string& path, SqliteCaseStoreOptions options = {});
  // Finishes every pending write, then stops the writer.
  ~SqliteCaseStore() override;

  void Write(std::vector<zwfw::v1::Case> cases, Actor actor,
             WriteCallback done) override;
  absl::StatusOr<std::optional<zwfw::v1::Case>> Get(
      const std::string& department_code, const std::string& case_no) override;
  absl::StatusOr<CasePage> List(const CaseQuery& query,
                                absl::Time now) override;
  absl::StatusOr<int64_t> Count(const CaseQuery& query,
                                absl::Time now) override;
  absl::StatusOr<std::vector<MonthCounters>> ReadMonths(
      const std::vector<Period>& months, absl::Time now) override;
  absl::StatusOr<PeriodCells> ReadCells(const ReportPeriod& period,
                                        absl::Time now) override;
  absl::StatusOr<bool> ClosePeriod(const Period& period, const std::string& by,
                                   absl::Time now) override;

  // Transactions committed so far (for tests and metrics).
  int64_t transactions() const;

 private:
  class Writer;
  class ReadLease;

  SqliteCaseStore(std::string path, SqliteCaseStoreOptions options,
                  std::unique_ptr<Writer> writer,
                  std::vector<std::unique_ptr<Database>> readers,
                  std::unique_ptr<Database> checkpoint_db);
  void CheckpointLoop();
  std::unique_ptr<Database> AcquireReader();
  void ReleaseReader(std::unique_ptr<Database> db);

  const std::string path_;
  const SqliteCaseStoreOptions options_;
  const std::unique_ptr<Writer> writer_;  // used by the writer thread only
  std::unique_ptr<GroupCommitter> committer_;

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<Database>> readers_ ABSL_GUARDED_BY(readers_mu_);

  absl::Mutex checkpoint_mu_;
  bool stopping_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  const std::unique_ptr<Database> checkpoint_db_;  // checkpointer only
  std::thread checkpointer_;
};

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_SQLITE_CASE_STORE_H_
