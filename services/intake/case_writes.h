// How every case store decides a transaction of batches: which case is
// ACCEPTED, UPDATED, DUPLICATE or REJECTED (an illegal status change, a
// closed month without a correction's reason), what it adds to the month
// counters, which correction is listed, what the audit trail gets. One home
// for the decisions; each store (SQLite, PostgreSQL) supplies only the
// statements, as a CaseWriter over its open transaction, so intake
// replicas on one database and a single SQLite process decide alike.
//
//   absl::StatusOr<GroupCommitter::Results> results =
//       WriteCasesWith(writer, batches, actors);
//   if (results.ok()) commit;  // else roll back: nothing was written
#ifndef ZWFW_SERVICES_INTAKE_CASE_WRITES_H_
#define ZWFW_SERVICES_INTAKE_CASE_WRITES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/audit_log.h"
#include "services/intake/case_counters.h"
#include "services/intake/group_commit.h"
#include "services/intake/staged_case.h"

namespace zwfw::intake {

// A correction of a published month, as listed by the month it is made in.
struct CorrectionRow {
  absl::Time at;
  std::string made_in;          // "2020-08"
  std::string corrected_month;  // "2020-07"
  std::string department_code, case_no, reason, by;
};

// The statements of one write transaction. Every method runs inside it and
// sees the writes made before it in the same transaction.
class CaseWriter {
 public:
  virtual ~CaseWriter() = default;

  // The months closed by publication, as this transaction sees them.
  virtual absl::StatusOr<absl::flat_hash_set<std::string>> ClosedMonths() = 0;
  // Stores the case when no case of its (department_code, case_no) is
  // stored: true then, false when one is.
  virtual absl::StatusOr<bool> Insert(const StagedCase& staged) = 0;
  // The stored case's bytes (StoredBytes), nullopt when there is none.
  virtual absl::StatusOr<std::optional<std::string>> Stored(
      const zwfw::v1::Case& c) = 0;
  // Replaces the stored case of its (department_code, case_no).
  virtual absl::Status Update(const StagedCase& staged) = 0;
  virtual absl::Status AddCorrection(const CorrectionRow& correction) = 0;
  // Adds the deltas to the month counters (rows whose delta is zero need
  // not be written).
  virtual absl::Status AddCounters(const CounterDeltas& deltas) = 0;
  // Adds the deltas to the indicator cells (case_cells.h), likewise.
  virtual absl::Status AddCells(const CellDeltas& deltas) = 0;
  // The month's write count, MonthCounters::data_version's first part.
  virtual absl::Status BumpMonth(const std::string& month) = 0;
  virtual absl::Status Audit(const Actor& actor, absl::Time at,
                             const std::vector<std::string>& keys) = 0;
};

// CaseStore::Write's decisions for one transaction (case_store.h): a
// result per record of each batch, in order, or the error that must roll
// it back. `actors[i]` wrote `batches[i]`.
absl::StatusOr<GroupCommitter::Results> WriteCasesWith(
    CaseWriter& writer, const std::vector<GroupCommitter::Batch*>& batches,
    const std::vector<const Actor*>& actors);

// DATA_LOSS naming the stored case that cannot be parsed.
absl::Status UnreadableCase(const std::string& department_code,
                            const std::string& case_no);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_CASE_WRITES_H_
