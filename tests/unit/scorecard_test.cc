#include "services/scoring/scorecard.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "services/common/percent.h"
#include "services/scoring/scoring_rules.h"
#include "tests/testing/test_util.h"

namespace zwfw::scoring {
namespace {

using zwfw::testing::ParseTextProto;

zwfw::v1::ScoringRule Rule(const std::string& text) {
  return ParseTextProto<zwfw::v1::ScoringRule>(
      absl::StrCat(R"pb(id: "r" text: "t")pb", text));
}

// Police: 5 overtime cases, 200 cases of which 190 online, 100 at the
// center of which 92 finished the same day; 62 ratings, 57 satisfied, 3 bad;
// 2 overdue rectifications.
const auto kCases = ParseTextProto<zwfw::v1::DepartmentCaseStats>(R"pb(
  department_code: "gaj"
  department_name: "区公安局"
  approval { total: 150 online: 140 overtime: 4 center: 80 center_same_day: 74 }
  convenience {
    total: 50
    online: 50
    overtime: 1
    center: 20
    center_same_day: 18
  }
)pb");
const auto kSurvey = ParseTextProto<zwfw::v1::DepartmentSatisfaction>(R"pb(
  department_code: "gaj"
  ratings {
    active_by_rating: [ 1, 2, 2, 10, 45 ]
    defaulted_by_rating: [ 0, 0, 2, 0, 0 ]
    active: 60
    defaulted: 2
    satisfaction_rate { numerator: 59 denominator: 62 }
    good_rate { numerator: 55 denominator: 62 }
  }
  rectifications { overdue: 2 open: 1 }
)pb");

TEST(ScorecardTest, CountIndicators) {
  Evidence evidence{{"c1", "c2"}, {"e1"}, {"e2"}};
  auto line = ApplyRule(Rule(R"pb(indicator: INDICATOR_OVERTIME_CASES
                                  points: -500)pb"),
                        kCases, kSurvey, evidence);
  EXPECT_EQ(line.count(), 5);
  EXPECT_EQ(line.points(), -2500);
  EXPECT_EQ(line.detail(), "超时办件5件");
  EXPECT_EQ(line.evidence_size(), 2);
  line = ApplyRule(Rule("indicator: INDICATOR_BAD_RATINGS points: -100"),
                   kCases, kSurvey, evidence);
  EXPECT_EQ(line.count(), 3);  // ratings 1 and 2, active and defaulted
  EXPECT_EQ(line.points(), -300);
  line = ApplyRule(
      Rule("indicator: INDICATOR_OVERDUE_RECTIFICATIONS points: -200"), kCases,
      kSurvey, evidence);
  EXPECT_EQ(line.points(), -400);
  EXPECT_EQ(line.evidence(0), "e2");
}

TEST(ScorecardTest, CapsLimitARule) {
  auto line = ApplyRule(
      Rule(R"pb(indicator: INDICATOR_OVERTIME_CASES points: -500 cap: 1200)pb"),
      kCases, kSurvey, {});
  EXPECT_EQ(line.points(), -1200);
  EXPECT_TRUE(line.capped());
  EXPECT_EQ(line.detail(), "超时办件5件（封顶12分）");
}

TEST(ScorecardTest, RateIndicators) {
  // 满意率 59/62 = 95.2%: not below 95%, below 96%.
  auto line = ApplyRule(Rule(R"pb(indicator: INDICATOR_SATISFACTION_BELOW
                                  points: -200
                                  threshold: 9500)pb"),
                        kCases, kSurvey, {});
  EXPECT_EQ(line.points(), 0);
  EXPECT_EQ(line.detail(), "满意率95.2%（59/62），不低于95%");
  line = ApplyRule(Rule(R"pb(indicator: INDICATOR_SATISFACTION_BELOW
                             points: -200
                             threshold: 9600)pb"),
                   kCases, kSurvey, {});
  EXPECT_EQ(line.points(), -200);
  EXPECT_EQ(line.detail(), "满意率95.2%（59/62），低于96%");
  // 网上办理率 190/200 = 95%: reaches exactly 95%.
  line = ApplyRule(Rule(R"pb(indicator: INDICATOR_ONLINE_RATE_AT_LEAST
                             points: 50
                             threshold: 9500)pb"),
                   kCases, kSurvey, {});
  EXPECT_EQ(line.points(), 50);
  EXPECT_EQ(line.detail(), "网上办理率95.0%（190/200），达到95%");
  // 中心当日办结率 92/100.
  line = ApplyRule(Rule(R"pb(indicator: INDICATOR_SAME_DAY_RATE_AT_LEAST
                             points: 50
                             threshold: 9250)pb"),
                   kCases, kSurvey, {});
  EXPECT_EQ(line.points(), 0);
  EXPECT_EQ(line.detail(), "中心当日办结率92.0%（92/100），未达到92.5%");
  // 好评率 55/62 = 88.7%.
  line = ApplyRule(Rule(R"pb(indicator: INDICATOR_GOOD_RATE_AT_LEAST
                             points: 100
                             threshold: 8800)pb"),
                   kCases, kSurvey, {});
  EXPECT_EQ(line.points(), 100);
}

TEST(ScorecardTest, TheVolumeGuardIgnoresTinySamples) {
  auto line = ApplyRule(Rule(R"pb(indicator: INDICATOR_SATISFACTION_BELOW
                                  points: -200
                                  threshold: 9900
                                  min_volume: 100)pb"),
                        kCases, kSurvey, {});
  EXPECT_EQ(line.points(), 0);
  EXPECT_EQ(line.detail(), "满意率样本不足（62，少于100），不计");
  line = ApplyRule(Rule(R"pb(indicator: INDICATOR_SATISFACTION_BELOW
                             points: -200
                             threshold: 9900)pb"),
                   kCases, zwfw::v1::DepartmentSatisfaction(), {});
  EXPECT_EQ(line.detail(), "满意率无数据，不计");
}

zwfw::v1::ScoringRules Tiers() {
  return ParseTextProto<zwfw::v1::ScoringRules>(R"pb(
    base: 10000
    tiers { floor: 10000 label: "100分以上" }
    tiers { floor: 9900 label: "99分以上" }
    tiers { floor: 9850 label: "98.5分以上" }
  )pb");
}

TEST(ScorecardTest, TierBoundariesAreExact) {
  EXPECT_EQ(TierFor(10050, Tiers()), "100分以上");
  EXPECT_EQ(TierFor(10000, Tiers()), "100分以上");
  EXPECT_EQ(TierFor(9999, Tiers()), "99分以上");
  EXPECT_EQ(TierFor(9900, Tiers()), "99分以上");
  EXPECT_EQ(TierFor(9899, Tiers()), "98.5分以上");
  EXPECT_EQ(TierFor(9850, Tiers()), "98.5分以上");
  EXPECT_EQ(TierFor(9849, Tiers()), "");
  EXPECT_EQ(FormatPoints(9850), "98.5");
  EXPECT_EQ(FormatPoints(9899), "98.99");
  EXPECT_EQ(FormatPoints(-50), "-0.5");
  EXPECT_EQ(FormatPercent(52740, 55306), "95.4%");
  EXPECT_EQ(FormatPercent(55109, 55306), "99.6%");
  EXPECT_EQ(FormatPercent(1, 0), "—");
}

TEST(ScorecardTest, AWholeScorecard) {
  zwfw::v1::ScoringRules rules = Tiers();
  rules.set_version(3);
  *rules.add_rules() =
      Rule(R"pb(indicator: INDICATOR_OVERTIME_CASES points: -25)pb");
  rules.mutable_rules(0)->set_id("overtime");
  *rules.mutable_window_awards() = ParseTextProto<zwfw::v1::AwardCriteria>(
      "no_overtime: true min_satisfaction: 9000 min_active_ratings: 2");
  ScoringInputs in;
  in.cases = ParseTextProto<zwfw::v1::GetCaseStatsResponse>(R"pb(
    data_version: 7
    departments { department_code: "a" department_name: "甲" }
    departments {
      department_code: "b"
      department_name: "乙"
      approval { overtime: 5 }
    }
    departments { department_code: "c" department_name: "丙" }
  )pb");
  in.survey = ParseTextProto<zwfw::v1::GetSatisfactionStatsResponse>(R"pb(
    data_version: 9
    windows {
      window_code: "w-a"
      window_name: "甲窗口"
      department_code: "a"
      ratings {
        active: 2
        satisfaction_rate { numerator: 2 denominator: 2 }
      }
    }
    windows {
      window_code: "w-b"
      window_name: "乙窗口"
      department_code: "b"
      ratings {
        active: 9
        satisfaction_rate { numerator: 9 denominator: 9 }
      }
    }
  )pb");
  zwfw::v1::Adjustment bonus;
  bonus.set_adjustment_id(4);
  bonus.set_department_code("c");
  bonus.set_points(50);
  bonus.set_reason("窗口服务获群众书面表扬");
  in.adjustments.push_back(bonus);
  zwfw::v1::Adjustment absence = bonus;
  absence.set_adjustment_id(5);
  absence.set_department_code("a");
  absence.set_points(-101);
  absence.set_reason("无故缺岗半天");
  in.adjustments.push_back(absence);

  zwfw::v1::Scorecard card = ComputeScorecard("2020-07", rules, in);
  ASSERT_EQ(card.departments_size(), 3);
  // 丙 100.5, 甲 98.99, 乙 98.75: highest first.
  EXPECT_EQ(card.departments(0).department_code(), "c");
  EXPECT_EQ(card.departments(0).score(), 10050);
  EXPECT_EQ(card.departments(0).tier(), "100分以上");
  EXPECT_EQ(card.departments(1).score(), 9899);
  EXPECT_EQ(card.departments(1).tier(), "98.5分以上");  // 98.99 is not 99+
  EXPECT_EQ(card.departments(1).lines(1).rule_id(), "adjustment:5");
  EXPECT_EQ(card.departments(2).score(), 9875);
  EXPECT_EQ(card.rules_version(), 3);
  EXPECT_EQ(card.intake_data_version(), 7);
  // 乙窗口 is rated well, but its department ran overtime.
  ASSERT_EQ(card.proposed_windows_size(), 1);
  EXPECT_EQ(card.proposed_windows(0).code(), "w-a");
  EXPECT_NE(card.proposed_windows(0).reason().find("满意率100.0%"),
            std::string::npos);
  // Deterministic.
  EXPECT_EQ(ComputeScorecard("2020-07", rules, in).SerializeAsString(),
            card.SerializeAsString());
}

TEST(ScorecardTest, TheShippedDefaultRulesAreValid) {
  std::ifstream in(ZWFW_SOURCE_DIR "/deploy/scoring/default-rules.json");
  std::stringstream text;
  text << in.rdbuf();
  zwfw::v1::ScoringRules rules;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(text.str(), &rules).ok());
  EXPECT_TRUE(ValidateRules(rules).ok()) << ValidateRules(rules);
  EXPECT_EQ(rules.tiers_size(), 3);
}

TEST(ScorecardTest, BadRuleFilesAreRefusedNamingTheRule) {
  auto error = [](const std::string& text) {
    absl::Status s =
        ValidateRules(ParseTextProto<zwfw::v1::ScoringRules>(text));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << text;
    return std::string(s.message());
  };
  const std::string tiers =
      R"pb(base: 10000
           tiers { floor: 10000 label: "100分以上" })pb";
  EXPECT_EQ(error(tiers + R"pb(rules { id: "x" text: "t" points: -1 })pb"),
            "rules[0] (\"x\"): indicator: unknown (or name a "
            "library_indicator)");
  EXPECT_EQ(error(tiers + R"pb(rules {
                                 id: "x"
                                 text: "t"
                                 indicator: INDICATOR_BAD_RATINGS
                                 points: -1
                                 cap: -5
                               })pb"),
            "rules[0] (\"x\"): cap: must not be negative");
  EXPECT_EQ(error(tiers + R"pb(rules {
                                 id: "x"
                                 text: "t"
                                 indicator: INDICATOR_SATISFACTION_BELOW
                                 points: -1
                                 threshold: 12000
                               })pb"),
            "rules[0] (\"x\"): threshold: basis points from 0 to 10000");
  EXPECT_NE(error(R"pb(base: 10000
                       tiers { floor: 9900 label: "99分以上" }
                       tiers { floor: 10000 label: "100分以上" })pb")
                .find("strictly descending"),
            std::string::npos);
  EXPECT_NE(error(R"pb(base: 10000
                       tiers { floor: 9900 label: "99分以上" }
                       tiers { floor: 9900 label: "99分" })pb")
                .find("tiers[1]"),
            std::string::npos);
  EXPECT_EQ(error("base: 10000"), "tiers: at least one tier is needed");
  const std::string rule = R"pb(rules {
                                  id: "x"
                                  text: "t"
                                  indicator: INDICATOR_BAD_RATINGS
                                  points: -1
                                })pb";
  EXPECT_EQ(error(tiers + rule + rule), "rules[1] (\"x\"): id: repeated");
}

}  // namespace
}  // namespace zwfw::scoring
