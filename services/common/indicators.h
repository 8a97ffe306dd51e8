// The indicator library (指标库): every figure an office's bulletin, its
// scores or its dashboard may quote, by name, defined here once over the
// aggregates the services keep — intake's case sums (GetCaseSums: counts
// and sums per time basis and filter) and survey's satisfaction counts
// (GetSatisfactionStats) — never over cases. README "Indicators" lists each
// with its definition.
//
// An indicator is written as its name with optional parameters in square
// brackets, as templates and scoring rules write it:
//
//   accepted                         受理量: cases accepted in the period
//   accepted[site=center]            … handled at the center
//   speedup_rate                     实际提速率 of completed 承诺件
//   rating_share[levels=1-2,over=cases,unrated=yes]
//                                    不满意 over cases, unrated counted in
//
// Filters (any case indicator): category=approval|convenience,
// kind=instant|promised, site=center|department|grassroots,
// status=accepted|suspended|completed|withdrawn, instant=yes|no,
// online=yes|no, in_center=yes|no, after_hours=yes|no (延时服务: accepted
// outside the office hours). Rating parameters: levels=A-B or A,B,…;
// over=ratings|cases; unrated=yes (the unrated cases join the class).
//
// Every value is an exact ratio of two integers (a count has denominator
// 1), so a quarter's rate comes from summed numerators and denominators,
// and formatting rounds once (indicator_format.h). Pure; thread-safe.
//
//   IndicatorPlan plan;
//   absl::StatusOr<int> a = plan.Add("accepted[site=center]");
//   request.measures() = plan.measures();           // to GetCaseSums
//   IndicatorValue v = plan.Evaluate(*a, unit);     // per unit or total
#ifndef ZWFW_SERVICES_COMMON_INDICATORS_H_
#define ZWFW_SERVICES_COMMON_INDICATORS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/rating_bands.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw {

// The longest indicator text any request or template may give (the
// longest of the library, all its parameters written out, is far shorter).
inline constexpr size_t kMaxIndicatorBytes = 200;

// How a value reads: a count (件), a share (shown in %), a number of days.
enum class IndicatorUnit { kCount, kRate, kDays };

// numerator / denominator; `empty` when the denominator is 0 (no data:
// the template says how that reads).
struct IndicatorValue {
  IndicatorUnit unit = IndicatorUnit::kCount;
  int64_t numerator = 0;
  int64_t denominator = 1;
  bool empty() const { return denominator == 0; }
  // As a double (a rate as a fraction, not a percentage); 0 when empty.
  double AsDouble() const;
  // Exact comparison of two values' ratios (empty values sort last).
  friend bool operator<(const IndicatorValue& a, const IndicatorValue& b);
  friend bool operator==(const IndicatorValue& a, const IndicatorValue& b);
};

// Adds one set of case sums to another, field by field (a longer period's,
// a group's or a total's sums).
void AddCaseSums(const zwfw::v1::CaseSums& from, zwfw::v1::CaseSums* to);

// One unit's (a department's, a group's, everyone's) aggregates.
struct IndicatorInputs {
  // The sums of the plan's measures (IndicatorPlan::measures), in order.
  std::vector<zwfw::v1::CaseSums> case_sums;
  // Ratings in the period by level (index 0 = rating 1), active and
  // defaulted (默认好评) together, and active alone.
  RatingHistogram ratings = {};
  RatingHistogram active = {};
  zwfw::v1::ReturnVisitCounters visits;
  zwfw::v1::RectificationCounters rectifications;

  // Adds another unit's aggregates (a group's total is its units' sum).
  IndicatorInputs& operator+=(const IndicatorInputs& other);
};

// A parsed indicator and where its inputs are.
struct Indicator {
  std::string text;     // as written, normalised: "accepted[site=center]"
  std::string name;     // "accepted"
  std::string chinese;  // "受理量"
  IndicatorUnit unit = IndicatorUnit::kCount;
  // A rate of two counts (187/200), which an explanation may show; not
  // for a rate of times (实际提速率).
  bool counted_rate = false;
  // Less is better (超时件数, 差评率, 平均办结时间): places count from the
  // lowest value (UnitPlaces).
  bool fewer_is_better = false;
};

// Which of a measure's cases a figure counts (CaseSums' fields): the
// drill-down from a figure to its cases (ListCases `indicator`) lists
// exactly these, so the list's length is the figure.
enum class CasePart {
  kAll,       // cases
  kSameDay,   // same_day: completed on the CST day accepted
  kEarly,     // early: completed on a day before the due day
  kOnTime,    // on_time: completed by due_at
  kLate,      // late: completed after due_at
  kFinished,  // on_time + late: completed, with a due time
  kOvertime,  // late + open_overdue: completed late, or open past due now
};

// The cases behind a figure: those of `measure` that are `part`.
struct IndicatorCases {
  zwfw::v1::CaseMeasure measure;
  CasePart part = CasePart::kAll;
};

// The survey's records behind a figure, when they are not cases: which of
// the period's ratings (ListEvaluations), return visits (ListReturnVisits)
// or rectifications (ListRectifications) it counts, so that the list's
// length is the figure.
struct IndicatorSurveyRecords {
  enum class Kind { kRatings, kReturnVisits, kRectifications };
  Kind kind = Kind::kRatings;
  // Ratings: those of these levels (ascending; empty: every level) — the
  // counted ratings, active and defaulted alike unless active_only.
  std::vector<int> levels;
  bool active_only = false;
  // Return visits: the reached ones; of these levels (empty: any).
  bool reached_only = false;
  // Rectifications: the open ones (rectification_rules.h IsOpen) or the
  // overdue ones.
  bool open_only = false;
  bool overdue_only = false;
};

// The indicators one answer needs, and the case measures they read.
class IndicatorPlan {
 public:
  // The satisfied levels for satisfaction_rate (the office's, rating_bands.h).
  explicit IndicatorPlan(SatisfiedLevels satisfied = SatisfiedLevels())
      : satisfied_(std::move(satisfied)) {}

  // Parses and adds an indicator (the same text twice is one); its index.
  // INVALID_ARGUMENT naming the unknown name, parameter or value, with the
  // accepted ones; "over 200 bytes" (kMaxIndicatorBytes) without echoing
  // the text.
  absl::StatusOr<int> Add(absl::string_view text);

  const std::vector<Indicator>& indicators() const { return indicators_; }
  // What GetCaseSums must be asked, deduplicated; empty when no indicator
  // reads cases.
  const std::vector<zwfw::v1::CaseMeasure>& measures() const {
    return measures_;
  }
  // Whether an indicator reads survey's counts (GetSatisfactionStats).
  bool needs_survey() const { return needs_survey_; }

  IndicatorValue Evaluate(int index, const IndicatorInputs& inputs) const;

  // The cases an indicator's numerator (or denominator) counts, one by
  // one. FAILED_PRECONDITION, saying what it counts instead, when those are
  // not cases: ratings, return visits, rectifications, handling time, or a
  // count's denominator (1).
  absl::StatusOr<IndicatorCases> CasesBehind(int index, bool denominator) const;
  // The ratings, return visits or rectifications it counts instead.
  // FAILED_PRECONDITION, saying what it counts, for cases, handling time,
  // a count's denominator, or a figure no one list holds (unrated cases,
  // rectifications closed on time).
  absl::StatusOr<IndicatorSurveyRecords> SurveyRecordsBehind(
      int index, bool denominator) const;
  // Where the records behind its figure are listed: "cases", "ratings",
  // "return_visits", "rectifications"; "" when no list holds them
  // (handling time, closed on time). GetIndicators' IndicatorInfo.records.
  std::string RecordsListed(int index) const;

 private:
  // How an indicator's value is formed from its measures.
  struct Formula {
    int kind = 0;             // the definition (indicators.cc)
    int measure = -1;         // its main measure's index
    int base = -1;            // a second measure (the cases "over")
    std::vector<int> levels;  // rating levels of a class
    bool unrated = false;     // the unrated cases join the class
    bool over_cases = false;  // a share of cases, not of ratings
  };
  int MeasureIndex(zwfw::v1::CaseMeasure measure);

  SatisfiedLevels satisfied_;
  std::vector<Indicator> indicators_;
  std::vector<Formula> formulas_;
  std::vector<zwfw::v1::CaseMeasure> measures_;
  bool needs_survey_ = false;
};

// Rankings over units' values of one indicator (templates: "受理量前10位的单
// 位", "本月无业务单位"). Indexes into `values`, which are in the units' own
// order (directory order); ties keep that order; a unit without a value
// (an empty denominator) is never ranked.
//
// The `n` highest (or, `ascending`, lowest) values.
std::vector<size_t> TopUnits(const std::vector<IndicatorValue>& values,
                             size_t n, bool ascending = false);
// Each unit's place among the units with a value, the best 1st — the
// highest value, or the lowest when `fewer_is_better` — ties sharing the
// first place of theirs (1, 2, 2, 4); 0 for a unit without a value. A
// department page's "第3位 / 34".
std::vector<int> UnitPlaces(const std::vector<IndicatorValue>& values,
                            bool fewer_is_better);
// The units whose value is zero (a count of 0; a rate of 0 over something).
std::vector<size_t> ZeroUnits(const std::vector<IndicatorValue>& values);

// The names the library knows, in README order, with their Chinese names.
std::vector<std::pair<std::string, std::string>> IndicatorNames();

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_INDICATORS_H_
