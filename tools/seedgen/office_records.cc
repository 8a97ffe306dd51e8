#include "tools/seedgen/office_records.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"

namespace zwfw::seedgen {
namespace {

using zwfw::v1::Case;

constexpr int64_t kDay = 86400;

// Builds one office's directory and records.
class Office {
 public:
  Office(const Calendar& calendar, std::string prefix)
      : calendar_(calendar), prefix_(std::move(prefix)) {}

  // A department with three items: instant (即办件), promised in 24 and in
  // 25 working days (承诺件).
  std::string Unit(const std::string& name, const std::string& group) {
    const std::string code =
        absl::StrFormat("%s-%03d", prefix_, out_.directory.departments_size());
    zwfw::v1::Department* d = out_.directory.add_departments();
    d->set_code(code);
    d->set_name(name);
    d->set_group(group);
    d->set_order(out_.directory.departments_size() * 10);
    for (int days : {0, 24, 25}) {
      zwfw::v1::ServiceItem* item = out_.directory.add_service_items();
      item->set_code(Item(code, days));
      item->set_name(days == 0 ? "即办事项" : absl::StrCat(days, "日承诺事项"));
      item->set_department_code(code);
      item->set_category(zwfw::v1::ITEM_CATEGORY_APPROVAL);
      item->set_kind(days == 0 ? zwfw::v1::ITEM_KIND_INSTANT
                               : zwfw::v1::ITEM_KIND_PROMISED);
      item->set_promised_days(days);
    }
    return code;
  }

  // The working days of [first, last].
  absl::StatusOr<std::vector<absl::CivilDay>> Days(absl::CivilDay first,
                                                   absl::CivilDay last) const {
    std::vector<absl::CivilDay> days;
    for (absl::CivilDay d = first; d <= last; ++d) {
      absl::StatusOr<bool> working = calendar_.IsWorkingDay(d);
      if (!working.ok()) return working.status();
      if (*working) days.push_back(d);
    }
    return days;
  }

  // `n` promised cases of `code`, accepted on `days` in turn and completed
  // after `seconds` of working time each; the first `in_24` promised in 24
  // working days, the others in 25. The completion must fall in the month
  // of `complete_in`.
  absl::Status Promised(const std::string& code, int n, int in_24,
                        const std::vector<absl::CivilDay>& days,
                        int64_t seconds, absl::CivilMonth complete_in) {
    for (int i = 0; i < n; ++i) {
      Case& c = Add(code, Item(code, i < in_24 ? 24 : 25), days);
      absl::StatusOr<absl::Time> done =
          AddWorking(ToTime(c.accepted_at()), seconds);
      if (!done.ok()) return done.status();
      if (absl::CivilMonth(absl::ToCivilSecond(*done, ChinaTimeZone())) !=
          complete_in) {
        return absl::InternalError(absl::StrCat(
            "case ", c.case_no(), " would complete outside its month"));
      }
      c.set_status(zwfw::v1::CASE_STATUS_COMPLETED);
      *c.mutable_completed_at() = ToProto(*done);
      c.set_completed_in_center(true);
    }
    return absl::OkStatus();
  }

  // `done` instant cases completed 30 minutes after acceptance, then `open`
  // still running.
  void Instant(const std::string& code, int done, int open,
               const std::vector<absl::CivilDay>& days) {
    for (int i = 0; i < done + open; ++i) {
      Case& c = Add(code, Item(code, 0), days);
      if (i >= done) continue;
      c.set_status(zwfw::v1::CASE_STATUS_COMPLETED);
      *c.mutable_completed_at() =
          ToProto(ToTime(c.accepted_at()) + absl::Minutes(30));
      c.set_completed_in_center(true);
    }
  }

  // A rating of case `index`, given `after` its acceptance, through the
  // online channel.
  void Rate(size_t index, int rating, absl::Duration after) {
    const Case& c = out_.cases[index];
    zwfw::v1::Evaluation& e = out_.evaluations.emplace_back();
    e.set_evaluation_id(absl::StrCat(c.case_no(), "-r"));
    e.set_department_code(c.department_code());
    e.set_case_no(c.case_no());
    e.set_rating(rating);
    e.set_channel(zwfw::v1::EVALUATION_CHANNEL_ONLINE);
    *e.mutable_evaluated_at() = ToProto(ToTime(c.accepted_at()) + after);
  }

  // Ratings (5) of the `count` cases from `first`, but `unrated` of them,
  // spread evenly.
  void RateAllBut(size_t first, int64_t count, int64_t unrated) {
    for (int64_t i = 0; i < count; ++i) {
      if ((i * unrated) / count != ((i + 1) * unrated) / count) continue;
      Rate(first + i, 5, absl::Minutes(10));
    }
  }

  size_t size() const { return out_.cases.size(); }
  OfficeRecords Take() { return std::move(out_); }

 private:
  static std::string Item(const std::string& code, int days) {
    return absl::StrCat(code, days == 0 ? "-i" : absl::StrCat("-p", days));
  }

  // A case accepted on the next of `days` in turn, between 09:00 and 09:50.
  Case& Add(const std::string& code, const std::string& item,
            const std::vector<absl::CivilDay>& days) {
    Case& c = out_.cases.emplace_back();
    const absl::CivilDay day = days[turn_++ % days.size()];
    c.set_department_code(code);
    c.set_case_no(absl::StrFormat("%s-%04d%02d-%06d", code, day.year(),
                                  day.month(), out_.cases.size()));
    c.set_item_code(item);
    c.set_category(zwfw::v1::ITEM_CATEGORY_APPROVAL);
    c.set_site(zwfw::v1::HANDLING_SITE_CENTER);
    c.set_applicant_kind(zwfw::v1::APPLICANT_KIND_PERSON);
    c.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
    *c.mutable_accepted_at() = ToProto(absl::FromCivil(
        absl::CivilMinute(day) + 9 * 60 + (turn_ % 6) * 10, ChinaTimeZone()));
    return c;
  }

  // `from` plus `seconds` of working time: whole working days count 24
  // hours, other days nothing (as intake's handling_time.h measures).
  absl::StatusOr<absl::Time> AddWorking(absl::Time from,
                                        int64_t seconds) const {
    const absl::TimeZone cst = ChinaTimeZone();
    absl::Time t = from;
    while (true) {
      const absl::CivilDay day = absl::ToCivilDay(t, cst);
      const absl::Time end = absl::FromCivil(day + 1, cst);
      absl::StatusOr<bool> working = calendar_.IsWorkingDay(day);
      if (!working.ok()) return working.status();
      if (*working) {
        const int64_t left = absl::ToInt64Seconds(end - t);
        if (seconds <= left) return t + absl::Seconds(seconds);
        seconds -= left;
      }
      t = end;
    }
  }

  const Calendar& calendar_;
  const std::string prefix_;
  OfficeRecords out_;
  size_t turn_ = 0;
};

// Tenths of a working day, in seconds.
constexpr int64_t Tenths(int n) { return n * kDay / 10; }

}  // namespace

absl::StatusOr<OfficeRecords> Fangchenggang2011(const Calendar& calendar) {
  Office office(calendar, "fcg");
  const std::string kCity = "市本级";
  // March: the center's 17 units with business — 受理, promised cases
  // completed, their handling time (tenths of a working day) — in the
  // directory's order: 1000 promised cases, 1780 working days in all (1.78
  // on average); 实际提速 ranks 公安局 (0.2 days of 24–25) first.
  struct Row {
    const char* name;
    int accepted, promised, tenths;
  };
  const Row kMarch[] = {
      {"住建委", 1500, 300, 25}, {"住房公积金中心", 1100, 200, 20},
      {"公安局", 900, 100, 2},   {"工商局", 600, 100, 22},
      {"质监局", 400, 50, 24},   {"交通运输局", 300, 40, 20},
      {"地税局", 250, 25, 22},   {"财政局", 200, 50, 3},
      {"林业局", 150, 50, 4},    {"人力资源和社会保障局", 100, 20, 27},
      {"国税局", 30, 20, 5},     {"卫生局", 20, 10, 6},
      {"气象局", 15, 10, 7},     {"人防办", 15, 10, 8},
      {"地震局", 10, 5, 9},      {"商务局", 10, 5, 10},
      {"国资委", 10, 5, 11},
  };
  // 本月无业务单位, in the reference's order.
  const char* const kIdle[] = {
      "文体新局", "农业局", "科技局", "广电局", "粮食局",   "计生委",
      "统计局",   "工信委", "财政所", "外侨办", "市房改办", "港口区工商分局"};
  std::vector<std::string> city;
  for (const Row& r : kMarch) city.push_back(office.Unit(r.name, kCity));
  for (const char* name : kIdle) office.Unit(name, kCity);
  struct County {
    const char* name;
    int accepted, open, tenths_x1000;  // handling time of promised cases
  };
  // 100 promised cases each, promised in 25 working days: 实际提速 =
  // 1 − time ÷ 25 (84.50%, 89.80%, 72.70%, 89.50%).
  const County kCounties[] = {{"东兴市", 838, 61, 38750},
                              {"上思县", 733, 26, 25500},
                              {"防城区", 796, 26, 68250},
                              {"港口区", 539, 0, 26250}};
  std::vector<std::string> counties;
  for (const County& c : kCounties) {
    counties.push_back(
        office.Unit(absl::StrCat(c.name, "政务服务中心"), c.name));
  }

  // February (the comparisons): 3198 accepted, 3069 completed, 1000
  // promised cases of 2.06 working days (promised 24 days: 181, 25: 819 —
  // 实际提速 91.70%), 3115 rated (评议率 97.40%).
  absl::StatusOr<std::vector<absl::CivilDay>> feb_early =
      office.Days(absl::CivilDay(2011, 2, 9), absl::CivilDay(2011, 2, 18));
  absl::StatusOr<std::vector<absl::CivilDay>> feb =
      office.Days(absl::CivilDay(2011, 2, 9), absl::CivilDay(2011, 2, 25));
  absl::StatusOr<std::vector<absl::CivilDay>> mar_early =
      office.Days(absl::CivilDay(2011, 3, 1), absl::CivilDay(2011, 3, 14));
  absl::StatusOr<std::vector<absl::CivilDay>> mar =
      office.Days(absl::CivilDay(2011, 3, 1), absl::CivilDay(2011, 3, 31));
  for (const auto* d : {&feb_early, &feb, &mar_early, &mar}) {
    if (!d->ok()) return d->status();
  }
  const size_t feb_first = office.size();
  absl::Status s = office.Promised(city[0], 1000, 181, *feb_early,
                                   206 * kDay / 100, absl::CivilMonth(2011, 2));
  if (!s.ok()) return s;
  office.Instant(city[0], 698, 0, *feb);
  office.Instant(city[1], 1371, 129, *feb);
  office.RateAllBut(feb_first, 3198, 3198 - 3115);
  // 港口区: 27 promised cases accepted on the last day of February and
  // completed in March.
  s = office.Promised(counties[3], 27, 0, {absl::CivilDay(2011, 2, 28)},
                      kCounties[3].tenths_x1000 * kDay / 10000,
                      absl::CivilMonth(2011, 3));
  if (!s.ok()) return s;

  // March: of the 1000 promised cases, 278 promised in 24 days and 722 in
  // 25 (Σ 24722 days: 实际提速 1 − 1780 ÷ 24722 = 92.80%); 113 of
  // 住建委's instant cases still running; 5548 of the 5610 rated.
  const size_t mar_first = office.size();
  int in_24 = 278;
  for (size_t u = 0; u < city.size(); ++u) {
    const Row& r = kMarch[u];
    const int here = std::min(in_24, r.promised);
    in_24 -= here;
    s = office.Promised(city[u], r.promised, here, *mar_early, Tenths(r.tenths),
                        absl::CivilMonth(2011, 3));
    if (!s.ok()) return s;
    const int open = u == 0 ? 113 : 0;
    office.Instant(city[u], r.accepted - r.promised - open, open, *mar);
  }
  office.RateAllBut(mar_first, 5610, 5610 - 5548);
  for (size_t k = 0; k < counties.size(); ++k) {
    const County& c = kCounties[k];
    s = office.Promised(counties[k], 100, 0, *mar_early,
                        c.tenths_x1000 * kDay / 10000,
                        absl::CivilMonth(2011, 3));
    if (!s.ok()) return s;
    office.Instant(counties[k], c.accepted - 100 - c.open, c.open, *mar);
  }
  return office.Take();
}

absl::StatusOr<OfficeRecords> Yongchang2023(const Calendar& calendar) {
  Office office(calendar, "yc");
  absl::StatusOr<std::vector<absl::CivilDay>> quarter =
      office.Days(absl::CivilDay(2023, 4, 1), absl::CivilDay(2023, 6, 30));
  if (!quarter.ok()) return quarter.status();
  // The hall's windows (each a department of the group) and their cases in
  // the quarter; the sub-centers, a group and a department each.
  const std::string kHall = "县政务服务大厅";
  const std::pair<const char*, int> kWindows[] = {
      {"县市场监管局", 880},     {"县自然资源局(不动产中心)", 679},
      {"县住房公积金中心", 338}, {"县交通局", 320},
      {"县公安局", 297},         {"县人社局", 290},
      {"县医保局", 285},         {"县民政局", 260},
      {"县卫健局", 240},         {"县农业农村局", 227},
      {"国家电网永昌分公司", 0}};
  const std::pair<const char*, int> kSubCenters[] = {{"税务分中心", 782},
                                                     {"户政出入境分中心", 54},
                                                     {"婚姻登记分中心", 328},
                                                     {"车驾管分中心", 1190},
                                                     {"教育分中心", 126}};
  // Every case completed the day it came; rated 满意 (5) after it, except
  // the hall's first 5 cases, not rated, and the 3 after them, rated
  // 基本满意 (3).
  constexpr int kUnrated = 5, kBasic = 3;
  int hall = 0;  // the hall's cases so far
  for (const auto& [name, n] : kWindows) {
    const std::string code = office.Unit(name, kHall);
    const size_t first = office.size();
    office.Instant(code, n, 0, *quarter);
    for (int i = 0; i < n; ++i, ++hall) {
      if (hall < kUnrated) continue;
      office.Rate(first + i, hall < kUnrated + kBasic ? 3 : 5,
                  absl::Minutes(35));
    }
  }
  for (const auto& [group, n] : kSubCenters) {
    const std::string code = office.Unit(absl::StrCat(group, "窗口"), group);
    const size_t first = office.size();
    office.Instant(code, n, 0, *quarter);
    for (int i = 0; i < n; ++i) office.Rate(first + i, 5, absl::Minutes(35));
  }
  return office.Take();
}

}  // namespace zwfw::seedgen
