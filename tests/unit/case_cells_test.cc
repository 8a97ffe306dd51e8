// The indicator cells: what a case adds to which month's cell (each time
// basis across a month edge in China Standard Time), its handling time
// (pauses, weekends, holidays), and the sums GetCaseSums builds from them.
#include "services/intake/case_cells.h"

#include <gtest/gtest.h>

#include "services/common/calendar.h"
#include "services/common/proto_time.h"
#include "services/intake/case_sums.h"
#include "services/intake/handling_time.h"
#include "tests/testing/test_util.h"

namespace zwfw::intake {
namespace {

using testing::Cst;
using zwfw::v1::Case;

const Calendar& Shipped() {
  static const Calendar* const calendar = new Calendar(
      *Calendar::LoadDirectory(ZWFW_SOURCE_DIR "/deploy/calendar"));
  return *calendar;
}

Case Completed(absl::Time accepted, absl::Time completed, absl::Time due) {
  Case c;
  c.set_department_code("d1");
  c.set_case_no("n1");
  c.set_category(zwfw::v1::ITEM_CATEGORY_APPROVAL);
  c.set_site(zwfw::v1::HANDLING_SITE_CENTER);
  c.set_item_kind(zwfw::v1::ITEM_KIND_PROMISED);
  c.set_promised_days(5);
  c.set_status(zwfw::v1::CASE_STATUS_COMPLETED);
  *c.mutable_accepted_at() = ToProto(accepted);
  *c.mutable_completed_at() = ToProto(completed);
  *c.mutable_due_at() = ToProto(due);
  return c;
}

HandlingTime TimeOf(const Case& c) {
  absl::StatusOr<HandlingTime> t = HandlingTimeOf(c, Shipped());
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : HandlingTime();
}

TEST(HandlingTimeTest, AWeekendIsNaturalTimeOnly) {
  // Friday 10:00 to Monday 10:00 (2020-07-17 to 07-20).
  Case c = Completed(Cst(2020, 7, 17, 10), Cst(2020, 7, 20, 10),
                     Cst(2020, 7, 25, 0));
  EXPECT_EQ(TimeOf(c).working, absl::Hours(24));
  EXPECT_EQ(TimeOf(c).natural, absl::Hours(72));
}

TEST(HandlingTimeTest, AHolidayAndItsMakeUpDayCountAsTheCalendarSays) {
  // Wednesday 2020-09-30 12:00 to Saturday 2020-10-10 12:00: the rest of
  // the 30th (12 h), 1–8 October off, 9 October (Friday, 24 h), the worked
  // Saturday the 10th until noon (12 h).
  Case c = Completed(Cst(2020, 9, 30, 12), Cst(2020, 10, 10, 12),
                     Cst(2020, 10, 20, 0));
  EXPECT_EQ(TimeOf(c).working, absl::Hours(48));
  EXPECT_EQ(TimeOf(c).natural, absl::Hours(240));
}

TEST(HandlingTimeTest, PausesAreTakenOut) {
  // Monday 2020-07-06 09:00 to Thursday 09:00, paused Monday 12:00 to
  // Wednesday 12:00 (补正): 3 h + 21 h of working time.
  Case c =
      Completed(Cst(2020, 7, 6, 9), Cst(2020, 7, 9, 9), Cst(2020, 7, 20, 0));
  zwfw::v1::TimeInterval* pause = c.add_pauses();
  *pause->mutable_start() = ToProto(Cst(2020, 7, 6, 12));
  *pause->mutable_end() = ToProto(Cst(2020, 7, 8, 12));
  EXPECT_EQ(TimeOf(c).working, absl::Hours(24));
  EXPECT_EQ(TimeOf(c).natural, absl::Hours(24));
}

TEST(HandlingTimeTest, OutsideTheCalendarOnlyNaturalTimeIsFilled) {
  Case c = Completed(Cst(2019, 12, 30, 10), Cst(2019, 12, 31, 10),
                     Cst(2020, 1, 10, 0));
  EXPECT_EQ(HandlingTimeOf(c, Shipped()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  FillHandlingFacts(nullptr, Shipped(), &c);
  EXPECT_FALSE(c.has_working_seconds());
  EXPECT_EQ(c.natural_seconds(), 86400);
  EXPECT_EQ(c.item_kind(), zwfw::v1::ITEM_KIND_UNSPECIFIED);
  EXPECT_EQ(c.promised_days(), 0);
}

TEST(HandlingTimeTest, AcceptedAfterHoursIsFilledFromTheCalendarsHours) {
  absl::StatusOr<Calendar> calendar = Calendar::FromFiles(
      {{"2020.txt", ""}, {"local.txt", "hours 09:00-12:00 14:00-17:30\n"}});
  ASSERT_TRUE(calendar.ok());
  Case evening = Completed(Cst(2020, 7, 15, 18, 30), Cst(2020, 7, 16, 10),
                           Cst(2020, 7, 25, 0));
  FillHandlingFacts(nullptr, *calendar, &evening);
  EXPECT_TRUE(evening.accepted_after_hours());
  Case morning = Completed(Cst(2020, 7, 15, 10), Cst(2020, 7, 16, 10),
                           Cst(2020, 7, 25, 0));
  FillHandlingFacts(nullptr, *calendar, &morning);
  EXPECT_FALSE(morning.accepted_after_hours());
  // The filter finds it.
  EXPECT_TRUE(Matches(testing::ParseTextProto<zwfw::v1::CaseFilter>(
                          "accepted_after_hours: true"),
                      CaseDimensions(evening)));
  EXPECT_FALSE(Matches(testing::ParseTextProto<zwfw::v1::CaseFilter>(
                           "accepted_after_hours: true"),
                       CaseDimensions(morning)));
  // The shipped calendar has no hours: nothing is after hours.
  FillHandlingFacts(nullptr, Shipped(), &evening);
  EXPECT_FALSE(evening.accepted_after_hours());
}

TEST(HandlingTimeTest, FillsTheItemsKindAndPromisedDays) {
  Case c = Completed(Cst(2020, 7, 17, 10), Cst(2020, 7, 20, 10),
                     Cst(2020, 7, 25, 0));
  zwfw::v1::ServiceItem item;
  item.set_kind(zwfw::v1::ITEM_KIND_PROMISED);
  item.set_promised_days(7);
  FillHandlingFacts(&item, Shipped(), &c);
  EXPECT_EQ(c.item_kind(), zwfw::v1::ITEM_KIND_PROMISED);
  EXPECT_EQ(c.promised_days(), 7);
  EXPECT_EQ(c.working_seconds(), 86400);
  EXPECT_EQ(c.natural_seconds(), 3 * 86400);
  c.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
  c.clear_completed_at();
  FillHandlingFacts(&item, Shipped(), &c);
  EXPECT_FALSE(c.has_working_seconds());
  EXPECT_EQ(c.natural_seconds(), 0);
}

const CellContribution::Part* PartOf(const CellContribution& cells,
                                     zwfw::v1::CaseTimeBasis basis) {
  for (int i = 0; i < cells.size; ++i) {
    if (std::get<1>(cells.parts[i].key) == basis) return &cells.parts[i];
  }
  return nullptr;
}

std::string MonthOf(const CellContribution& cells,
                    zwfw::v1::CaseTimeBasis basis) {
  const CellContribution::Part* part = PartOf(cells, basis);
  return part == nullptr ? "none" : std::get<0>(part->key);
}

TEST(CaseCellsTest, EachTimeBasisCountsInItsOwnChinaMonth) {
  // Accepted 31 July 23:30 CST (15:30 UTC: still July in China), completed
  // 1 August 00:10 CST (31 July in UTC), due 1 September 00:00 CST.
  Case c = Completed(Cst(2020, 7, 31, 23, 30), Cst(2020, 8, 1, 0, 10),
                     Cst(2020, 9, 1, 0));
  c.set_working_seconds(600);
  c.set_natural_seconds(2400);
  const CellContribution cells = CellsOf(c);
  ASSERT_EQ(cells.size, 3);
  EXPECT_EQ(MonthOf(cells, zwfw::v1::CASE_TIME_BASIS_ACCEPTED), "2020-07");
  EXPECT_EQ(MonthOf(cells, zwfw::v1::CASE_TIME_BASIS_COMPLETED), "2020-08");
  // Due at the end of 31 August: the instant is 1 September 00:00.
  EXPECT_EQ(MonthOf(cells, zwfw::v1::CASE_TIME_BASIS_DUE), "2020-09");

  const CellValues& done =
      PartOf(cells, zwfw::v1::CASE_TIME_BASIS_COMPLETED)->values;
  EXPECT_EQ(done.cases, 1);
  EXPECT_EQ(done.timed, 1);
  EXPECT_EQ(done.working_seconds, 600);
  EXPECT_EQ(done.natural_seconds, 2400);
  EXPECT_EQ(done.promised_days, 5);
  EXPECT_EQ(done.early, 1);
  EXPECT_EQ(done.on_time, 1);
  EXPECT_EQ(done.late, 0);
  const CellValues& accepted =
      PartOf(cells, zwfw::v1::CASE_TIME_BASIS_ACCEPTED)->values;
  EXPECT_EQ(accepted.cases, 1);
  EXPECT_EQ(accepted.working_seconds, 0);
}

TEST(CaseCellsTest, EarlyOnTimeLateAndOpen) {
  const absl::Time due = Cst(2020, 7, 21, 0);  // the end of 20 July
  auto done_on = [&](absl::Time completed) {
    return PartOf(CellsOf(Completed(Cst(2020, 7, 13), completed, due)),
                  zwfw::v1::CASE_TIME_BASIS_DUE)
        ->values;
  };
  // The day before the due day: early and on time.
  EXPECT_EQ(done_on(Cst(2020, 7, 19, 23)).early, 1);
  // On the due day, to its last minute: on time, not early.
  CellValues last_day = done_on(Cst(2020, 7, 20, 23, 59));
  EXPECT_EQ(last_day.early, 0);
  EXPECT_EQ(last_day.on_time, 1);
  // The next day: late.
  CellValues late = done_on(Cst(2020, 7, 21, 0, 1));
  EXPECT_EQ(late.on_time, 0);
  EXPECT_EQ(late.late, 1);

  Case open = Completed(Cst(2020, 7, 13), Cst(2020, 7, 14), due);
  open.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
  open.clear_completed_at();
  const CellContribution cells = CellsOf(open);
  ASSERT_EQ(cells.size, 2);  // accepted and due; not completed
  EXPECT_EQ(PartOf(cells, zwfw::v1::CASE_TIME_BASIS_DUE)->values.open, 1);
  EXPECT_EQ(PartOf(cells, zwfw::v1::CASE_TIME_BASIS_COMPLETED), nullptr);

  open.set_status(zwfw::v1::CASE_STATUS_REJECTED);
  EXPECT_EQ(CellsOf(open).size, 0);
}

TEST(CaseCellsTest, FiltersMatchThePackedDimensions) {
  Case c = Completed(Cst(2020, 7, 13), Cst(2020, 7, 14), Cst(2020, 7, 21, 0));
  c.set_online(true);
  c.set_completed_in_center(true);
  const int64_t d = CaseDimensions(c);
  auto passes = [&](const std::string& text) {
    return Matches(testing::ParseTextProto<zwfw::v1::CaseFilter>(text), d);
  };
  EXPECT_TRUE(passes(""));
  EXPECT_TRUE(passes("categories: ITEM_CATEGORY_APPROVAL"));
  EXPECT_FALSE(passes("categories: ITEM_CATEGORY_CONVENIENCE"));
  EXPECT_TRUE(
      passes("categories: ITEM_CATEGORY_CONVENIENCE categories: "
             "ITEM_CATEGORY_APPROVAL"));
  EXPECT_TRUE(passes("item_kinds: ITEM_KIND_PROMISED"));
  EXPECT_FALSE(passes("item_kinds: ITEM_KIND_INSTANT"));
  EXPECT_TRUE(passes("sites: HANDLING_SITE_CENTER"));
  EXPECT_FALSE(passes("sites: HANDLING_SITE_GRASSROOTS"));
  EXPECT_TRUE(passes("statuses: CASE_STATUS_COMPLETED"));
  EXPECT_FALSE(passes("statuses: CASE_STATUS_ACCEPTED"));
  EXPECT_TRUE(passes("online: true"));
  EXPECT_FALSE(passes("online: false"));
  EXPECT_FALSE(passes("instant: true"));
  EXPECT_TRUE(passes("instant: false"));
  EXPECT_TRUE(passes("completed_in_center: true online: true"));
  EXPECT_FALSE(passes("completed_in_center: true online: false"));
}

TEST(CaseCellsTest, BadMeasuresNameTheirField) {
  zwfw::v1::GetCaseSumsRequest request;
  EXPECT_EQ(CheckMeasures(request).code(), absl::StatusCode::kInvalidArgument);
  request.add_measures()->set_basis(zwfw::v1::CASE_TIME_BASIS_ACCEPTED);
  zwfw::v1::CaseMeasure* bad = request.add_measures();
  EXPECT_EQ(CheckMeasures(request).message(),
            "measures[1].basis: must be CASE_TIME_BASIS_ACCEPTED, "
            "CASE_TIME_BASIS_COMPLETED or CASE_TIME_BASIS_DUE");
  bad->set_basis(zwfw::v1::CASE_TIME_BASIS_DUE);
  bad->mutable_filter()->add_sites(static_cast<zwfw::v1::HandlingSite>(9));
  EXPECT_EQ(CheckMeasures(request).message(),
            "measures[1].filter.sites: 9 is not a known value");
  bad->mutable_filter()->clear_sites();
  EXPECT_TRUE(CheckMeasures(request).ok());
  for (int i = 0; i < kMaxMeasures; ++i) {
    request.add_measures()->set_basis(zwfw::v1::CASE_TIME_BASIS_DUE);
  }
  EXPECT_EQ(CheckMeasures(request).code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(CaseCellsTest, BlocksRoundTripMergeAndRefuseDamage) {
  CellValues a, b;
  a.cases = 3;
  a.working_seconds = 86400 * 400;  // large values take several bytes
  b.cases = 1;
  b.late = 1;
  const std::string block = EncodeCellBlock({{7, a}, {2049, b}});
  std::vector<std::pair<int64_t, int64_t>> seen;
  ASSERT_TRUE(ForEachCell(block, [&](int64_t d, const CellValues& v) {
                seen.emplace_back(d, v.cases);
              }).ok());
  EXPECT_EQ(seen,
            (std::vector<std::pair<int64_t, int64_t>>{{7, 3}, {2049, 1}}));

  // Taking a case away leaves no empty cell behind; adding one makes one.
  CellValues minus_b;
  minus_b.Add(b, -1);
  CellValues c;
  c.cases = 1;
  absl::StatusOr<std::string> merged =
      MergeCellBlock(block, {{2049, minus_b}, {5, c}});
  ASSERT_TRUE(merged.ok());
  seen.clear();
  ASSERT_TRUE(ForEachCell(*merged, [&](int64_t d, const CellValues& v) {
                seen.emplace_back(d, v.cases);
                if (d == 7) {
                  EXPECT_EQ(v.working_seconds, 86400 * 400);
                }
              }).ok());
  EXPECT_EQ(seen, (std::vector<std::pair<int64_t, int64_t>>{{5, 1}, {7, 3}}));

  // A block cut short or of another format is DATA_LOSS, never misread.
  auto count = [](absl::string_view bytes) {
    return ForEachCell(bytes, [](int64_t, const CellValues&) {}).code();
  };
  EXPECT_EQ(count(block.substr(0, block.size() - 1)),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(count(""), absl::StatusCode::kDataLoss);
  EXPECT_EQ(count("\x02"), absl::StatusCode::kDataLoss);
  EXPECT_EQ(count(EncodeCellBlock({})), absl::StatusCode::kOk);
}

TEST(CaseSumsTest, OverdueIsTheCellsOfMonthsOverAndTheLiveOnesOfTheRest) {
  zwfw::v1::DirectorySnapshot snapshot;
  for (const char* code : {"d1", "d2"}) {
    zwfw::v1::Department* d = snapshot.add_departments();
    d->set_code(code);
    d->set_name(code);
  }
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> directory =
      DirectoryIndex::Build(snapshot, 1);
  ASSERT_TRUE(directory.ok()) << directory.status();

  Case open = Completed(Cst(2020, 7, 1), Cst(2020, 7, 2), Cst(2020, 7, 10, 0));
  open.set_status(zwfw::v1::CASE_STATUS_ACCEPTED);
  open.clear_completed_at();
  const int64_t d = CaseDimensions(open);
  PeriodCells cells;
  CellValues june, july;
  june.cases = 2;
  june.open = 2;  // June is over: both overdue for good
  july.cases = 3;
  july.open = 3;  // July is not: the live list says which are past due
  cells.blocks.push_back({zwfw::v1::CASE_TIME_BASIS_DUE, "d1", true,
                          EncodeCellBlock({{d, june}})});
  cells.blocks.push_back({zwfw::v1::CASE_TIME_BASIS_DUE, "d1", false,
                          EncodeCellBlock({{d, july}})});
  cells.blocks.push_back({zwfw::v1::CASE_TIME_BASIS_ACCEPTED, "gone", true,
                          EncodeCellBlock({{d, june}})});
  cells.overdue.push_back({"d1", d, "2020-07"});
  cells.month_writes = {0, 0, 0, 0, 0, 4, 5, 0, 0, 0, 0, 0};
  cells.next_due = Cst(2020, 7, 25, 0);

  google::protobuf::RepeatedPtrField<zwfw::v1::CaseMeasure> measures;
  measures.Add()->set_basis(zwfw::v1::CASE_TIME_BASIS_DUE);
  zwfw::v1::CaseMeasure* convenience = measures.Add();
  convenience->set_basis(zwfw::v1::CASE_TIME_BASIS_DUE);
  convenience->mutable_filter()->add_categories(
      zwfw::v1::ITEM_CATEGORY_CONVENIENCE);
  measures.Add()->set_basis(zwfw::v1::CASE_TIME_BASIS_ACCEPTED);

  const absl::Time now = Cst(2020, 7, 20, 9);
  absl::StatusOr<zwfw::v1::GetCaseSumsResponse> built = BuildCaseSums(
      *ReportPeriod::Parse("2020"), measures, cells, **directory, now);
  ASSERT_TRUE(built.ok()) << built.status();
  const zwfw::v1::GetCaseSumsResponse& sums = *built;
  ASSERT_EQ(sums.departments_size(), 3);  // d1, d2, then the departed one
  EXPECT_EQ(sums.departments(0).department_code(), "d1");
  EXPECT_EQ(sums.departments(2).department_code(), "gone");
  const zwfw::v1::CaseSums& due = sums.departments(0).sums(0);
  EXPECT_EQ(due.cases(), 5);
  EXPECT_EQ(due.open(), 5);
  EXPECT_EQ(due.open_overdue(), 3);  // June's two and July's live one
  EXPECT_EQ(sums.departments(0).sums(1).cases(), 0);  // filtered out
  EXPECT_EQ(sums.departments(1).sums(0).cases(), 0);
  EXPECT_EQ(sums.totals(0).open_overdue(), 3);
  EXPECT_EQ(sums.totals(2).cases(), 2);
  EXPECT_EQ(ToTime(sums.stable_until()), Cst(2020, 7, 25, 0));
}

}  // namespace
}  // namespace zwfw::intake
