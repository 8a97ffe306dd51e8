#include "services/survey/satisfaction_stats.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "services/common/month_version.h"
#include "services/common/proto_time.h"

namespace zwfw::survey {
namespace {

void SetRate(zwfw::v1::Rate* rate, int64_t numerator, int64_t denominator) {
  rate->set_numerator(numerator);
  rate->set_denominator(denominator);
}

RatingCounts& operator+=(RatingCounts& a, const RatingCounts& b) {
  for (int i = 0; i < kRatingLevels; ++i) {
    a.active[i] += b.active[i];
    a.defaulted[i] += b.defaulted[i];
  }
  return a;
}

VisitCounts& operator+=(VisitCounts& a, const VisitCounts& b) {
  a.made += b.made;
  a.reached += b.reached;
  for (int i = 0; i < kRatingLevels; ++i) {
    a.reached_by_rating[i] += b.reached_by_rating[i];
  }
  return a;
}

void FillVisits(const VisitCounts& v, const SatisfiedLevels& satisfied_levels,
                zwfw::v1::ReturnVisitCounters* out) {
  const int64_t satisfied = satisfied_levels.Count(v.reached_by_rating);
  out->set_made(v.made);
  out->set_reached(v.reached);
  out->set_satisfied(satisfied);
  SetRate(out->mutable_satisfaction_rate(), satisfied, v.reached);
}

void FillRectifications(const RectificationCounts& r,
                        zwfw::v1::RectificationCounters* out) {
  out->set_opened(r.opened);
  out->set_closed_on_time(r.closed_on_time);
  out->set_overdue(r.overdue);
  out->set_open(r.open);
  out->set_voided(r.voided);
}

template <typename Map>
typename Map::mapped_type Find(const Map& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? typename Map::mapped_type() : it->second;
}

}  // namespace

zwfw::v1::SatisfactionCounters Summarize(
    const RatingCounts& c, const SatisfiedLevels& satisfied_levels) {
  zwfw::v1::SatisfactionCounters out;
  int64_t all = 0, good = 0, bad = 0, satisfied = 0;
  for (int level = kLowestRating; level <= kHighestRating; ++level) {
    const int64_t active = c.active[level - kLowestRating];
    const int64_t defaulted = c.defaulted[level - kLowestRating];
    out.add_active_by_rating(active);
    out.add_defaulted_by_rating(defaulted);
    out.set_active(out.active() + active);
    out.set_defaulted(out.defaulted() + defaulted);
    const int64_t n = active + defaulted;
    all += n;
    if (BandOf(level) == RatingBand::kGood) good += n;
    if (BandOf(level) == RatingBand::kBad) bad += n;
    if (satisfied_levels.Contains(level)) satisfied += n;
  }
  SetRate(out.mutable_good_rate(), good, all);
  SetRate(out.mutable_bad_rate(), bad, all);
  SetRate(out.mutable_satisfaction_rate(), satisfied, all);
  return out;
}

SurveyMonth MergeMonths(std::vector<SurveyMonth> months) {
  if (months.size() == 1) return std::move(months.front());
  SurveyMonth out;
  std::vector<int64_t> versions;
  for (const SurveyMonth& month : months) {
    versions.push_back(month.data_version);
    if (month.stable_until.has_value() &&
        (!out.stable_until.has_value() ||
         *month.stable_until < *out.stable_until)) {
      out.stable_until = month.stable_until;
    }
    for (const auto& [code, c] : month.departments) out.departments[code] += c;
    for (const auto& [code, c] : month.windows) out.windows[code] += c;
    for (const auto& [code, c] : month.staff) out.staff[code] += c;
    for (const auto& [code, c] : month.visits) out.visits[code] += c;
    for (const auto& [code, c] : month.rectifications) {
      RectificationCounts& r = out.rectifications[code];
      r.opened += c.opened;
      r.closed_on_time += c.closed_on_time;
      r.overdue += c.overdue;
      r.open += c.open;
      r.voided += c.voided;
    }
  }
  out.data_version = PeriodDataVersion(versions);
  return out;
}

zwfw::v1::GetSatisfactionStatsResponse BuildSatisfactionStats(
    const ReportPeriod& period, const SurveyMonth& month,
    const DirectoryIndex& directory,
    const std::map<std::string, int64_t>* case_totals,
    const SatisfiedLevels& satisfied_levels) {
  zwfw::v1::GetSatisfactionStatsResponse out;
  out.set_period(period.ToString());
  out.set_data_version(month.data_version);
  if (month.stable_until.has_value()) {
    *out.mutable_stable_until() = ToProto(*month.stable_until);
  }
  for (int level : satisfied_levels.levels()) out.add_satisfied_levels(level);

  RatingCounts total;
  VisitCounts visits;
  RectificationCounts rectifications;
  int64_t total_cases = 0;
  for (const auto& d : directory.snapshot().departments()) {
    zwfw::v1::DepartmentSatisfaction* row = out.add_departments();
    row->set_department_code(d.code());
    row->set_department_name(d.name());
    RatingCounts ratings = Find(month.departments, d.code());
    *row->mutable_ratings() = Summarize(ratings, satisfied_levels);
    if (case_totals != nullptr) {
      int64_t cases = Find(*case_totals, d.code());
      total_cases += cases;
      SetRate(row->mutable_ratings()->mutable_active_rate(),
              row->ratings().active(), cases);
    }
    VisitCounts v = Find(month.visits, d.code());
    FillVisits(v, satisfied_levels, row->mutable_return_visits());
    RectificationCounts r = Find(month.rectifications, d.code());
    FillRectifications(r, row->mutable_rectifications());
    total += ratings;
    visits += v;
    rectifications.opened += r.opened;
    rectifications.closed_on_time += r.closed_on_time;
    rectifications.overdue += r.overdue;
    rectifications.open += r.open;
    rectifications.voided += r.voided;
  }
  for (const auto& w : directory.snapshot().windows()) {
    auto it = month.windows.find(w.code());
    if (it == month.windows.end()) continue;
    zwfw::v1::WindowSatisfaction* row = out.add_windows();
    row->set_window_code(w.code());
    row->set_window_name(w.name());
    row->set_department_code(w.department_code());
    *row->mutable_ratings() = Summarize(it->second, satisfied_levels);
  }
  for (const auto& m : directory.snapshot().staff()) {
    auto it = month.staff.find(m.code());
    if (it == month.staff.end()) continue;
    zwfw::v1::StaffSatisfaction* row = out.add_staff();
    row->set_staff_code(m.code());
    row->set_staff_name(m.name());
    row->set_window_code(m.window_code());
    *row->mutable_ratings() = Summarize(it->second, satisfied_levels);
  }
  *out.mutable_total() = Summarize(total, satisfied_levels);
  if (case_totals != nullptr) {
    SetRate(out.mutable_total()->mutable_active_rate(), out.total().active(),
            total_cases);
  }
  FillVisits(visits, satisfied_levels, out.mutable_return_visits());
  FillRectifications(rectifications, out.mutable_rectifications());
  return out;
}

}  // namespace zwfw::survey
