#include "services/common/indicators.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace zwfw {
namespace {

using zwfw::v1::CaseMeasure;
using zwfw::v1::CaseSums;

constexpr int64_t kSecondsPerDay = 86400;

enum Kind {
  kAccepted,
  kCompleted,
  kDue,
  kCompletionRate,
  kAcceptedShare,
  kSameDayRate,
  kAverageWorkingDays,
  kAverageNaturalDays,
  kSpeedupRate,
  kEarlyRate,
  kOnTimeRate,
  kOvertime,
  kOvertimeCompleted,
  kRatings,
  kActiveRatings,
  kUnrated,
  kRatingShare,
  kEvaluationRate,
  kActiveRate,
  kVisitsMade,
  kVisitsReached,
  kVisitSatisfactionRate,
  kRectificationsOpened,
  kRectificationsClosedOnTime,
  kRectificationsOverdue,
  kRectificationsOpen,
  kRectificationRate,
};

// What reads which parameters.
enum Takes {
  kNothing = 0,
  kFilter = 1,      // the case filters
  kLevels = 2,      // levels=
  kShare = 4,       // over=, unrated=
  kCasesBasis = 8,  // cases=accepted|completed (the cases rated over)
};

struct Definition {
  const char* name;
  const char* chinese;
  Kind kind;
  IndicatorUnit unit;
  zwfw::v1::CaseTimeBasis basis;  // of its case measure; UNSPECIFIED: none
  int takes;
  const char* default_levels;  // rating classes: "" = every level
  // A unit does better with less of it (超时, 差评, days to complete): its
  // place among units counts from the lowest value.
  bool fewer_is_better = false;
};

// README "Indicators" is this table, in this order.
constexpr Definition kDefinitions[] = {
    {"accepted", "受理量", kAccepted, IndicatorUnit::kCount,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED, kFilter, ""},
    {"completed", "办结量", kCompleted, IndicatorUnit::kCount,
     zwfw::v1::CASE_TIME_BASIS_COMPLETED, kFilter, ""},
    {"due", "到期件数", kDue, IndicatorUnit::kCount,
     zwfw::v1::CASE_TIME_BASIS_DUE, kFilter, ""},
    {"completion_rate", "办结率", kCompletionRate, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED, kFilter, ""},
    {"accepted_share", "受理占比", kAcceptedShare, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED, kFilter, ""},
    {"same_day_rate", "当日办结率", kSameDayRate, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED, kFilter, ""},
    {"average_working_days", "平均办结时间", kAverageWorkingDays,
     IndicatorUnit::kDays, zwfw::v1::CASE_TIME_BASIS_COMPLETED, kFilter, "",
     true},
    {"average_natural_days", "平均办结时间(自然日)", kAverageNaturalDays,
     IndicatorUnit::kDays, zwfw::v1::CASE_TIME_BASIS_COMPLETED, kFilter, "",
     true},
    {"speedup_rate", "实际提速率", kSpeedupRate, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_COMPLETED, kFilter, ""},
    {"early_rate", "提前办结率", kEarlyRate, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_COMPLETED, kFilter, ""},
    {"on_time_rate", "按时办结率", kOnTimeRate, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_COMPLETED, kFilter, ""},
    {"overtime", "超时件数", kOvertime, IndicatorUnit::kCount,
     zwfw::v1::CASE_TIME_BASIS_DUE, kFilter, "", true},
    {"overtime_completed", "超时办结件数", kOvertimeCompleted,
     IndicatorUnit::kCount, zwfw::v1::CASE_TIME_BASIS_COMPLETED, kFilter, "",
     true},
    {"ratings", "评价数", kRatings, IndicatorUnit::kCount,
     zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED, kLevels, ""},
    {"active_ratings", "主动评价数", kActiveRatings, IndicatorUnit::kCount,
     zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED, kLevels, ""},
    {"unrated", "未评价件数", kUnrated, IndicatorUnit::kCount,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED, kFilter | kCasesBasis, "", true},
    {"rating_share", "评价占比", kRatingShare, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED,
     kFilter | kLevels | kShare | kCasesBasis, ""},
    {"satisfaction_rate", "满意率", kRatingShare, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED,
     kFilter | kLevels | kShare | kCasesBasis, "satisfied"},
    {"good_rate", "好评率", kRatingShare, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED,
     kFilter | kLevels | kShare | kCasesBasis, "4-5"},
    {"bad_rate", "差评率", kRatingShare, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED,
     kFilter | kLevels | kShare | kCasesBasis, "1-2", true},
    {"evaluation_rate", "评议率", kEvaluationRate, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED, kFilter | kCasesBasis, ""},
    {"vote_rate", "投票率", kEvaluationRate, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED, kFilter | kCasesBasis, ""},
    {"active_rate", "主动评价率", kActiveRate, IndicatorUnit::kRate,
     zwfw::v1::CASE_TIME_BASIS_ACCEPTED, kFilter | kCasesBasis, ""},
    {"visits_made", "回访数", kVisitsMade, IndicatorUnit::kCount,
     zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED, kNothing, ""},
    {"visits_reached", "回访接通数", kVisitsReached, IndicatorUnit::kCount,
     zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED, kNothing, ""},
    {"visit_satisfaction_rate", "回访满意率", kVisitSatisfactionRate,
     IndicatorUnit::kRate, zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED, kNothing, ""},
    {"rectifications_opened", "差评数", kRectificationsOpened,
     IndicatorUnit::kCount, zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED, kNothing, "",
     true},
    {"rectifications_closed_on_time", "差评按时整改数",
     kRectificationsClosedOnTime, IndicatorUnit::kCount,
     zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED, kNothing, ""},
    {"rectifications_overdue", "差评超期未整改数", kRectificationsOverdue,
     IndicatorUnit::kCount, zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED, kNothing, "",
     true},
    {"rectifications_open", "差评未办结数", kRectificationsOpen,
     IndicatorUnit::kCount, zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED, kNothing, "",
     true},
    {"rectification_rate", "差评整改率", kRectificationRate,
     IndicatorUnit::kRate, zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED, kNothing, ""},
};

const Definition* FindDefinition(absl::string_view name) {
  for (const Definition& d : kDefinitions) {
    if (name == d.name) return &d;
  }
  return nullptr;
}

absl::Status Bad(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("indicator \"", text, "\": ", why));
}

// One filter parameter into the measure's filter.
absl::Status ApplyFilter(absl::string_view text, absl::string_view key,
                         absl::string_view value, zwfw::v1::CaseFilter* f) {
  struct Choice {
    const char* value;
    int number;
  };
  auto pick =
      [&](std::initializer_list<Choice> choices) -> absl::StatusOr<int> {
    std::vector<std::string> names;
    for (const Choice& c : choices) {
      if (value == c.value) return c.number;
      names.push_back(c.value);
    }
    return Bad(text, absl::StrCat(key, "=", value, " is not one of ",
                                  absl::StrJoin(names, ", ")));
  };
  auto flag = [&]() -> absl::StatusOr<bool> {
    absl::StatusOr<int> yes = pick({{"yes", 1}, {"no", 0}});
    if (!yes.ok()) return yes.status();
    return *yes == 1;
  };
  if (key == "category") {
    absl::StatusOr<int> v =
        pick({{"approval", zwfw::v1::ITEM_CATEGORY_APPROVAL},
              {"convenience", zwfw::v1::ITEM_CATEGORY_CONVENIENCE}});
    if (!v.ok()) return v.status();
    f->add_categories(static_cast<zwfw::v1::ItemCategory>(*v));
  } else if (key == "kind") {
    absl::StatusOr<int> v = pick({{"instant", zwfw::v1::ITEM_KIND_INSTANT},
                                  {"promised", zwfw::v1::ITEM_KIND_PROMISED}});
    if (!v.ok()) return v.status();
    f->add_item_kinds(static_cast<zwfw::v1::ItemKind>(*v));
  } else if (key == "site") {
    absl::StatusOr<int> v =
        pick({{"center", zwfw::v1::HANDLING_SITE_CENTER},
              {"department", zwfw::v1::HANDLING_SITE_DEPARTMENT},
              {"grassroots", zwfw::v1::HANDLING_SITE_GRASSROOTS}});
    if (!v.ok()) return v.status();
    f->add_sites(static_cast<zwfw::v1::HandlingSite>(*v));
  } else if (key == "status") {
    absl::StatusOr<int> v =
        pick({{"accepted", zwfw::v1::CASE_STATUS_ACCEPTED},
              {"suspended", zwfw::v1::CASE_STATUS_SUSPENDED},
              {"completed", zwfw::v1::CASE_STATUS_COMPLETED},
              {"withdrawn", zwfw::v1::CASE_STATUS_WITHDRAWN}});
    if (!v.ok()) return v.status();
    f->add_statuses(static_cast<zwfw::v1::CaseStatus>(*v));
  } else if (key == "instant" || key == "online" || key == "in_center" ||
             key == "after_hours") {
    absl::StatusOr<bool> v = flag();
    if (!v.ok()) return v.status();
    if (key == "instant") f->set_instant(*v);
    if (key == "online") f->set_online(*v);
    if (key == "in_center") f->set_completed_in_center(*v);
    if (key == "after_hours") f->set_accepted_after_hours(*v);
  } else {
    return absl::NotFoundError("");
  }
  return absl::OkStatus();
}

// "4-5" or "1,2" -> {4, 5} / {1, 2}.
absl::StatusOr<std::vector<int>> ParseLevels(absl::string_view text,
                                             absl::string_view value) {
  std::vector<int> levels;
  std::pair<absl::string_view, absl::string_view> range =
      absl::StrSplit(value, absl::MaxSplits('-', 1));
  int low = 0, high = 0;
  if (!range.second.empty() && absl::SimpleAtoi(range.first, &low) &&
      absl::SimpleAtoi(range.second, &high) && IsValidRating(low) &&
      IsValidRating(high) && low <= high) {
    for (int l = low; l <= high; ++l) levels.push_back(l);
    return levels;
  }
  for (absl::string_view part : absl::StrSplit(value, ',')) {
    int level = 0;
    if (!absl::SimpleAtoi(part, &level) || !IsValidRating(level) ||
        std::count(levels.begin(), levels.end(), level) > 0) {
      return Bad(text, absl::StrCat("levels=", value,
                                    " is not a range like 4-5 or a list "
                                    "like 1,2 of distinct levels 1–5"));
    }
    levels.push_back(level);
  }
  std::sort(levels.begin(), levels.end());
  return levels;
}

int64_t CountLevels(const RatingHistogram& counts,
                    const std::vector<int>& levels) {
  if (levels.empty()) {
    int64_t all = 0;
    for (int64_t n : counts) all += n;
    return all;
  }
  int64_t n = 0;
  for (int level : levels) n += counts[level - kLowestRating];
  return n;
}

// a/b exactly, cross-multiplied in 128 bits.
int Compare(const IndicatorValue& a, const IndicatorValue& b) {
  if (a.empty() || b.empty()) return a.empty() - b.empty();
  __int128 left = static_cast<__int128>(a.numerator) * b.denominator;
  __int128 right = static_cast<__int128>(b.numerator) * a.denominator;
  // Denominators are positive unless a ratio was built negative.
  if ((a.denominator < 0) != (b.denominator < 0)) std::swap(left, right);
  return left < right ? -1 : left > right ? 1 : 0;
}

}  // namespace

double IndicatorValue::AsDouble() const {
  return empty() ? 0.0 : static_cast<double>(numerator) / denominator;
}

bool operator<(const IndicatorValue& a, const IndicatorValue& b) {
  return Compare(a, b) < 0;
}

bool operator==(const IndicatorValue& a, const IndicatorValue& b) {
  return Compare(a, b) == 0;
}

void AddCaseSums(const CaseSums& a, CaseSums* s) {
  s->set_cases(s->cases() + a.cases());
  s->set_timed(s->timed() + a.timed());
  s->set_working_seconds(s->working_seconds() + a.working_seconds());
  s->set_natural_seconds(s->natural_seconds() + a.natural_seconds());
  s->set_promised_days(s->promised_days() + a.promised_days());
  s->set_early(s->early() + a.early());
  s->set_on_time(s->on_time() + a.on_time());
  s->set_late(s->late() + a.late());
  s->set_open(s->open() + a.open());
  s->set_open_overdue(s->open_overdue() + a.open_overdue());
  s->set_same_day(s->same_day() + a.same_day());
}

IndicatorInputs& IndicatorInputs::operator+=(const IndicatorInputs& o) {
  if (case_sums.size() < o.case_sums.size()) {
    case_sums.resize(o.case_sums.size());
  }
  for (size_t i = 0; i < o.case_sums.size(); ++i) {
    AddCaseSums(o.case_sums[i], &case_sums[i]);
  }
  for (int i = 0; i < kRatingLevels; ++i) {
    ratings[i] += o.ratings[i];
    active[i] += o.active[i];
  }
  visits.set_made(visits.made() + o.visits.made());
  visits.set_reached(visits.reached() + o.visits.reached());
  visits.set_satisfied(visits.satisfied() + o.visits.satisfied());
  rectifications.set_opened(rectifications.opened() +
                            o.rectifications.opened());
  rectifications.set_closed_on_time(rectifications.closed_on_time() +
                                    o.rectifications.closed_on_time());
  rectifications.set_overdue(rectifications.overdue() +
                             o.rectifications.overdue());
  rectifications.set_open(rectifications.open() + o.rectifications.open());
  rectifications.set_voided(rectifications.voided() +
                            o.rectifications.voided());
  return *this;
}

int IndicatorPlan::MeasureIndex(CaseMeasure measure) {
  // An empty filter is no filter: the same measure.
  if (measure.filter().ByteSizeLong() == 0) measure.clear_filter();
  const std::string bytes = measure.SerializeAsString();
  for (size_t i = 0; i < measures_.size(); ++i) {
    if (measures_[i].SerializeAsString() == bytes) return static_cast<int>(i);
  }
  measures_.push_back(measure);
  return static_cast<int>(measures_.size()) - 1;
}

absl::StatusOr<int> IndicatorPlan::Add(absl::string_view raw) {
  if (raw.size() > kMaxIndicatorBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("over ", kMaxIndicatorBytes, " bytes"));
  }
  const absl::string_view text = absl::StripAsciiWhitespace(raw);
  absl::string_view name = text;
  absl::string_view params;
  const size_t open = text.find('[');
  if (open != absl::string_view::npos) {
    if (text.back() != ']') return Bad(text, "parameters end with ']'");
    name = absl::StripAsciiWhitespace(text.substr(0, open));
    params = text.substr(open + 1, text.size() - open - 2);
  }
  const Definition* d = FindDefinition(name);
  if (d == nullptr) {
    std::vector<std::string> names;
    for (const Definition& known : kDefinitions) names.push_back(known.name);
    return Bad(
        text, absl::StrCat("no indicator is named \"", name,
                           "\"; the library has ", absl::StrJoin(names, ", ")));
  }

  Formula formula;
  formula.kind = d->kind;
  CaseMeasure measure;
  measure.set_basis(d->basis);
  std::vector<std::string> normalised;
  if (absl::string_view(d->default_levels) == "satisfied") {
    formula.levels = satisfied_.levels();
  } else if (*d->default_levels != '\0') {
    absl::StatusOr<std::vector<int>> levels =
        ParseLevels(text, d->default_levels);
    if (!levels.ok()) return levels.status();
    formula.levels = *levels;
  }
  for (absl::string_view param :
       absl::StrSplit(params, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(param, absl::MaxSplits('=', 1));
    const absl::string_view key = absl::StripAsciiWhitespace(kv.first);
    const absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    if (value.empty()) {
      return Bad(text,
                 absl::StrCat("parameter \"", param, "\" is not key=value"));
    }
    absl::Status s = absl::NotFoundError("");
    if (d->takes & kFilter)
      s = ApplyFilter(text, key, value, measure.mutable_filter());
    if (absl::IsNotFound(s) && (d->takes & kLevels) && key == "levels") {
      absl::StatusOr<std::vector<int>> levels = ParseLevels(text, value);
      s = levels.status();
      if (levels.ok()) formula.levels = *levels;
    }
    if (absl::IsNotFound(s) && (d->takes & kShare) &&
        (key == "over" || key == "unrated")) {
      const bool yes = key == "over" ? value == "cases" : value == "yes";
      const bool no = key == "over" ? value == "ratings" : value == "no";
      s = yes || no ? absl::OkStatus()
                    : Bad(text, key == "over" ? "over= is cases or ratings"
                                              : "unrated= is yes or no");
      if (key == "over") formula.over_cases = yes;
      if (key == "unrated") formula.unrated = yes;
    }
    if (absl::IsNotFound(s) && (d->takes & kCasesBasis) && key == "cases") {
      s = value == "accepted" || value == "completed"
              ? absl::OkStatus()
              : Bad(text, "cases= is accepted or completed");
      if (value == "completed") {
        measure.set_basis(zwfw::v1::CASE_TIME_BASIS_COMPLETED);
      }
    }
    if (absl::IsNotFound(s)) {
      return Bad(text, absl::StrCat("\"", d->name, "\" takes no parameter \"",
                                    key, "\""));
    }
    if (!s.ok()) return s;
    normalised.push_back(absl::StrCat(key, "=", value));
  }
  const std::string canonical =
      normalised.empty()
          ? std::string(d->name)
          : absl::StrCat(d->name, "[", absl::StrJoin(normalised, ","), "]");
  for (size_t i = 0; i < indicators_.size(); ++i) {
    if (indicators_[i].text == canonical) return static_cast<int>(i);
  }

  // Rates of handling time are of 承诺件: the promised time is theirs.
  if (d->kind == kSpeedupRate || d->kind == kEarlyRate) {
    auto* kinds = measure.mutable_filter()->mutable_item_kinds();
    kinds->Clear();
    kinds->Add(zwfw::v1::ITEM_KIND_PROMISED);
  }
  if (d->basis != zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED) {
    if (d->kind == kAcceptedShare) {
      // The filtered cases over all the cases of the period.
      CaseMeasure all;
      all.set_basis(d->basis);
      formula.base = MeasureIndex(all);
      formula.measure = MeasureIndex(measure);
    } else if (d->kind == kCompletionRate) {
      formula.base = MeasureIndex(measure);
      CaseMeasure done = measure;
      done.mutable_filter()->clear_statuses();
      done.mutable_filter()->add_statuses(zwfw::v1::CASE_STATUS_COMPLETED);
      formula.measure = MeasureIndex(done);
    } else {
      formula.measure = MeasureIndex(measure);
      formula.base = formula.measure;
    }
  }
  if (d->basis == zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED ||
      d->kind == kUnrated || d->kind == kRatingShare ||
      d->kind == kEvaluationRate || d->kind == kActiveRate) {
    needs_survey_ = true;
  }
  indicators_.push_back(
      {canonical, d->name, d->chinese, d->unit,
       d->unit == IndicatorUnit::kRate && d->kind != kSpeedupRate,
       d->fewer_is_better});
  formulas_.push_back(std::move(formula));
  return static_cast<int>(indicators_.size()) - 1;
}

IndicatorValue IndicatorPlan::Evaluate(int index,
                                       const IndicatorInputs& in) const {
  const Formula& f = formulas_[index];
  const IndicatorUnit unit = indicators_[index].unit;
  static const CaseSums kNone;
  auto sums = [&](int measure) -> const CaseSums& {
    return measure >= 0 && measure < static_cast<int>(in.case_sums.size())
               ? in.case_sums[measure]
               : kNone;
  };
  const CaseSums& m = sums(f.measure);
  const int64_t cases = sums(f.base).cases();
  auto ratio = [&](int64_t numerator, int64_t denominator) {
    return IndicatorValue{unit, numerator, denominator};
  };
  const int64_t rated = CountLevels(in.ratings, {});
  const int64_t unrated = std::max<int64_t>(cases - rated, 0);
  switch (static_cast<Kind>(f.kind)) {
    case kAccepted:
    case kCompleted:
    case kDue:
      return ratio(m.cases(), 1);
    case kCompletionRate:
    case kAcceptedShare:
      return ratio(m.cases(), cases);
    case kSameDayRate:
      return ratio(m.same_day(), m.cases());
    case kAverageWorkingDays:
      return ratio(m.working_seconds(), m.timed() * kSecondsPerDay);
    case kAverageNaturalDays:
      return ratio(m.natural_seconds(), m.cases() * kSecondsPerDay);
    case kSpeedupRate: {
      const int64_t promised = m.promised_days() * kSecondsPerDay;
      return ratio(promised - m.working_seconds(), promised);
    }
    case kEarlyRate:
      return ratio(m.early(), m.on_time() + m.late());
    case kOnTimeRate:
      return ratio(m.on_time(), m.on_time() + m.late());
    case kOvertime:
      return ratio(m.late() + m.open_overdue(), 1);
    case kOvertimeCompleted:
      return ratio(m.late(), 1);
    case kRatings:
      return ratio(CountLevels(in.ratings, f.levels), 1);
    case kActiveRatings:
      return ratio(CountLevels(in.active, f.levels), 1);
    case kUnrated:
      return ratio(unrated, 1);
    case kRatingShare: {
      const int64_t in_class =
          CountLevels(in.ratings, f.levels) + (f.unrated ? unrated : 0);
      return ratio(in_class,
                   f.over_cases ? cases : rated + (f.unrated ? unrated : 0));
    }
    case kEvaluationRate:
      return ratio(rated, cases);
    case kActiveRate:
      return ratio(CountLevels(in.active, {}), cases);
    case kVisitsMade:
      return ratio(in.visits.made(), 1);
    case kVisitsReached:
      return ratio(in.visits.reached(), 1);
    case kVisitSatisfactionRate:
      return ratio(in.visits.satisfied(), in.visits.reached());
    case kRectificationsOpened:
      return ratio(in.rectifications.opened(), 1);
    case kRectificationsClosedOnTime:
      return ratio(in.rectifications.closed_on_time(), 1);
    case kRectificationsOverdue:
      return ratio(in.rectifications.overdue(), 1);
    case kRectificationsOpen:
      return ratio(in.rectifications.open(), 1);
    case kRectificationRate:
      return ratio(in.rectifications.closed_on_time(),
                   in.rectifications.opened() - in.rectifications.voided());
  }
  return ratio(0, 0);
}

absl::StatusOr<IndicatorCases> IndicatorPlan::CasesBehind(
    int index, bool denominator) const {
  const Formula& f = formulas_[index];
  const Indicator& indicator = indicators_[index];
  auto cases = [&](int measure, CasePart part) -> IndicatorCases {
    return {measures_[measure], part};
  };
  auto not_cases = [&](absl::string_view what) {
    return absl::FailedPreconditionError(
        absl::StrCat("indicator \"", indicator.text, "\": its ",
                     denominator ? "denominator" : "numerator", " counts ",
                     what, ", not cases"));
  };
  switch (static_cast<Kind>(f.kind)) {
    case kAccepted:
    case kCompleted:
    case kDue:
    case kOvertime:
    case kOvertimeCompleted:
      if (denominator) return not_cases("nothing (it is a count)");
      return cases(f.measure, f.kind == kOvertime ? CasePart::kOvertime
                              : f.kind == kOvertimeCompleted ? CasePart::kLate
                                                             : CasePart::kAll);
    case kCompletionRate:
    case kAcceptedShare:
      return denominator ? cases(f.base, CasePart::kAll)
                         : cases(f.measure, CasePart::kAll);
    case kSameDayRate:
      return cases(f.measure,
                   denominator ? CasePart::kAll : CasePart::kSameDay);
    case kEarlyRate:
    case kOnTimeRate:
      if (denominator) return cases(f.measure, CasePart::kFinished);
      return cases(f.measure,
                   f.kind == kEarlyRate ? CasePart::kEarly : CasePart::kOnTime);
    case kAverageWorkingDays:
    case kAverageNaturalDays:
    case kSpeedupRate:
      return not_cases("handling time");
    case kEvaluationRate:
    case kActiveRate:
      if (denominator) return cases(f.base, CasePart::kAll);
      return not_cases("ratings");
    case kRatingShare:
      if (denominator && f.over_cases) return cases(f.base, CasePart::kAll);
      return not_cases(f.unrated ? "ratings and unrated cases" : "ratings");
    case kRatings:
    case kActiveRatings:
    case kUnrated:
      return not_cases("ratings");
    case kVisitsMade:
    case kVisitsReached:
    case kVisitSatisfactionRate:
      return not_cases("return visits");
    case kRectificationsOpened:
    case kRectificationsClosedOnTime:
    case kRectificationsOverdue:
    case kRectificationsOpen:
    case kRectificationRate:
      return not_cases("rectifications");
  }
  return not_cases("nothing");
}

absl::StatusOr<IndicatorSurveyRecords> IndicatorPlan::SurveyRecordsBehind(
    int index, bool denominator) const {
  using Records = IndicatorSurveyRecords::Kind;
  const Formula& f = formulas_[index];
  const Indicator& indicator = indicators_[index];
  auto none = [&](absl::string_view what) {
    return absl::FailedPreconditionError(
        absl::StrCat("indicator \"", indicator.text, "\": its ",
                     denominator ? "denominator" : "numerator", " counts ",
                     what, ", not ratings, return visits or rectifications"));
  };
  IndicatorSurveyRecords out;
  switch (static_cast<Kind>(f.kind)) {
    case kRatings:
    case kActiveRatings:
      if (denominator) return none("nothing (it is a count)");
      out.levels = f.levels;
      out.active_only = f.kind == kActiveRatings;
      return out;
    case kRatingShare:
      if (f.unrated) return none("ratings and unrated cases");
      if (denominator && f.over_cases) return none("cases");
      if (!denominator) out.levels = f.levels;
      return out;
    case kEvaluationRate:
    case kActiveRate:
      if (denominator) return none("cases");
      out.active_only = f.kind == kActiveRate;
      return out;
    case kVisitsMade:
    case kVisitsReached:
    case kVisitSatisfactionRate:
      if (denominator && f.kind != kVisitSatisfactionRate) {
        return none("nothing (it is a count)");
      }
      out.kind = Records::kReturnVisits;
      out.reached_only = f.kind != kVisitsMade;
      if (f.kind == kVisitSatisfactionRate && !denominator) {
        out.levels = satisfied_.levels();
      }
      return out;
    case kRectificationsOpened:
    case kRectificationsOverdue:
    case kRectificationsOpen:
      if (denominator) return none("nothing (it is a count)");
      out.kind = Records::kRectifications;
      out.open_only = f.kind == kRectificationsOpen;
      out.overdue_only = f.kind == kRectificationsOverdue;
      return out;
    case kRectificationsClosedOnTime:
    case kRectificationRate:
      return none("rectifications closed on time");
    case kUnrated:
      return none("unrated cases");
    case kAverageWorkingDays:
    case kAverageNaturalDays:
    case kSpeedupRate:
      return none("handling time");
    default:
      return none("cases");
  }
}

std::string IndicatorPlan::RecordsListed(int index) const {
  if (CasesBehind(index, false).ok()) return "cases";
  absl::StatusOr<IndicatorSurveyRecords> survey =
      SurveyRecordsBehind(index, false);
  if (!survey.ok()) return "";
  switch (survey->kind) {
    case IndicatorSurveyRecords::Kind::kRatings:
      return "ratings";
    case IndicatorSurveyRecords::Kind::kReturnVisits:
      return "return_visits";
    case IndicatorSurveyRecords::Kind::kRectifications:
      return "rectifications";
  }
  return "";
}

std::vector<size_t> TopUnits(const std::vector<IndicatorValue>& values,
                             size_t n, bool ascending) {
  std::vector<size_t> ranked;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i].empty()) ranked.push_back(i);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [&](size_t a, size_t b) {
    return ascending ? values[a] < values[b] : values[b] < values[a];
  });
  if (ranked.size() > n) ranked.resize(n);
  return ranked;
}

std::vector<int> UnitPlaces(const std::vector<IndicatorValue>& values,
                            bool fewer_is_better) {
  std::vector<size_t> ranked = TopUnits(values, values.size(), fewer_is_better);
  std::vector<int> places(values.size(), 0);
  for (size_t k = 0; k < ranked.size(); ++k) {
    // A tie shares the place of the first of its values.
    const bool tie = k > 0 && values[ranked[k]] == values[ranked[k - 1]];
    places[ranked[k]] = tie ? places[ranked[k - 1]] : static_cast<int>(k) + 1;
  }
  return places;
}

std::vector<size_t> ZeroUnits(const std::vector<IndicatorValue>& values) {
  std::vector<size_t> zero;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i].empty() && values[i].numerator == 0) zero.push_back(i);
  }
  return zero;
}

std::vector<std::pair<std::string, std::string>> IndicatorNames() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Definition& d : kDefinitions) out.emplace_back(d.name, d.chinese);
  return out;
}

}  // namespace zwfw
