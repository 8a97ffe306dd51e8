// Per-(month, department, category) counters of cases: what GetCaseStats
// reads instead of scanning cases. Every write adds the new state's
// contribution and subtracts the old one's, in the same transaction.
#ifndef ZWFW_SERVICES_INTAKE_CASE_COUNTERS_H_
#define ZWFW_SERVICES_INTAKE_CASE_COUNTERS_H_

#include <cstdint>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
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
};

// (month "2020-07", department code, ItemCategory).
using CounterKey = std::tuple<std::string, std::string, int>;
using CounterDeltas = absl::flat_hash_map<CounterKey, Counters>;

// Adds `sign` (+1 or -1) times the contribution of the (normalised) case to
// `deltas`. REJECTED cases contribute nothing.
void AddContribution(const zwfw::v1::Case& c, int sign, CounterDeltas* deltas);

// Copies counters into the proto.
void FillCaseCounters(const Counters& counters, zwfw::v1::CaseCounters* out);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_CASE_COUNTERS_H_
