#include "services/scoring/scorecard_views.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace zwfw::scoring {
namespace {

constexpr absl::string_view kAdjustmentPrefix = "adjustment:";
constexpr char kAdjustmentText[] = "人工调整";

// A line as someone who may not see what is behind it reads it: the figure
// and the points, no case numbers or evaluation ids, no note.
void Redact(zwfw::v1::ScoreLine& line) {
  line.clear_evidence();
  if (absl::StartsWith(line.rule_id(), kAdjustmentPrefix)) {
    line.set_text(kAdjustmentText);
    line.set_detail(kAdjustmentText);
  }
}

}  // namespace

absl::StatusOr<zwfw::v1::Scorecard> ScorecardFor(const Principal& who,
                                                 zwfw::v1::Scorecard card) {
  // The office reads its scorecards whole: provisional tiers, evidence.
  if (who.role == Role::kAdmin || who.role == Role::kService ||
      who.role == Role::kOffice) {
    return card;
  }
  const bool department = who.role == Role::kDepartment;
  if (!department && !card.frozen()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the scorecard of ", card.period(), " is not published yet: ",
        who.RoleName(), " tokens see it once the bulletin is published"));
  }
  for (zwfw::v1::DepartmentScore& d : *card.mutable_departments()) {
    if (!card.frozen()) d.clear_tier();
    if (department && d.department_code() == who.department_code) continue;
    for (zwfw::v1::ScoreLine& line : *d.mutable_lines()) Redact(line);
  }
  if (!card.frozen()) {
    card.clear_proposed_windows();
    card.clear_proposed_staff();
  }
  return card;
}

}  // namespace zwfw::scoring
