// An office's bulletin as data (通报模板): the document's blocks, sentences
// with placeholders for indicators (indicators.h), comparisons, rankings and
// unit lists, sentences under a condition, sections repeated per unit, and
// one table — parsed from a line-oriented text the office keeps and
// versions (`zwfw templates set`). README "Templates" is the format's
// reference, with the Fangchenggang template as its worked example:
//
//   period month
//   scope 市本级
//   format rate decimals=2,trim
//   paragraph 共受理{accepted}件,{change accepted};{when overtime_completed
//             == 0}没有出现超时办结件。{end}
//   paragraph 受理量前10位的单位:市{top 10 accepted}。
//
// Parse refuses a template naming an unknown keyword, indicator, parameter,
// placeholder, draft or period field, or a bad condition or format, with
// its line and column (1-based, in characters); nothing is half-parsed.
// Unit names are data, resolved when composing (template_composer.h).
//
// Pure; a parsed template is immutable and thread-safe.
#ifndef ZWFW_SERVICES_BULLETIN_BULLETIN_TEMPLATE_H_
#define ZWFW_SERVICES_BULLETIN_BULLETIN_TEMPLATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/bulletin/document.h"
#include "services/common/indicator_format.h"
#include "services/common/indicators.h"
#include "services/common/period.h"
#include "services/common/volume_classes.h"

namespace zwfw::bulletin {

// The lists a template may quote by name ({awarded_staff}, {count
// corrections}, `{when count scored == 0}`), worded by scorecard_lists.h:
// the outstanding staff by window, the outstanding windows, the scored
// departments (the scorecard), the corrections of published months
// (intake).
inline constexpr const char* kTemplateLists[] = {
    "awarded_staff", "awarded_windows", "scored", "corrections"};

// Limits on what an office may upload.
inline constexpr size_t kMaxTemplateBytes = 64 * 1024;
inline constexpr int kMaxTemplateNesting = 8;
inline constexpr size_t kMaxTemplateRanking = 100;
inline constexpr size_t kMaxTemplateNameBytes = 64;

// Which units a figure is of: the template's default scope, everyone, the
// unit of the enclosing `each`/table row/ranking entry, or named units
// (unit groups, department codes or names) summed.
struct TemplateScope {
  enum class Kind { kDefault, kAll, kUnit, kNamed };
  Kind kind = Kind::kDefault;
  std::vector<std::string> names;
};

// One test of a condition: an indicator's value against a number, in the
// indicator's own unit as a document shows it (a rate in %, days, a count).
struct TemplateTest {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
  int indicator = -1;
  // `count LIST`: the number of a list's entries instead (kTemplateLists).
  std::string list;
  TemplateScope scope;
  Op op = Op::kEq;
  // The number as numerator / denominator (95.5 = 955 / 10).
  int64_t numerator = 0;
  int64_t denominator = 1;
};

struct TemplatePart {
  enum class Kind {
    kText,        // text
    kValue,       // {accepted@东兴市|decimals=1}
    kCount,       // {count rating_share[…]}: the numerator, as a count
    kChange,      // {change accepted}: "比上月增加75.42%"
    kYearChange,  // {year_change accepted}: "比去年同期…"
    kTop,        // {top 10 accepted} or {top 5 accepted: {unit.name}{value}件}
    kGrouped,    // {grouped overtime: {unit.name}超时{value}件}
    kShare,      // {share accepted[site=center,…] of accepted[site=center]}
    kList,       // {awarded_staff}: text = the list
    kListCount,  // {count corrections}: text = the list
    kZero,       // {zero accepted}: the units at zero, named
    kZeroCount,  // {count zero accepted}
    kPeriod,     // {period.name} …: text = the field
    kDraft,      // {draft.issuing_office} …: text = the field
    kUnit,       // {unit.name}, {unit.index}: text = the field
    kWhen,       // {when …}…{else}…{end}
  };
  Kind kind = Kind::kText;
  std::string text;
  int indicator = -1;  // into the template's plan
  int base = -1;       // kShare: the count it is a share of
  TemplateScope scope;
  // The placeholder's format (`|decimals=1`), over the template's default
  // for the indicator's unit; empty: the default.
  std::string format;
  size_t count = 0;                // kTop
  bool ascending = false;          // kTop, kGrouped
  std::vector<TemplatePart> item;  // kTop, kGrouped: an entry
  // kWhen: true when any group's tests all hold.
  std::vector<std::vector<TemplateTest>> any_of;
  std::vector<TemplatePart> then, otherwise;
  int line = 0, column = 0;  // where it is written, for warnings
};

using TemplateText = std::vector<TemplatePart>;

struct TemplateTable {
  TemplateText title;  // the attachment's title
  std::vector<std::string> headers;
  std::vector<TemplateText> cells;  // per column; scope `unit` = the row
  TemplateScope rows;               // the units listed (their departments)
  // `zero_row`: the units at zero by the classes' (else the order's)
  // indicator together in one last row, their figures empty.
  bool zero_row = false;
  int order_by = -1;  // an indicator, or directory order
  bool ascending = false;
  std::optional<std::string> total;  // the 合计 row's label
  // Volume classes (办件量分类, volume_classes.h): the column at this place
  // holds each row's class by a count indicator, runs of a class merged;
  // rows ordered by it unless `rows … by` says otherwise. -1: none.
  int classes_column = -1;
  int classes_by = -1;
  VolumeClasses classes;
};

struct TemplateBlock {
  enum class Kind { kText, kNarrative, kEach, kTable };
  Kind kind = Kind::kText;
  Block::Kind block = Block::Kind::kParagraph;  // kText
  TemplateText text;                            // kText
  TemplateText lead;                            // kText: a colophon's office
  std::string narrative;  // kNarrative: work_progress | typical_experience
  // kEach: the units ("groups", "departments", "tiers", "untiered", or
  // names), and the blocks written for each of them.
  std::vector<std::string> units;
  std::vector<TemplateBlock> body;
  TemplateTable table;  // kTable
  int line = 0;
};

class BulletinTemplate {
 public:
  // INVALID_ARGUMENT "line L, column C: …" for the first fault.
  // `satisfied`: the office's satisfied levels (satisfaction_rate).
  static absl::StatusOr<BulletinTemplate> Parse(
      absl::string_view text, const SatisfiedLevels& satisfied = {});

  const IndicatorPlan& plan() const { return plan_; }
  // The period kinds it is written for (`period`; every kind when absent).
  bool Accepts(ReportPeriod::Kind kind) const;
  // Whether a figure is compared with the previous period or the year
  // before (those periods' aggregates are read too).
  bool compares() const { return compares_; }
  bool compares_year() const { return compares_year_; }
  // Whether it quotes the scorecard (awards, tiers: a monthly template
  // only) or the corrections of published months.
  bool reads_scorecard() const { return reads_scorecard_; }
  bool reads_corrections() const { return reads_corrections_; }
  const std::string& title() const { return title_; }
  const TemplateScope& scope() const { return scope_; }
  // The format of a value of `unit` (a placeholder changes it in part).
  NumberFormat FormatOf(IndicatorUnit unit) const;
  // The format of a comparison's change (`format change …`).
  const NumberFormat& change_format() const { return change_format_; }
  const std::vector<TemplateBlock>& blocks() const { return blocks_; }

 private:
  friend class TemplateParser;
  explicit BulletinTemplate(const SatisfiedLevels& satisfied)
      : plan_(satisfied) {}

  IndicatorPlan plan_;
  std::vector<ReportPeriod::Kind> kinds_;
  bool compares_ = false;
  bool compares_year_ = false;
  bool reads_scorecard_ = false;
  bool reads_corrections_ = false;
  std::string title_;
  TemplateScope scope_;
  std::map<IndicatorUnit, NumberFormat> formats_;
  NumberFormat change_format_;
  std::vector<TemplateBlock> blocks_;
};

// A template's name as stored (`zwfw templates set NAME FILE`): 1–64 bytes
// of letters, digits, '-', '_' and '.'; INVALID_ARGUMENT naming it.
absl::Status CheckTemplateName(absl::string_view name);

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_BULLETIN_TEMPLATE_H_
