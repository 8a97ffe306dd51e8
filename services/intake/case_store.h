// Where cases, their month counters and their indicator cells are kept:
// SqliteCaseStore for one intake process, PgIntakeStore for replicas on
// one PostgreSQL database.
#ifndef ZWFW_SERVICES_INTAKE_CASE_STORE_H_
#define ZWFW_SERVICES_INTAKE_CASE_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/audit_log.h"
#include "services/common/period.h"
#include "services/common/record_result.h"
#include "services/intake/case_cells.h"
#include "services/intake/case_counters.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::intake {

using WriteCallback =
    std::function<void(absl::StatusOr<std::vector<WriteResult>>)>;

struct CaseQuery {
  std::optional<ReportPeriod> period;            // accepted in it
  std::optional<ReportPeriod> due_period;        // due in it
  std::optional<ReportPeriod> completed_period;  // completed in it
  bool counted_only = false;    // not REJECTED: the cases figures count
  std::string department_code;  // empty: all
  zwfw::v1::CaseStatus status = zwfw::v1::CASE_STATUS_UNSPECIFIED;  // any
  bool overtime_only = false;
  bool extended_only = false;  // due times moved by an approved extension
  int limit = 100;
  // Resume after this (department_code, case_no); empty: from the start.
  std::string after_department;
  std::string after_case_no;
};

struct CasePage {
  std::vector<zwfw::v1::Case> cases;
  bool more = false;  // another page follows the last case
};

// A month's counters per (department, category), with `overtime` filled.
struct MonthCounters {
  // Changes whenever a figure of the month may have changed: the month's
  // write count times 1,000,000 plus, while the month is not over, the
  // number of its open cases already past due (which grows with the clock
  // alone).
  int64_t data_version = 0;
  // While the month is not over: when a figure may next change by the clock
  // alone (the next open case falling due, or the month's end).
  std::optional<absl::Time> stable_until;
  absl::flat_hash_map<std::pair<std::string, int>, Counters> rows;
  // Corrections of published months made in this month, oldest first.
  std::vector<zwfw::v1::CaseCorrection> corrections;
};

// A period's indicator cells (case_cells.h) as read in one snapshot, for
// BuildCaseSums (case_sums.h).
struct PeriodCells {
  // The stored blocks of the period's months (case_cells.h), as stored.
  struct Block {
    int basis = 0;  // CaseTimeBasis
    std::string department_code;
    // Whether its month is over at `now`: its due-basis open cases are all
    // past due then.
    bool month_over = false;
    std::string cells;  // EncodeCellBlock's bytes
  };
  std::vector<Block> blocks;
  // The open (ACCEPTED) cases due in a month of the period that is not
  // over, already past due at `now`: department, dimensions, due month.
  struct Overdue {
    std::string department_code;
    int64_t dimensions = 0;
    std::string month;
  };
  std::vector<Overdue> overdue;
  // Each month's write count (MonthCounters::data_version's first part),
  // in the period's order.
  std::vector<int64_t> month_writes;
  // The earliest due time at or after `now` of an open case due in the
  // period; nullopt when none.
  std::optional<absl::Time> next_due;
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // Stores the (normalised) cases in order and calls `done` once, after the
  // transaction that holds them is durable, with one result per case: new
  // (ACCEPTED), changed (UPDATED), identical to what is stored (DUPLICATE),
  // or an illegal status change (REJECTED). When nothing could be stored,
  // `done` gets the error instead. Thread-safe; batches of concurrent
  // callers may share a transaction. `done` runs on the store's thread and
  // must not block. `actor` made the write: the audit trail (audit_log.h)
  // gets an entry in the same transaction for the records it changed.
  virtual void Write(std::vector<zwfw::v1::Case> cases, Actor actor,
                     WriteCallback done) = 0;

  // Closes `period` (CheckClosedMonth applies to writes committed after
  // it); false when it was closed already.
  virtual absl::StatusOr<bool> ClosePeriod(const Period& period,
                                           const std::string& by,
                                           absl::Time now) = 0;

  // The stored case, or nullopt.
  virtual absl::StatusOr<std::optional<zwfw::v1::Case>> Get(
      const std::string& department_code, const std::string& case_no) = 0;

  // Cases matching the query, by (department_code, case_no).
  virtual absl::StatusOr<CasePage> List(const CaseQuery& query,
                                        absl::Time now) = 0;
  // How many cases match the query, from its start (its limit and resume
  // point aside): the total of List's pages, counted by the database.
  virtual absl::StatusOr<int64_t> Count(const CaseQuery& query,
                                        absl::Time now) = 0;

  // The months' counters (a quarter's, a year's), in time O(departments)
  // each, all read in one snapshot: a write that touched two of them is in
  // both or in neither.
  virtual absl::StatusOr<std::vector<MonthCounters>> ReadMonths(
      const std::vector<Period>& months, absl::Time now) = 0;
  // One month's.
  absl::StatusOr<MonthCounters> ReadMonth(const Period& period,
                                          absl::Time now) {
    absl::StatusOr<std::vector<MonthCounters>> months =
        ReadMonths({period}, now);
    if (!months.ok()) return months.status();
    return std::move(months->front());
  }

  // The period's cells, in time O(cells of its months) plus its months'
  // open cases already past due while a month is not over.
  virtual absl::StatusOr<PeriodCells> ReadCells(const ReportPeriod& period,
                                                absl::Time now) = 0;
};

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_CASE_STORE_H_
