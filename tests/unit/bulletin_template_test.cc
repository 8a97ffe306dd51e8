#include "services/bulletin/bulletin_template.h"

#include <gtest/gtest.h>

#include "absl/strings/str_join.h"
#include "services/bulletin/bulletin_renderer.h"
#include "services/bulletin/template_composer.h"
#include "services/bulletin/writers.h"

namespace zwfw::bulletin {
namespace {

std::string ParseError(const std::string& text) {
  absl::StatusOr<BulletinTemplate> t = BulletinTemplate::Parse(text);
  EXPECT_FALSE(t.ok()) << text;
  if (t.ok()) return "";
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(t.status().message());
}

TEST(BulletinTemplateTest, FaultsNameTheirLineAndColumn) {
  EXPECT_EQ(ParseError("paragraph 共受理{acepted}件")
                .rfind("line 1, column 15: indicator \"acepted\"", 0),
            0u);
  std::string e = ParseError("# 注释\n\nparagraph 共受理{acepted}件");
  EXPECT_EQ(e.rfind("line 3, column 15: ", 0), 0u) << e;
  EXPECT_NE(e.find("acepted"), std::string::npos) << e;

  e = ParseError("paragrap 共受理");
  EXPECT_EQ(e, "line 1, column 1: unknown keyword \"paragrap\"");
  e = ParseError("paragraph {accepted[site=moon]}");
  EXPECT_EQ(e.rfind("line 1, column 12: ", 0), 0u) << e;
  e = ParseError("paragraph 甲{when overtime = 0}乙{end}");
  EXPECT_EQ(e.rfind("line 1, column 18: a test needs a comparison", 0), 0u)
      << e;
  e = ParseError("paragraph {when overtime == 0}没有超时");
  EXPECT_NE(e.find("without {end}"), std::string::npos) << e;
  e = ParseError("paragraph {when overtime == 零}");
  EXPECT_NE(e.find("\"零\" is not a number"), std::string::npos) << e;
  e = ParseError("paragraph {period.quarter}");
  EXPECT_EQ(e,
            "line 1, column 12: unknown period field \"quarter\"; one of "
            "name, months, part, year");
  e = ParseError("paragraph {draft.secret}");
  EXPECT_EQ(e, "line 1, column 12: unknown draft field \"secret\"");
  e = ParseError("paragraph {accepted@unit}");
  EXPECT_NE(e.find("@unit outside each"), std::string::npos) << e;
  e = ParseError("paragraph {unit.name}");
  EXPECT_NE(e.find("unit fields only inside each"), std::string::npos) << e;
  e = ParseError("each groups\nparagraph {unit.name}\n");
  EXPECT_EQ(e, "line 3, column 1: each without end");
  e = ParseError("paragraph {top 0 accepted}");
  EXPECT_NE(e.find("top needs a count 1–100"), std::string::npos) << e;
  e = ParseError("paragraph {accepted|decimals=9}");
  EXPECT_EQ(e.rfind("line 1, column 21: ", 0), 0u) << e;
  e = ParseError("period moon");
  EXPECT_NE(e.find("unknown period kind \"moon\""), std::string::npos) << e;
  e = ParseError("paragraph a}b");
  EXPECT_EQ(e, "line 1, column 12: } without {");
  e = ParseError("paragraph {else}");
  EXPECT_EQ(e, "line 1, column 11: {else} without {when}");
  e = ParseError(std::string(kMaxTemplateBytes + 1, '#'));
  EXPECT_NE(e.find("over the limit"), std::string::npos) << e;
}

// Departments a, b (group 市本级), c (group 东兴市); accepted and completed
// per department for each measure the plan reads.
struct Unit {
  std::string code, name, group;
  int64_t accepted, completed;
};

zwfw::v1::DirectorySnapshot Directory(const std::vector<Unit>& units) {
  zwfw::v1::DirectorySnapshot d;
  for (const Unit& u : units) {
    auto* dep = d.add_departments();
    dep->set_code(u.code);
    dep->set_name(u.name);
    dep->set_group(u.group);
  }
  return d;
}

PeriodAggregates Aggregates(const BulletinTemplate& t, const std::string& p,
                            const std::vector<Unit>& units) {
  PeriodAggregates a{*ReportPeriod::Parse(p), {}, {}};
  a.cases.set_period(p);
  for (const Unit& u : units) {
    auto* d = a.cases.add_departments();
    d->set_department_code(u.code);
    for (const auto& m : t.plan().measures()) {
      auto* s = d->add_sums();
      // Completed cases: counted when completed, or accepted ones filtered
      // on their status (completion_rate).
      const bool completed = m.basis() == zwfw::v1::CASE_TIME_BASIS_COMPLETED ||
                             m.filter().statuses_size() > 0;
      s->set_cases(completed ? u.completed : u.accepted);
    }
  }
  return a;
}

constexpr char kTemplate[] = R"(# 测试模板
template 测试通报
period month
scope 市本级
format rate decimals=2,trim
title {period.name}{draft.title}
paragraph 受理{accepted}件,{change accepted};办结{completed}件。{when overtime_completed == 0}没有出现超时办结件。{else}超时{overtime_completed}件。{end}
paragraph 前2位:市{top 2 accepted}。无业务单位{count zero accepted}个:{zero accepted@all}。
paragraph 东兴市共受理{accepted@东兴市}件;合计{accepted@市本级+东兴市}件;全部{accepted@all}件。
each 市本级,东兴市
  paragraph {unit.index}{unit.name}办结率{completion_rate}。
end
paragraph 排名:{top 3 accepted@all: {unit.name}{value}件}。{when accepted@nowhere == 0}X{end}
table 附件：{period.months}份办件情况表
  column 单位 {unit.name}
  column 受理 {accepted}
  column 办结率 {completion_rate|decimals=1}
  rows all by accepted
  total 合计
end
)";

TEST(BulletinTemplateTest, ComposesFiguresComparisonsRankingsAndTable) {
  absl::StatusOr<BulletinTemplate> t = BulletinTemplate::Parse(kTemplate);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->Accepts(ReportPeriod::Kind::kMonth));
  EXPECT_FALSE(t->Accepts(ReportPeriod::Kind::kQuarter));
  EXPECT_TRUE(t->compares());
  EXPECT_FALSE(t->compares_year());
  const std::vector<Unit> now = {{"a", "住建委", "市本级", 300, 290},
                                 {"b", "公安局", "市本级", 100, 100},
                                 {"z", "农业局", "市本级", 0, 0},
                                 {"c", "东兴市", "东兴市", 200, 150}};
  const std::vector<Unit> before = {{"a", "住建委", "市本级", 200, 200},
                                    {"b", "公安局", "市本级", 200, 200},
                                    {"z", "农业局", "市本级", 0, 0},
                                    {"c", "东兴市", "东兴市", 1, 1}};
  zwfw::v1::Draft draft;
  draft.set_title("行政审批情况通报");
  PeriodAggregates a = Aggregates(*t, "2011-03", now);
  PeriodAggregates b = Aggregates(*t, "2011-02", before);
  Document doc = ComposeFromTemplate(*t, draft, Directory(now), a, &b, nullptr);
  std::string text = WriteText(doc);
  EXPECT_NE(text.find("2011年3月行政审批情况通报"), std::string::npos) << text;
  EXPECT_NE(text.find("受理400件,与上月持平;办结390件。没有出现超时办结件。"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("前2位:市住建委、公安局。无业务单位1个:农业局。"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("东兴市共受理200件;合计600件;全部600件。"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("1市本级办结率97.50%。"), std::string::npos) << text;
  EXPECT_NE(text.find("2东兴市办结率75%。"), std::string::npos) << text;
  EXPECT_NE(text.find("排名:住建委300件、东兴市200件、公安局100件。"),
            std::string::npos)
      << text;
  // The unknown unit is a warning naming the place, and reads zero.
  ASSERT_EQ(doc.warnings.size(), 1u);
  EXPECT_EQ(doc.warnings[0],
            "template line 13, column 56: no unit named nowhere");
  // The table: 合计 first, then the rows by 受理, the unit without a rate
  // (no cases) last.
  ASSERT_EQ(doc.attachment.header,
            (std::vector<std::string>{"单位", "受理", "办结率"}));
  ASSERT_EQ(doc.attachment.rows.size(), 5u);
  auto row = [&](size_t i) {
    std::vector<std::string> cells;
    for (const auto& c : doc.attachment.rows[i]) cells.push_back(c.text);
    return cells;
  };
  // The column's decimals=1 over the template's rate format (trim kept).
  EXPECT_EQ(row(0), (std::vector<std::string>{"合计", "600", "90%"}));
  EXPECT_EQ(row(1), (std::vector<std::string>{"住建委", "300", "96.7%"}));
  EXPECT_EQ(row(4), (std::vector<std::string>{"农业局", "0", "—"}));
  EXPECT_NE(text.find("附件：3月份办件情况表"), std::string::npos) << text;

  // A month with 超时办结: the other branch.
  draft.clear_title();
  doc = ComposeFromTemplate(*t, draft, Directory(now), a, nullptr, nullptr);
  text = WriteText(doc);
  EXPECT_NE(text.find("【待填写：title】"), std::string::npos) << text;
  // Without the previous month's figures the change reads as empty.
  EXPECT_NE(text.find("受理400件,—;"), std::string::npos) << text;
}

// A table in volume classes (办件量分类): ordered by the count, each run
// of a class one merged cell, the 合计 row without a class.
TEST(BulletinTemplateTest, TablesInVolumeClasses) {
  absl::StatusOr<BulletinTemplate> t = BulletinTemplate::Parse(
      "table 附表\n  column 序号 {unit.index}\n  classes 办件量分类 "
      "accepted 250 100\n  column 单位 {unit.name}\n  column 受理 "
      "{accepted}\n  rows all\n  total 合计\nend\n");
  ASSERT_TRUE(t.ok()) << t.status();
  const std::vector<Unit> units = {{"z", "农业局", "市本级", 0, 0},
                                   {"b", "公安局", "市本级", 120, 100},
                                   {"a", "住建委", "市本级", 300, 290},
                                   {"c", "东兴市", "东兴市", 200, 150}};
  Document doc =
      ComposeFromTemplate(*t, zwfw::v1::Draft(), Directory(units),
                          Aggregates(*t, "2011-03", units), nullptr, nullptr);
  const Table& table = doc.attachment;
  ASSERT_EQ(table.header,
            (std::vector<std::string>{"序号", "办件量分类", "单位", "受理"}));
  ASSERT_EQ(table.rows.size(), 5u);
  EXPECT_EQ(table.rows[0][0].text, "合计");
  EXPECT_EQ(table.rows[0][1].text, "");
  EXPECT_EQ(table.rows[0][3].text, "620");
  EXPECT_EQ(table.rows[1][2].text, "住建委");
  EXPECT_EQ(table.rows[1][1].text, "250件以上");
  EXPECT_EQ(table.rows[2][1].text, "101-250件");
  EXPECT_EQ(table.rows[2][1].row_span, 2);
  EXPECT_TRUE(table.rows[3][1].covered);
  EXPECT_EQ(table.rows[4][1].text, "无办件");
  EXPECT_EQ(table.rows[4][0].text, "4");

  EXPECT_NE(ParseError("table x\n  classes 分类 speedup_rate\n  rows all\nend")
                .find("classes are of a count indicator"),
            std::string::npos);
  EXPECT_NE(ParseError("table x\n  classes 分类 accepted 100 1000\n"
                       "  rows all\nend")
                .find("the larger first"),
            std::string::npos);
}

// What the Qijiang template (deploy/templates/qijiang-monthly.txt) needs:
// departments grouped by equal value, a share of two counts, the
// scorecard's and intake's lists, the tiers numbered on into the
// untiered, a colophon, the table's names and its zero row.
constexpr char kQijiangLike[] = R"(period month
paragraph {grouped accepted@all: {unit.name}受理{value}件}。
paragraph 占{share completed@all of accepted@all}。
paragraph {when count awarded_staff == 0}无标兵。{else}{awarded_staff}。{end}窗口:{awarded_windows};更正{count corrections}件:{corrections}
each tiers
  paragraph （{unit.numeral}）{unit.name}的部门：{unit.departments}。
end
each untiered
  paragraph （{unit.numeral}）其余部门：{unit.departments}。
end
colophon 市政务办 | {draft.printing_date}印发
table 附表
  column 序号 {unit.index}
  column 单位 {unit.table_name}
  column 受理 {accepted}
  rows all by accepted
  zero_row
end
)";

TEST(BulletinTemplateTest, ScorecardListsGroupsSharesAndZeroRow) {
  absl::StatusOr<BulletinTemplate> t = BulletinTemplate::Parse(kQijiangLike);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->reads_scorecard());
  EXPECT_TRUE(t->reads_corrections());
  const std::vector<Unit> units = {{"z", "农业局", "市本级", 0, 0},
                                   {"b", "公安局", "市本级", 120, 100},
                                   {"a", "住建委", "市本级", 300, 290},
                                   {"c", "东兴市", "东兴市", 300, 150}};
  zwfw::v1::DirectorySnapshot directory = Directory(units);
  directory.mutable_departments(2)->set_table_name("区住房城乡建设委");
  auto* w = directory.add_windows();
  w->set_code("w1");
  w->set_name("公安窗口");
  zwfw::v1::Scorecard card;
  for (const auto& [name, window] :
       std::vector<std::pair<std::string, std::string>>{
           {"李宇", "w1"}, {"敖明园", "w2"}, {"雷璐", "w1"}}) {
    auto* m = card.add_staff();
    m->set_name(name);
    m->set_window_code(window);
  }
  card.add_windows()->set_name("公安窗口");
  card.add_windows()->set_name("税务窗口");
  for (const auto& [name, tier] :
       std::vector<std::pair<std::string, std::string>>{{"住建委", "100分以上"},
                                                        {"公安局", "100分以上"},
                                                        {"东兴市", "99分以上"},
                                                        {"农业局", ""}}) {
    auto* d = card.add_departments();
    d->set_department_name(name);
    d->set_tier(tier);
  }
  zwfw::v1::GetCaseStatsResponse stats;
  auto* c = stats.add_corrections();
  c->set_department_code("b");
  c->set_case_no("x-1");
  c->set_corrected_month("2011-02");
  c->set_reason("补录");
  zwfw::v1::Draft draft;
  draft.set_printing_date("2011年4月1日");
  Document doc = ComposeFromTemplate(*t, draft, directory,
                                     Aggregates(*t, "2011-03", units), nullptr,
                                     nullptr, {&card, &stats.corrections()});
  std::vector<std::string> texts;
  for (const Block& b : doc.blocks) texts.push_back(b.text);
  ASSERT_EQ(texts.size(), 8u) << absl::StrJoin(texts, "\n");
  EXPECT_EQ(texts[0], "住建委、东兴市受理300件；公安局受理120件。");
  EXPECT_EQ(texts[1], "占75.00%。");  // 540 of 720
  EXPECT_EQ(texts[2],
            "公安窗口李宇、雷璐；w2敖明园。窗口:公安窗口、税务窗口;更正1件:"
            "2011年2月份公安局办件x-1（补录）");
  EXPECT_EQ(texts[3], "（一）100分以上的部门：住建委、公安局。");
  EXPECT_EQ(texts[4], "（二）99分以上的部门：东兴市。");
  EXPECT_EQ(texts[5], "（三）其余部门：农业局。");
  EXPECT_EQ(doc.blocks[6].kind, Block::Kind::kColophon);
  EXPECT_EQ(doc.blocks[6].lead, "市政务办");
  EXPECT_EQ(texts[6], "2011年4月1日印发");
  const Table& table = doc.attachment;
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_EQ(table.rows[0][1].text, "区住房城乡建设委");
  EXPECT_EQ(table.rows[1][1].text, "东兴市");
  EXPECT_EQ(table.rows[2][2].text, "120");
  // The zero row: its place and names, no figures.
  ASSERT_EQ(table.rows[3].size(), 2u);
  EXPECT_EQ(table.rows[3][0].text, "4");
  EXPECT_EQ(table.rows[3][1].text, "农业局");

  // Without staff the condition's other branch; no scorecard, no tiers.
  doc = ComposeFromTemplate(*t, draft, directory,
                            Aggregates(*t, "2011-03", units), nullptr, nullptr);
  EXPECT_EQ(doc.blocks[2].text.rfind("无标兵。窗口:;更正0件:", 0), 0u)
      << doc.blocks[2].text;
  EXPECT_EQ(doc.blocks[3].kind, Block::Kind::kColophon);

  // A scorecard is monthly: a quarter is refused before anything is read.
  zwfw::v1::BulletinTemplate stored;
  stored.set_name("q");
  stored.set_version(1);
  stored.set_text("paragraph {awarded_windows}");
  absl::StatusOr<BulletinTemplate> quarter =
      ParseTemplateFor(stored, *ReportPeriod::Parse("2011-Q1"));
  EXPECT_EQ(quarter.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(quarter.status().message().find("quotes the scorecard"),
            std::string::npos);

  EXPECT_NE(ParseError("paragraph {share accepted of speedup_rate}")
                .find("share is of two count indicators"),
            std::string::npos);
  EXPECT_NE(ParseError("paragraph {share accepted}").find("share A of B"),
            std::string::npos);
  EXPECT_EQ(ParseError("paragraph {when count awards == 0}x{end}"),
            "line 1, column 23: unknown list \"awards\"; one of "
            "awarded_staff, awarded_windows, scored, corrections");
  EXPECT_EQ(ParseError("each tiers, 市本级\n  paragraph x\nend"),
            "line 1, column 6: each tiers stands alone");
  EXPECT_NE(ParseError("colophon 市政务办").find("its office | its text"),
            std::string::npos);
  EXPECT_NE(ParseError("table x\n  column a {unit.name}\n  rows all\n"
                       "  zero_row yes\nend")
                .find("zero_row takes nothing"),
            std::string::npos);
}

TEST(BulletinTemplateTest, TemplateNames) {
  EXPECT_TRUE(CheckTemplateName("fangchenggang-monthly.v1").ok());
  EXPECT_FALSE(CheckTemplateName("").ok());
  EXPECT_FALSE(CheckTemplateName("../etc").ok());
  EXPECT_FALSE(CheckTemplateName(std::string(65, 'a')).ok());
}

}  // namespace
}  // namespace zwfw::bulletin
