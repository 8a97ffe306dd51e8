// The indicator library and how its values read: each indicator from the
// sums it names, its parameters and their errors, an empty denominator,
// a longer period as summed inputs, and the words of a comparison.
#include "services/common/indicators.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/common/indicator_format.h"

namespace zwfw {
namespace {

using zwfw::v1::CaseSums;

// A plan of one indicator; its value over `inputs`, formatted.
class IndicatorTest : public ::testing::Test {
 protected:
  int Add(const std::string& text) {
    absl::StatusOr<int> index = plan_.Add(text);
    EXPECT_TRUE(index.ok()) << index.status();
    return index.ok() ? *index : -1;
  }
  std::string Error(const std::string& text) {
    absl::StatusOr<int> index = plan_.Add(text);
    EXPECT_FALSE(index.ok()) << text;
    EXPECT_EQ(index.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(index.status().message());
  }
  CaseSums& Sums(int measure) {
    if (inputs_.case_sums.size() <= static_cast<size_t>(measure)) {
      inputs_.case_sums.resize(measure + 1);
    }
    return inputs_.case_sums[measure];
  }
  std::string Value(int index, const NumberFormat& format = NumberFormat()) {
    return FormatValue(plan_.Evaluate(index, inputs_), format);
  }

  IndicatorPlan plan_;
  IndicatorInputs inputs_;
};

TEST_F(IndicatorTest, EachTimeBasisIsItsOwnMeasure) {
  const int accepted = Add("accepted");
  const int completed = Add("completed");
  const int due = Add("due");
  ASSERT_EQ(plan_.measures().size(), 3u);
  EXPECT_EQ(plan_.measures()[0].basis(), zwfw::v1::CASE_TIME_BASIS_ACCEPTED);
  EXPECT_EQ(plan_.measures()[1].basis(), zwfw::v1::CASE_TIME_BASIS_COMPLETED);
  EXPECT_EQ(plan_.measures()[2].basis(), zwfw::v1::CASE_TIME_BASIS_DUE);
  EXPECT_FALSE(plan_.needs_survey());
  // A unit can complete more than it accepted (港口区: 539 and 566).
  Sums(0).set_cases(539);
  Sums(1).set_cases(566);
  Sums(2).set_cases(12);
  EXPECT_EQ(Value(accepted), "539");
  EXPECT_EQ(Value(completed), "566");
  EXPECT_EQ(Value(due), "12");
  // The same text twice is one indicator, one measure.
  EXPECT_EQ(Add(" accepted "), accepted);
  EXPECT_EQ(plan_.measures().size(), 3u);
}

TEST_F(IndicatorTest, FiltersGoIntoTheMeasure) {
  Add("accepted[site=center, online=yes, category=approval]");
  Add("completed[kind=instant,in_center=no,status=completed]");
  Add("accepted[after_hours=yes]");
  const auto& f = plan_.measures()[0].filter();
  ASSERT_EQ(f.sites_size(), 1);
  EXPECT_EQ(f.sites(0), zwfw::v1::HANDLING_SITE_CENTER);
  EXPECT_TRUE(f.has_online() && f.online());
  EXPECT_EQ(f.categories(0), zwfw::v1::ITEM_CATEGORY_APPROVAL);
  const auto& g = plan_.measures()[1].filter();
  EXPECT_EQ(g.item_kinds(0), zwfw::v1::ITEM_KIND_INSTANT);
  EXPECT_TRUE(g.has_completed_in_center() && !g.completed_in_center());
  EXPECT_EQ(plan_.indicators()[0].text,
            "accepted[site=center,online=yes,category=approval]");
  const auto& h = plan_.measures()[2].filter();
  EXPECT_TRUE(h.has_accepted_after_hours() && h.accepted_after_hours());
}

TEST_F(IndicatorTest, UnknownNamesParametersAndValuesAreNamed) {
  EXPECT_NE(Error("acepted").find("no indicator is named \"acepted\"; the "
                                  "library has accepted, completed"),
            std::string::npos);
  EXPECT_EQ(Error("accepted[site=moon]"),
            "indicator \"accepted[site=moon]\": site=moon is not one of "
            "center, department, grassroots");
  EXPECT_EQ(Error("accepted[levels=4-5]"),
            "indicator \"accepted[levels=4-5]\": \"accepted\" takes no "
            "parameter \"levels\"");
  EXPECT_EQ(Error("visits_made[site=center]"),
            "indicator \"visits_made[site=center]\": \"visits_made\" takes no "
            "parameter \"site\"");
  EXPECT_NE(Error("rating_share[levels=6]").find("levels=6 is not a range"),
            std::string::npos);
  EXPECT_NE(Error("rating_share[over=windows]")
                .find("over= is cases or "
                      "ratings"),
            std::string::npos);
  EXPECT_NE(Error("accepted[site]").find("is not key=value"),
            std::string::npos);
  EXPECT_NE(Error("accepted[site=center").find("end with ']'"),
            std::string::npos);
  EXPECT_TRUE(plan_.indicators().empty());
}

TEST_F(IndicatorTest, SharesOfTheAcceptedAndTheSameDay) {
  const int online = Add("accepted_share[online=yes]");
  const int same_day = Add("same_day_rate[site=center]");
  // The share's base is every case accepted: a measure of its own.
  ASSERT_EQ(plan_.measures().size(), 3u);
  EXPECT_FALSE(plan_.measures()[0].has_filter());
  Sums(0).set_cases(84781);
  Sums(1).set_cases(21195);
  Sums(2).set_cases(55306);
  Sums(2).set_same_day(52740);
  EXPECT_EQ(Value(online), "25.00%");
  EXPECT_EQ(Value(same_day, *NumberFormat::Parse("decimals=1")), "95.4%");
}

TEST_F(IndicatorTest, HandlingTimeSpeedupEarlyAndOnTime) {
  const int average = Add("average_working_days");
  const int natural = Add("average_natural_days");
  const int speedup = Add("speedup_rate");
  const int early = Add("early_rate");
  const int on_time = Add("on_time_rate");
  // Speed-up and early rate are of 承诺件 only: their own measure.
  ASSERT_EQ(plan_.measures().size(), 2u);
  ASSERT_EQ(plan_.measures()[1].filter().item_kinds_size(), 1);
  EXPECT_EQ(plan_.measures()[1].filter().item_kinds(0),
            zwfw::v1::ITEM_KIND_PROMISED);
  // 100 cases took 178 working days against 2472 promised.
  CaseSums& all = Sums(0);
  all.set_cases(120);
  all.set_timed(100);
  all.set_working_seconds(178 * 86400);
  all.set_natural_seconds(300 * 86400);
  all.set_on_time(95);
  all.set_late(5);
  CaseSums& promised = Sums(1);
  promised.set_cases(100);
  promised.set_timed(100);
  promised.set_working_seconds(178 * 86400);
  promised.set_promised_days(2472);
  promised.set_early(80);
  promised.set_on_time(99);
  promised.set_late(1);
  EXPECT_EQ(Value(average), "1.78");
  EXPECT_EQ(Value(natural), "2.50");    // over all 120 completed
  EXPECT_EQ(Value(speedup), "92.80%");  // 1 − 178/2472 = 0.92799…
  EXPECT_EQ(Value(early), "80.00%");
  EXPECT_EQ(Value(on_time), "95.00%");
  EXPECT_EQ(Value(speedup, *NumberFormat::Parse("decimals=1")), "92.8%");
}

TEST_F(IndicatorTest, AnEmptyDenominatorReadsAsTheTemplateSays) {
  const int average = Add("average_working_days");
  const int rate = Add("completion_rate");
  EXPECT_TRUE(plan_.Evaluate(average, inputs_).empty());
  EXPECT_EQ(Value(average), "—");
  EXPECT_EQ(Value(rate, *NumberFormat::Parse("empty=无数据")), "无数据");
  EXPECT_EQ(Value(rate, *NumberFormat::Parse("empty=0")), "0");
}

TEST_F(IndicatorTest, OvertimeCountsTheLateAndTheOpenPastDue) {
  const int overtime = Add("overtime");
  const int completed_late = Add("overtime_completed");
  Sums(0).set_late(2);
  Sums(0).set_open_overdue(5);
  Sums(1).set_late(3);
  EXPECT_EQ(Value(overtime), "7");
  EXPECT_EQ(Value(completed_late), "3");
}

// The drill-down: which cases each figure counts, one home for the rule.
TEST_F(IndicatorTest, TheCasesBehindAFigure) {
  auto behind = [&](const std::string& text, bool denominator) {
    absl::StatusOr<IndicatorCases> c =
        plan_.CasesBehind(Add(text), denominator);
    if (!c.ok()) return std::string(c.status().message());
    return absl::StrCat(c->measure.ShortDebugString(), " part ",
                        static_cast<int>(c->part));
  };
  EXPECT_EQ(behind("overtime", false),
            "basis: CASE_TIME_BASIS_DUE part 6");  // late + open overdue
  EXPECT_EQ(behind("same_day_rate[site=center]", false),
            "basis: CASE_TIME_BASIS_ACCEPTED filter { sites: "
            "HANDLING_SITE_CENTER } part 1");
  EXPECT_EQ(behind("same_day_rate[site=center]", true),
            "basis: CASE_TIME_BASIS_ACCEPTED filter { sites: "
            "HANDLING_SITE_CENTER } part 0");
  // A share's denominator is every case of the period, unfiltered.
  EXPECT_EQ(behind("accepted_share[online=yes]", true),
            "basis: CASE_TIME_BASIS_ACCEPTED part 0");
  EXPECT_EQ(behind("on_time_rate", true),
            "basis: CASE_TIME_BASIS_COMPLETED part 5");
  EXPECT_EQ(behind("satisfaction_rate[over=cases]", true),
            "basis: CASE_TIME_BASIS_ACCEPTED part 0");
  EXPECT_EQ(behind("satisfaction_rate", false),
            "indicator \"satisfaction_rate\": its numerator counts ratings, "
            "not cases");
  EXPECT_EQ(behind("rectifications_open", false),
            "indicator \"rectifications_open\": its numerator counts "
            "rectifications, not cases");
  EXPECT_EQ(behind("accepted", true),
            "indicator \"accepted\": its denominator counts nothing (it is a "
            "count), not cases");
}

TEST_F(IndicatorTest, RatingSharesOverRatingsOrOverCases) {
  // 永昌 县政务服务大厅, 2023-Q2: 3816 cases, 3808 满意 (4–5), 3 基本满意 (3),
  // no 不满意 rating, 5 cases unrated (counted as 不满意).
  const int votes = Add("vote_rate");
  const int satisfied = Add("rating_share[levels=4-5,over=cases]");
  const int basic = Add("rating_share[levels=3,over=cases]");
  const int dissatisfied =
      Add("rating_share[levels=1-2,over=cases,unrated=yes]");
  const int dissatisfied_count = Add("ratings[levels=1-2]");
  const int unrated = Add("unrated");
  const int satisfaction = Add("satisfaction_rate");
  EXPECT_TRUE(plan_.needs_survey());
  ASSERT_EQ(plan_.measures().size(), 1u);  // the cases, accepted
  Sums(0).set_cases(3816);
  inputs_.ratings = {0, 0, 3, 8, 3800};
  EXPECT_EQ(Value(votes), "99.87%");
  EXPECT_EQ(Value(satisfied), "99.79%");
  EXPECT_EQ(Value(basic), "0.08%");
  EXPECT_EQ(Value(dissatisfied), "0.13%");
  EXPECT_EQ(Value(dissatisfied_count), "0");
  EXPECT_EQ(Value(unrated), "5");
  EXPECT_EQ(Value(satisfaction, *NumberFormat::Parse("trim")), "100%");
}

TEST_F(IndicatorTest, ReturnVisitsAndRectifications) {
  const int reached = Add("visits_reached");
  const int visit_rate = Add("visit_satisfaction_rate");
  const int rectified = Add("rectification_rate");
  inputs_.visits.set_reached(230);
  inputs_.visits.set_satisfied(230);
  inputs_.rectifications.set_opened(4);
  inputs_.rectifications.set_voided(1);
  inputs_.rectifications.set_closed_on_time(2);
  EXPECT_EQ(Value(reached), "230");
  EXPECT_EQ(Value(visit_rate, *NumberFormat::Parse("trim")), "100%");
  EXPECT_EQ(Value(rectified), "66.67%");
}

// A quarter's rate is its summed numerators over its summed denominators,
// never the average of its months' rates.
TEST_F(IndicatorTest, AQuartersRateIsOfItsSums) {
  const int rate = Add("completion_rate");
  IndicatorInputs april, may;
  april.case_sums.resize(2);
  may.case_sums.resize(2);
  // Measure 0 is the accepted base, 1 the completed among them.
  april.case_sums[0].set_cases(10);
  april.case_sums[1].set_cases(10);  // 100%
  may.case_sums[0].set_cases(90);
  may.case_sums[1].set_cases(45);  // 50%
  IndicatorInputs quarter;
  quarter += april;
  quarter += may;
  EXPECT_EQ(FormatValue(plan_.Evaluate(rate, quarter)), "55.00%");
}

TEST(IndicatorValueTest, OrdersByExactRatios) {
  const IndicatorValue third{IndicatorUnit::kRate, 1, 3};
  const IndicatorValue two_sixths{IndicatorUnit::kRate, 2, 6};
  const IndicatorValue half{IndicatorUnit::kRate, 1, 2};
  const IndicatorValue none{IndicatorUnit::kRate, 0, 0};
  EXPECT_TRUE(third == two_sixths);
  EXPECT_TRUE(third < half);
  EXPECT_TRUE(half < none);  // empty sorts last
}

TEST(IndicatorRankingTest, TopAndZeroUnitsInDirectoryOrderOnTies) {
  auto count = [](int64_t n) {
    return IndicatorValue{IndicatorUnit::kCount, n, 1};
  };
  const std::vector<IndicatorValue> accepted = {count(5), count(0), count(9),
                                                count(5), count(0), count(12)};
  EXPECT_EQ(TopUnits(accepted, 3), (std::vector<size_t>{5, 2, 0}));
  EXPECT_EQ(TopUnits(accepted, 4), (std::vector<size_t>{5, 2, 0, 3}));
  EXPECT_EQ(TopUnits(accepted, 2, /*ascending=*/true),
            (std::vector<size_t>{1, 4}));
  EXPECT_EQ(TopUnits(accepted, 100).size(), accepted.size());
  EXPECT_EQ(ZeroUnits(accepted), (std::vector<size_t>{1, 4}));
  // Rates: exact ratios; a unit with nothing under its rate is neither top
  // nor zero.
  const std::vector<IndicatorValue> speedup = {{IndicatorUnit::kRate, 1, 3},
                                               {IndicatorUnit::kRate, 0, 0},
                                               {IndicatorUnit::kRate, 2, 5},
                                               {IndicatorUnit::kRate, 0, 7}};
  EXPECT_EQ(TopUnits(speedup, 10), (std::vector<size_t>{2, 0, 3}));
  EXPECT_EQ(ZeroUnits(speedup), (std::vector<size_t>{3}));
}

TEST(IndicatorPlanTest, ATextOverTheLimitIsRefusedWithoutEchoingIt) {
  IndicatorPlan plan;
  const std::string text = "accepted[site=" + std::string(200, 'x') + "]";
  absl::StatusOr<int> added = plan.Add(text);
  EXPECT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(added.status().message(), "over 200 bytes");
  EXPECT_TRUE(plan.Add(std::string(kMaxIndicatorBytes - 9, ' ') + "accepted")
                  .ok());  // at the limit, padded: still read
}

TEST(IndicatorRankingTest, PlacesShareTiesAndCountFromTheBetterEnd) {
  auto count = [](int64_t n) {
    return IndicatorValue{IndicatorUnit::kCount, n, 1};
  };
  const std::vector<IndicatorValue> overtime = {count(5), count(0), count(9),
                                                count(5), count(0), count(12)};
  EXPECT_EQ(UnitPlaces(overtime, /*fewer_is_better=*/false),
            (std::vector<int>{3, 5, 2, 3, 5, 1}));
  EXPECT_EQ(UnitPlaces(overtime, /*fewer_is_better=*/true),
            (std::vector<int>{3, 1, 5, 3, 1, 6}));
  // Rates by their exact ratios (1/3 == 2/6); nothing under a rate: no
  // place.
  const std::vector<IndicatorValue> rates = {{IndicatorUnit::kRate, 1, 3},
                                             {IndicatorUnit::kRate, 0, 0},
                                             {IndicatorUnit::kRate, 2, 6},
                                             {IndicatorUnit::kRate, 1, 2}};
  EXPECT_EQ(UnitPlaces(rates, false), (std::vector<int>{2, 0, 2, 1}));
  EXPECT_TRUE(UnitPlaces({}, false).empty());
  // Which indicators are better low: the library says.
  IndicatorPlan plan;
  for (const auto& [text, fewer] : std::vector<std::pair<std::string, bool>>{
           {"accepted", false},
           {"overtime", true},
           {"bad_rate", true},
           {"satisfaction_rate", false},
           {"average_working_days", true},
           {"rectifications_open", true}}) {
    absl::StatusOr<int> i = plan.Add(text);
    ASSERT_TRUE(i.ok()) << text;
    EXPECT_EQ(plan.indicators()[*i].fewer_is_better, fewer) << text;
  }
}

TEST(IndicatorFormatTest, CountsRatesDaysAndWan) {
  EXPECT_EQ(FormatValue({IndicatorUnit::kCount, 5610, 1}), "5610");
  EXPECT_EQ(FormatValue({IndicatorUnit::kCount, 5610, 1},
                        *NumberFormat::Parse("wan")),
            "0.56万");
  EXPECT_EQ(FormatValue({IndicatorUnit::kRate, 989, 1000}), "98.90%");
  EXPECT_EQ(
      FormatValue({IndicatorUnit::kRate, 1, 1}, *NumberFormat::Parse("trim")),
      "100%");
  EXPECT_EQ(
      FormatValue({IndicatorUnit::kRate, 0, 5}, *NumberFormat::Parse("trim")),
      "0%");
  EXPECT_EQ(FormatValue({IndicatorUnit::kRate, 1, 8}), "12.50%");  // half up
  EXPECT_EQ(FormatValue({IndicatorUnit::kRate, -1, 8}), "-12.50%");
  EXPECT_EQ(FormatValue({IndicatorUnit::kDays, 178, 100}), "1.78");
  // Rounded to one decimal, written with two (Fangchenggang's 98.90%):
  // 5548 / 5610 = 98.8948…%.
  const NumberFormat one = *NumberFormat::Parse("decimals=2,round=1,trim");
  EXPECT_EQ(FormatValue({IndicatorUnit::kRate, 5548, 5610}, one), "98.90%");
  EXPECT_EQ(FormatValue({IndicatorUnit::kRate, 5548, 5610}), "98.89%");
  EXPECT_EQ(FormatValue({IndicatorUnit::kRate, 9996, 10000}, one), "100%");
  EXPECT_EQ(NumberFormat::Parse("round=5").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NumberFormat::Parse("decimals=9").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NumberFormat::Parse("bold").status().message(),
            "format: \"bold\" is not decimals=N, round=N, empty=TEXT, trim or "
            "wan");
}

TEST(IndicatorFormatTest, ComparisonsReadAsBulletinsWriteThem) {
  const ReportPeriod march = *ReportPeriod::Parse("2011-03");
  const std::string last = EarlierName(march, Earlier::kPrevious);
  EXPECT_EQ(last, "上月");
  EXPECT_EQ(EarlierName(*ReportPeriod::Parse("2023-Q2"), Earlier::kPrevious),
            "上季度");
  EXPECT_EQ(EarlierName(march, Earlier::kYearBefore), "去年同期");
  // 防城港 2011-03: 5610 accepted against 3198.
  EXPECT_EQ(DescribeChange({IndicatorUnit::kCount, 5610, 1},
                           {IndicatorUnit::kCount, 3198, 1}, last),
            "比上月增加75.42%");
  EXPECT_EQ(DescribeChange({IndicatorUnit::kCount, 90, 1},
                           {IndicatorUnit::kCount, 100, 1}, last),
            "比上月减少10.00%");
  // 1.78 days against 2.06: 0.28 days less.
  EXPECT_EQ(DescribeChange({IndicatorUnit::kDays, 178, 100},
                           {IndicatorUnit::kDays, 206, 100}, last),
            "比上月减少0.28天");
  // 92.80% against 91.70%: 1.1 points up.
  EXPECT_EQ(DescribeChange({IndicatorUnit::kRate, 928, 1000},
                           {IndicatorUnit::kRate, 917, 1000}, last),
            "比上月提高1.1个百分点");
  EXPECT_EQ(DescribeChange({IndicatorUnit::kRate, 917, 1000},
                           {IndicatorUnit::kRate, 928, 1000}, last),
            "比上月下降1.1个百分点");
  EXPECT_EQ(DescribeChange({IndicatorUnit::kRate, 1, 1},
                           {IndicatorUnit::kRate, 7, 7}, last),
            "与上月持平");
  // A change smaller than the last decimal shown is no change.
  EXPECT_EQ(DescribeChange({IndicatorUnit::kRate, 10000, 10001},
                           {IndicatorUnit::kRate, 1, 1}, last),
            "与上月持平");
  // Nothing to compare with.
  EXPECT_EQ(DescribeChange({IndicatorUnit::kCount, 5, 1},
                           {IndicatorUnit::kCount, 0, 1}, last),
            "—");
  EXPECT_EQ(
      DescribeChange({IndicatorUnit::kRate, 1, 2}, {IndicatorUnit::kRate, 0, 0},
                     last, *NumberFormat::Parse("empty=无可比数据")),
      "无可比数据");
}

}  // namespace
}  // namespace zwfw
