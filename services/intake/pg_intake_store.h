// Intake's cases, month counters and directory in a shared PostgreSQL
// database (postgres.h): the schema "intake". Writes go through a
// GroupCommitter (group_commit.h) as on SQLite: many callers' batches per
// transaction, each answered after COMMIT has returned. A transaction
// reads the stored versions of its cases in one query, decides each record
// with case_writes.h, then COPYs the new cases into the table and the
// changed ones through a temporary table (one UPDATE), and adds the
// counters in one statement: a handful of round trips per transaction
// whatever its size.
//
// Every write takes the schema's version row first, so the transactions of
// all intake replicas are serialised: a case sent to two replicas at once
// is ACCEPTED once (and DUPLICATE or UPDATED at the other), and the
// counters never lose an update.
//
// The directory is one row (version, serialised snapshot); Replace refuses
// (ABORTED) a version another replica has already stored, so the catalog
// reloads and numbers its import after it.
//
// Thread-safe. The destructor writes and answers every batch already
// given, then stops.
#ifndef ZWFW_SERVICES_INTAKE_PG_INTAKE_STORE_H_
#define ZWFW_SERVICES_INTAKE_PG_INTAKE_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/common/postgres.h"
#include "services/intake/case_store.h"
#include "services/intake/directory_store.h"
#include "services/intake/group_commit.h"

namespace zwfw::intake {

class PgIntakeStore final : public CaseStore, public DirectoryStore {
 public:
  // Connects and migrates (postgres.h, PgDatabase::Open).
  static absl::StatusOr<std::unique_ptr<PgIntakeStore>> Open(
      const PgOptions& options, GroupCommitter::Options commit = {});
  ~PgIntakeStore() override;

  // CaseStore.
  void Write(std::vector<zwfw::v1::Case> cases, Actor actor,
             WriteCallback done) override;
  absl::StatusOr<bool> ClosePeriod(const Period& period, const std::string& by,
                                   absl::Time now) override;
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

  // DirectoryStore.
  absl::Status Replace(const zwfw::v1::DirectorySnapshot& snapshot,
                       int64_t version, const Actor& actor) override;
  absl::StatusOr<StoredDirectory> Load() override;
  absl::StatusOr<int64_t> StoredVersion() override;
  // After every replica's Replace, and whenever its notices may have been
  // missed (database().FollowVersion() must run for any to come).
  bool OnReplaced(std::function<void()> callback) override;

  PgDatabase& database() { return *db_; }
  int64_t transactions() const { return committer_->transactions(); }

 private:
  class Writer;
  PgIntakeStore(std::unique_ptr<PgDatabase> db, GroupCommitter::Options commit);

  const std::unique_ptr<PgDatabase> db_;
  std::unique_ptr<GroupCommitter> committer_;
};

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_PG_INTAKE_STORE_H_
