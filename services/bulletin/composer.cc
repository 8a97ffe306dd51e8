#include "services/bulletin/composer.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/bulletin/scorecard_lists.h"
#include "services/bulletin/template_composer.h"
#include "services/common/percent.h"
#include "services/common/period.h"

namespace zwfw::bulletin {
namespace {

using Kind = Block::Kind;

// A draft field, or a visible placeholder and a warning when it is empty.
std::string Field(const std::string& value, const std::string& name,
                  std::vector<std::string>* warnings) {
  if (!value.empty()) return value;
  warnings->push_back(absl::StrCat("draft field ", name, " is empty"));
  return absl::StrCat("【待填写：", name, "】");
}

std::string Or(const std::string& value, const std::string& fallback) {
  return value.empty() ? fallback : value;
}

}  // namespace

std::string Percent(int64_t numerator, int64_t denominator) {
  return FormatPercent(numerator, denominator, PercentStyle::kDropZeroDecimal);
}

std::string CaseParagraph(const BulletinInputs& in) {
  absl::StatusOr<Period> period = Period::Parse(in.cases.period());
  const std::string month =
      period.ok() ? absl::StrCat(period->month_number(), "月份") : "本月";
  const std::string region = Or(in.draft.region(), "全区");
  const auto& c = in.cases;
  const int64_t approval = c.approval_total().total();
  const int64_t convenience = c.convenience_total().total();
  std::string out;
  if (approval + convenience == 0) {
    absl::StrAppend(&out, month, "，", region,
                    "各政务服务部门及单位未受理政务服务和便民服务事项。");
  } else {
    absl::StrAppend(&out, month, "，", region,
                    "各政务服务部门及单位共受理政务服务和便民服务事项",
                    approval + convenience, "件（审批服务事项", approval,
                    "件，便民服务事项", convenience, "件）。");
    if (c.center_handled() == 0) {
      absl::StrAppend(&out, "本月政务服务中心无办件。");
    } else {
      absl::StrAppend(&out, "其中政务服务中心办理", c.center_handled(),
                      "件（即收即办件", c.center_same_day(), "件，占",
                      Percent(c.center_same_day(), c.center_handled()),
                      "；中心办结", c.center_completed(), "件，占",
                      Percent(c.center_completed(), c.center_handled()),
                      "）。");
    }
  }
  // Overtime departments grouped by count, largest first.
  std::map<int64_t, std::vector<std::string>, std::greater<>> overtime;
  for (const auto& d : c.departments()) {
    int64_t n = d.approval().overtime() + d.convenience().overtime();
    if (n > 0) overtime[n].push_back(d.department_name());
  }
  if (overtime.empty()) {
    absl::StrAppend(&out, "本月无超时办件。");
  } else {
    std::vector<std::string> groups;
    for (const auto& [n, names] : overtime) {
      groups.push_back(
          absl::StrCat(absl::StrJoin(names, "、"), "超时", n, "件"));
    }
    absl::StrAppend(&out, "本月", absl::StrJoin(groups, "；"), "。");
  }
  const auto& v = in.survey.return_visits();
  if (v.reached() == 0) {
    absl::StrAppend(&out, "本月未回访办事群众。");
  } else {
    absl::StrAppend(&out, "本月回访办事群众", v.reached(), "名，满意率",
                    Percent(v.satisfied(), v.reached()), "。");
  }
  return out;
}

Document Compose(const BulletinInputs& in, const ComposerOptions& options) {
  if (in.templated) {
    const TemplateInputs& t = *in.templated;
    return ComposeFromTemplate(*t.parsed, in.draft, in.directory, t.now,
                               t.previous ? &*t.previous : nullptr,
                               t.year_before ? &*t.year_before : nullptr,
                               {&in.scorecard, &in.cases.corrections()});
  }
  Document doc;
  doc.period = in.cases.period();
  std::vector<std::string>& warnings = doc.warnings;
  absl::StatusOr<Period> period = Period::Parse(doc.period);
  const int year = period.ok() ? period->year() : 0;
  const int month = period.ok() ? period->month_number() : 0;
  const zwfw::v1::Draft& d = in.draft;
  auto add = [&](Kind kind, std::string text, std::string lead = "") {
    doc.blocks.push_back(Block{kind, std::move(text), std::move(lead)});
  };

  const std::string office =
      Field(d.issuing_office(), "issuing_office", &warnings);
  add(Kind::kIssuingOffice, office);
  add(Kind::kDocumentNumber,
      Field(d.document_number(), "document_number", &warnings));
  add(Kind::kTitle, Or(d.title(), absl::StrCat(office, " ", year, "年", month,
                                               "月部门政务服务绩效考核通报")));
  std::string addressees = Field(d.addressees(), "addressees", &warnings);
  if (addressees.size() < 3 ||
      addressees.compare(addressees.size() - 3, 3, "：") != 0) {
    addressees += "：";
  }
  add(Kind::kAddressees, addressees);
  add(Kind::kParagraph,
      Or(d.opening(), absl::StrCat("现将", year, "年", month,
                                   "月份政务服务绩效考核情况通报如下：")));

  add(Kind::kHeading, "一、事项办理情况");
  add(Kind::kParagraph, CaseParagraph(in));

  add(Kind::kHeading, "二、工作推进情况");
  if (d.work_progress().empty()) {
    add(Kind::kParagraph, Field("", "work_progress", &warnings));
  }
  for (const auto& item : d.work_progress()) {
    add(Kind::kLeadParagraph, item.body(), item.lead());
  }
  add(Kind::kHeading, "三、典型经验交流");
  if (d.typical_experience().empty()) {
    add(Kind::kParagraph, Field("", "typical_experience", &warnings));
  }
  for (const auto& item : d.typical_experience()) {
    add(Kind::kLeadParagraph, item.body(), item.lead());
  }

  // 四: staff grouped by window; 五: outstanding windows, then the tiers
  // (scorecard_lists.h).
  add(Kind::kHeading, "四、优质服务标兵评比");
  const std::string staff = AwardedStaff(in.scorecard, in.directory);
  add(Kind::kParagraph,
      staff.empty() ? "本月未评选优质服务标兵。" : absl::StrCat(staff, "。"));
  add(Kind::kHeading, "五、绩效考核情况");
  const std::string windows = AwardedWindows(in.scorecard);
  add(Kind::kParagraph, windows.empty()
                            ? "本月未评选优质服务窗口。"
                            : absl::StrCat("优质服务窗口为：", windows, "。"));
  if (in.scorecard.departments().empty()) {
    add(Kind::kParagraph, "本月无考核结果。");
    warnings.push_back("the scorecard has no departments");
  }
  int n = 0;
  for (const TierList& tier : Tiers(in.scorecard)) {
    add(Kind::kParagraph,
        absl::StrCat(
            "（", ChineseNumeral(++n), "）",
            tier.tier.empty() ? "其余部门" : absl::StrCat(tier.tier, "的部门"),
            "：", absl::StrJoin(tier.departments, "、"), "。"));
  }
  if (in.cases.corrections_size() > 0) {
    // Corrections of published months made in this one (intake's
    // ClosePeriod and correction_reason): the office says what it changed.
    const std::vector<std::string> items =
        CorrectionItems(in.cases.corrections(), in.directory);
    add(Kind::kParagraph,
        absl::StrCat("本期更正已通报月份办件数据", items.size(), "件：",
                     absl::StrJoin(items, "；"), "。"));
  }
  add(Kind::kClosing, "特此通报。");

  const std::string attachment_title = Or(
      d.attachment_title(), absl::StrCat(month, "月份行政审批服务办件情况表"));
  add(Kind::kAttachmentNote, absl::StrCat("附件：", attachment_title));
  add(Kind::kSignature, office);
  add(Kind::kDate, Field(d.signing_date(), "signing_date", &warnings));
  if (!d.publicity_note().empty()) add(Kind::kPublicity, d.publicity_note());
  add(Kind::kColophon,
      absl::StrCat(Field(d.printing_date(), "printing_date", &warnings),
                   "印发"),
      Or(d.printing_office(), office));
  add(Kind::kAttachment, attachment_title);

  // The attachment table: approval cases per department.
  std::map<std::string, std::string> table_name;
  for (const auto& dep : in.directory.departments()) {
    table_name[dep.code()] = Or(dep.table_name(), dep.name());
  }
  auto name_of = [&](const zwfw::v1::DepartmentCaseStats& row) {
    auto it = table_name.find(row.department_code());
    return it != table_name.end() ? it->second : row.department_name();
  };
  Table& t = doc.attachment;
  t.header = {"序号",     "办件量分类", "部门",     "办理总数", "即收即办",
              "中心办理", "部门办理",   "基层办理", "网上办理"};
  auto figures = [](const zwfw::v1::CaseCounters& c) {
    return std::vector<std::string>{
        absl::StrCat(c.total()),      absl::StrCat(c.instant()),
        absl::StrCat(c.center()),     absl::StrCat(c.department_site()),
        absl::StrCat(c.grassroots()), absl::StrCat(c.online())};
  };
  std::vector<TableCell> total = {{"合计"}, {""}, {""}};
  for (auto& f : figures(in.cases.approval_total())) total.push_back({f});
  t.rows.push_back(total);
  std::vector<const zwfw::v1::DepartmentCaseStats*> rows;
  std::vector<std::string> idle;
  for (const auto& row : in.cases.departments()) {
    if (row.approval().total() > 0) {
      rows.push_back(&row);
    } else {
      idle.push_back(name_of(row));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](auto* a, auto* b) {
    return a->approval().total() > b->approval().total();
  });
  int serial = 0;
  size_t class_start = t.rows.size();
  std::string current;
  for (const auto* row : rows) {
    std::string k = options.volume_classes.LabelOf(row->approval().total());
    std::vector<TableCell> cells = {
        {absl::StrCat(++serial)}, {k}, {name_of(*row)}};
    for (auto& f : figures(row->approval())) cells.push_back({f});
    if (k == current) {
      cells[1].covered = true;
      ++t.rows[class_start][1].row_span;
    } else {
      current = k;
      class_start = t.rows.size();
    }
    t.rows.push_back(cells);
  }
  if (!idle.empty()) {
    t.rows.push_back({{absl::StrCat(++serial)},
                      {kNoCasesClass},
                      {absl::StrJoin(idle, "、")}});
  }
  return doc;
}

}  // namespace zwfw::bulletin
