// Per-(month, department, category) counters of cases: what GetCaseStats
// reads instead of scanning cases. Every write adds the new state's
// contribution and subtracts the old one's, in the same transaction.
#ifndef ZWFW_SERVICES_INTAKE_CASE_COUNTERS_H_
#define ZWFW_SERVICES_INTAKE_CASE_COUNTERS_H_

#include <array>
#include <cstdint>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "services/intake/case_cells.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::intake {

struct Counters {
  // Of cases accepted in the month.
  int64_t total = 0;
  int64_t instant = 0;
  int64_t center = 0;
  int64_t department_site = 0;
  int64_t grassroots = 0;
  int64_t online = 0;
  int64_t completed = 0;
  int64_t completed_in_center = 0;
  int64_t center_same_day = 0;   // center, completed on the CST day accepted
  int64_t center_completed = 0;  // center, completed inside the center
  // Of cases due in the month.
  int64_t overtime_completed = 0;  // completed after due_at
  int64_t open_due = 0;            // still ACCEPTED (clock running)
  // Filled on read: overtime_completed plus the open cases past due.
  int64_t overtime = 0;

  bool IsZero() const;
  Counters& operator+=(const Counters& other);
  // Adds `times` (e.g. -1) times each of other's counts.
  Counters& Add(const Counters& other, int64_t times);
};

// (month "2020-07", department code, ItemCategory).
using CounterKey = std::tuple<std::string, std::string, int>;
using CounterDeltas = absl::flat_hash_map<CounterKey, Counters>;

// What one (normalised) case adds to the counters: to its accepted month's
// row and, for the overtime figures, to its due month's (one row when both
// are the same month). REJECTED cases contribute nothing. A pure function
// of the case, so the writer can be handed it computed (staged_case.h).
struct Contribution {
  struct Part {
    CounterKey key;
    Counters counters;
  };
  std::array<Part, 2> parts;
  int size = 0;  // parts in use
  // And to the indicator aggregates (case_cells.h).
  CellContribution cells;

  // The part for `key`, added when absent.
  Counters& Row(CounterKey key);
};
Contribution ContributionOf(const zwfw::v1::Case& c);

// What a transaction adds to the month counters and the cells.
struct CaseDeltas {
  CounterDeltas counters;
  CellDeltas cells;
};

// Adds `sign` (+1 or -1) times a case's contribution to `deltas`.
void AddContribution(const Contribution& contribution, int sign,
                     CaseDeltas* deltas);
void AddContribution(const zwfw::v1::Case& c, int sign, CaseDeltas* deltas);

// Copies counters into the proto.
void FillCaseCounters(const Counters& counters, zwfw::v1::CaseCounters* out);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_CASE_COUNTERS_H_
