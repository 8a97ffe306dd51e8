// Each unit's indicator inputs (indicators.h) from the services' answers:
// per department the case sums of a plan's measures (GetCaseSums) and the
// satisfaction counts (GetSatisfactionStats), per unit group and in total
// their sums. What the bulletin's indicators and scoring's indicator rules
// both evaluate.
#ifndef ZWFW_SERVICES_COMMON_INDICATOR_INPUTS_H_
#define ZWFW_SERVICES_COMMON_INDICATOR_INPUTS_H_

#include <string>
#include <vector>

#include "services/common/indicators.h"
#include "zwfw/v1/directory.pb.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw {

struct UnitInputs {
  std::string code;  // department code, group name, "" for the total
  std::string name;
  std::string group;  // a department's unit group
  IndicatorInputs inputs;
};

// Per department (directory order, then any that left the directory with
// figures, by code), per group (in the order groups first appear) and the
// total. Either answer may be empty (a plan that reads none of it).
struct UnitTable {
  std::vector<UnitInputs> departments;
  std::vector<UnitInputs> groups;
  UnitInputs total;
};
UnitTable BuildUnitTable(const zwfw::v1::GetCaseSumsResponse& cases,
                         const zwfw::v1::GetSatisfactionStatsResponse& survey,
                         const zwfw::v1::DirectorySnapshot& directory);

// The office's satisfied levels as survey's answer names them (the default
// when it names none).
SatisfiedLevels SatisfiedLevelsOf(
    const zwfw::v1::GetSatisfactionStatsResponse& survey);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_INDICATOR_INPUTS_H_
