#include "services/bulletin/template_composer.h"

#include <algorithm>
#include <array>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/bulletin/scorecard_lists.h"
#include "services/common/indicator_inputs.h"

namespace zwfw::bulletin {
namespace {

using Part = TemplatePart;

// The three periods a template reads: now, the previous one, the year
// before.
enum Which { kNow = 0, kPrevious = 1, kYearBefore = 2 };

class Composer {
 public:
  Composer(const BulletinTemplate& tmpl, const zwfw::v1::Draft& draft,
           const zwfw::v1::DirectorySnapshot& directory,
           const PeriodAggregates& now, const PeriodAggregates* previous,
           const PeriodAggregates* year_before, const TemplateRecords& records)
      : tmpl_(tmpl),
        plan_(tmpl.plan()),
        draft_(draft),
        directory_(directory),
        period_(now.period),
        records_(records) {
    const PeriodAggregates* periods[] = {&now, previous, year_before};
    for (int w = 0; w < 3; ++w) {
      if (periods[w] == nullptr) continue;
      present_[w] = true;
      tables_[w] = BuildUnitTable(periods[w]->cases, periods[w]->satisfaction,
                                  directory);
      for (const UnitInputs& u : tables_[w].departments) {
        codes_[w][u.code] = &u;
      }
      for (const UnitInputs& g : tables_[w].groups) codes_[w][g.code] = &g;
    }
    // Names as a template writes them: a group's name, a department's code
    // or name.
    for (const UnitInputs& g : tables_[kNow].groups) names_[g.name] = &g;
    for (const UnitInputs& d : tables_[kNow].departments) {
      names_.try_emplace(d.name, &d);
      names_[d.code] = &d;
    }
    for (const auto& d : directory.departments()) {
      if (!d.table_name().empty()) table_names_[d.code()] = d.table_name();
    }
  }

  Document Compose() {
    doc_.period = period_.ToString();
    Context top;
    Blocks(tmpl_.blocks(), top);
    return std::move(doc_);
  }

 private:
  // Where a figure's `@unit` points: the unit's inputs in each period
  // (null: none there), its name and its 1-based place.
  struct Context {
    bool has_unit = false;
    std::array<const IndicatorInputs*, 3> inputs = {nullptr, nullptr, nullptr};
    std::string code;
    std::string name;
    std::string table_name;  // the attachment's name for it (directory)
    int index = 0;
    // A tier's departments (each tiers): the unit's own list.
    const std::vector<std::string>* members = nullptr;
    // A table's zero row: many units in one row, their figures empty.
    bool merged = false;
  };

  Context UnitContext(const UnitInputs& u, int index) const {
    Context c;
    c.has_unit = true;
    c.code = u.code;
    c.name = u.name;
    auto table_name = table_names_.find(u.code);
    c.table_name =
        table_name == table_names_.end() ? u.name : table_name->second;
    c.index = index;
    for (int w = 0; w < 3; ++w) {
      auto it = codes_[w].find(u.code);
      c.inputs[w] = it == codes_[w].end() ? nullptr : &it->second->inputs;
    }
    return c;
  }

  void Warn(const Part& p, absl::string_view message) {
    doc_.warnings.push_back(absl::StrCat("template line ", p.line, ", column ",
                                         p.column, ": ", message));
  }

  // The units a named scope lists, in the `kNow` table; unknown ones warned
  // about once each.
  std::vector<const UnitInputs*> Named(const TemplateScope& scope,
                                       const Part& p) {
    std::vector<const UnitInputs*> out;
    for (const std::string& n : scope.names) {
      auto it = names_.find(n);
      if (it != names_.end()) {
        out.push_back(it->second);
      } else if (warned_.insert(n).second) {
        Warn(p, absl::StrCat("no unit named ", n));
      }
    }
    return out;
  }

  const TemplateScope& Effective(const TemplateScope& scope,
                                 const Context& ctx) const {
    static const TemplateScope kUnit{TemplateScope::Kind::kUnit, {}};
    if (scope.kind != TemplateScope::Kind::kDefault) return scope;
    if (ctx.has_unit) return kUnit;
    return tmpl_.scope();
  }

  // The inputs of a scope in one period: a unit's own, or several summed
  // into `sum`.
  const IndicatorInputs& InputsOf(const TemplateScope& written,
                                  const Context& ctx, Which w, const Part& p,
                                  IndicatorInputs* sum) {
    static const IndicatorInputs kNone;
    if (!present_[w]) return kNone;
    const TemplateScope& scope = Effective(written, ctx);
    switch (scope.kind) {
      case TemplateScope::Kind::kDefault:
      case TemplateScope::Kind::kAll:
        return tables_[w].total.inputs;
      case TemplateScope::Kind::kUnit:
        return ctx.inputs[w] != nullptr ? *ctx.inputs[w] : kNone;
      case TemplateScope::Kind::kNamed:
        break;
    }
    const std::vector<const UnitInputs*> units = Named(scope, p);
    if (units.size() == 1) {
      auto it = codes_[w].find(units[0]->code);
      return it != codes_[w].end() ? it->second->inputs : kNone;
    }
    for (const UnitInputs* u : units) {
      auto it = codes_[w].find(u->code);
      if (it != codes_[w].end()) *sum += it->second->inputs;
    }
    return *sum;
  }

  // The departments a scope covers (rankings, unit lists, table rows), in
  // directory order.
  std::vector<const UnitInputs*> Departments(const TemplateScope& written,
                                             const Context& ctx,
                                             const Part& p) {
    const TemplateScope& scope = Effective(written, ctx);
    std::set<std::string> groups, codes;
    bool all = false;
    switch (scope.kind) {
      case TemplateScope::Kind::kDefault:
      case TemplateScope::Kind::kAll:
        all = true;
        break;
      case TemplateScope::Kind::kUnit:
        groups.insert(ctx.code);
        codes.insert(ctx.code);
        break;
      case TemplateScope::Kind::kNamed:
        for (const UnitInputs* u : Named(scope, p)) {
          groups.insert(u->code);
          codes.insert(u->code);
        }
        break;
    }
    std::vector<const UnitInputs*> out;
    for (const UnitInputs& d : tables_[kNow].departments) {
      if (all || codes.count(d.code) || groups.count(d.group)) {
        out.push_back(&d);
      }
    }
    return out;
  }

  IndicatorValue Value(int indicator, const TemplateScope& scope,
                       const Context& ctx, Which w, const Part& p) {
    IndicatorInputs sum;
    return plan_.Evaluate(indicator, InputsOf(scope, ctx, w, p, &sum));
  }

  // The placeholder's format over `base` (parsed when the template was).
  static NumberFormat Over(const NumberFormat& base, const Part& p) {
    if (p.format.empty()) return base;
    absl::StatusOr<NumberFormat> f = NumberFormat::Parse(p.format, base);
    return f.ok() ? *f : base;
  }

  NumberFormat FormatFor(const Part& p) const {
    return Over(tmpl_.FormatOf(plan_.indicators()[p.indicator].unit), p);
  }

  // value OP number, the number in the unit a document shows (%, days,
  // count); false over an empty denominator.
  bool Holds(const TemplateTest& t, const Context& ctx, const Part& p) {
    const IndicatorValue v =
        t.list.empty()
            ? Value(t.indicator, t.scope, ctx, kNow, p)
            : IndicatorValue{IndicatorUnit::kCount,
                             static_cast<int64_t>(ListSize(t.list)), 1};
    if (v.empty()) return false;
    const __int128 scale = v.unit == IndicatorUnit::kRate ? 100 : 1;
    const __int128 left =
        static_cast<__int128>(v.numerator) * scale * t.denominator;
    const __int128 right = static_cast<__int128>(t.numerator) * v.denominator;
    switch (t.op) {
      case TemplateTest::Op::kEq:
        return left == right;
      case TemplateTest::Op::kNe:
        return left != right;
      case TemplateTest::Op::kLt:
        return left < right;
      case TemplateTest::Op::kLe:
        return left <= right;
      case TemplateTest::Op::kGt:
        return left > right;
      case TemplateTest::Op::kGe:
        return left >= right;
    }
    return false;
  }

  std::string DraftField(const Part& p) {
    const auto* field = draft_.GetDescriptor()->FindFieldByName(p.text);
    std::string value = field == nullptr
                            ? ""
                            : draft_.GetReflection()->GetString(draft_, field);
    if (value.empty()) {
      Warn(p, absl::StrCat("draft field ", p.text, " is empty"));
      return absl::StrCat("【待填写：", p.text, "】");
    }
    return value;
  }

  std::string PeriodField(const std::string& field) const {
    if (field == "name") return period_.ChineseName();
    if (field == "months") return period_.ChineseMonths();
    if (field == "year") return absl::StrCat(period_.year());
    return period_.ChineseNameInYear();  // part
  }

  std::string Ranking(const Part& p, const Context& ctx) {
    const std::vector<const UnitInputs*> units = Departments(p.scope, ctx, p);
    std::vector<IndicatorValue> values;
    values.reserve(units.size());
    for (const UnitInputs* u : units) {
      values.push_back(plan_.Evaluate(p.indicator, u->inputs));
    }
    const std::vector<size_t> picked =
        p.kind == Part::Kind::kTop ? TopUnits(values, p.count, p.ascending)
                                   : ZeroUnits(values);
    if (p.kind == Part::Kind::kZeroCount) return absl::StrCat(picked.size());
    std::vector<std::string> entries;
    int index = 0;
    for (size_t i : picked) {
      if (p.item.empty()) {
        entries.push_back(units[i]->name);
      } else {
        entries.push_back(Text(p.item, UnitContext(*units[i], ++index)));
      }
    }
    return absl::StrJoin(entries, "、");
  }

  // Departments of equal value together ("区发展改革委、区城市管理局超时1
  // 件"), the largest value first (`asc`: smallest); zero and empty
  // values left out; groups joined by "；".
  std::string Grouped(const Part& p, const Context& ctx) {
    const std::vector<const UnitInputs*> units = Departments(p.scope, ctx, p);
    std::vector<IndicatorValue> values;
    values.reserve(units.size());
    for (const UnitInputs* u : units) {
      values.push_back(plan_.Evaluate(p.indicator, u->inputs));
    }
    std::vector<size_t> ranked = TopUnits(values, values.size(), p.ascending);
    std::vector<std::string> groups;
    int index = 0;
    for (size_t at = 0; at < ranked.size();) {
      const IndicatorValue& v = values[ranked[at]];
      size_t end = at;
      std::vector<std::string> names, table_names;
      while (end < ranked.size() && values[ranked[end]] == v) {
        const Context one = UnitContext(*units[ranked[end]], 0);
        names.push_back(one.name);
        table_names.push_back(one.table_name);
        ++end;
      }
      if (v.numerator != 0) {
        Context group = UnitContext(*units[ranked[at]], ++index);
        group.name = absl::StrJoin(names, "、");
        group.table_name = absl::StrJoin(table_names, "、");
        groups.push_back(
            p.item.empty()
                ? absl::StrCat(group.name, FormatValue(v, FormatFor(p)))
                : Text(p.item, group));
      }
      at = end;
    }
    return absl::StrJoin(groups, "；");
  }

  size_t ListSize(const std::string& list) const {
    if (list == "awarded_staff") return records_.scorecard->staff_size();
    if (list == "awarded_windows") return records_.scorecard->windows_size();
    if (list == "scored") return records_.scorecard->departments_size();
    return records_.corrections->size();
  }

  std::string List(const std::string& list) const {
    if (list == "awarded_staff") {
      return AwardedStaff(*records_.scorecard, directory_);
    }
    if (list == "awarded_windows") return AwardedWindows(*records_.scorecard);
    if (list == "scored") {
      std::vector<std::string> names;
      for (const auto& d : records_.scorecard->departments()) {
        names.push_back(d.department_name());
      }
      return absl::StrJoin(names, "、");
    }
    return absl::StrJoin(CorrectionItems(*records_.corrections, directory_),
                         "；");
  }

  // {unit.departments}: a tier's, else the unit's departments by name.
  std::string Members(const Context& ctx) {
    if (ctx.members != nullptr) return absl::StrJoin(*ctx.members, "、");
    if (ctx.merged) return ctx.name;
    static const Part kNowhere;
    std::vector<std::string> names;
    for (const UnitInputs* d : Departments(
             TemplateScope{TemplateScope::Kind::kUnit, {}}, ctx, kNowhere)) {
      names.push_back(d->name);
    }
    return absl::StrJoin(names, "、");
  }

  std::string Text(const TemplateText& text, const Context& ctx) {
    std::string out;
    for (const Part& p : text) {
      // A zero row's figures are empty; its names and place are written.
      if (ctx.merged && p.kind != Part::Kind::kText &&
          p.kind != Part::Kind::kUnit && p.kind != Part::Kind::kPeriod &&
          p.kind != Part::Kind::kDraft) {
        continue;
      }
      switch (p.kind) {
        case Part::Kind::kText:
          out += p.text;
          break;
        case Part::Kind::kValue:
          out += FormatValue(Value(p.indicator, p.scope, ctx, kNow, p),
                             FormatFor(p));
          break;
        case Part::Kind::kCount: {
          IndicatorValue v = Value(p.indicator, p.scope, ctx, kNow, p);
          v.unit = IndicatorUnit::kCount;
          v.denominator = 1;
          out += FormatValue(v, Over(tmpl_.FormatOf(IndicatorUnit::kCount), p));
          break;
        }
        case Part::Kind::kChange:
        case Part::Kind::kYearChange: {
          const bool year = p.kind == Part::Kind::kYearChange;
          const Which w = year ? kYearBefore : kPrevious;
          const NumberFormat f = Over(tmpl_.change_format(), p);
          out += DescribeChange(Value(p.indicator, p.scope, ctx, kNow, p),
                                Value(p.indicator, p.scope, ctx, w, p),
                                EarlierName(period_, year ? Earlier::kYearBefore
                                                          : Earlier::kPrevious),
                                f);
          break;
        }
        case Part::Kind::kTop:
        case Part::Kind::kZero:
        case Part::Kind::kZeroCount:
          out += Ranking(p, ctx);
          break;
        case Part::Kind::kGrouped:
          out += Grouped(p, ctx);
          break;
        case Part::Kind::kShare: {
          const IndicatorValue part = Value(p.indicator, p.scope, ctx, kNow, p);
          const IndicatorValue whole = Value(p.base, p.scope, ctx, kNow, p);
          out += FormatValue(IndicatorValue{IndicatorUnit::kRate,
                                            part.numerator, whole.numerator},
                             Over(tmpl_.FormatOf(IndicatorUnit::kRate), p));
          break;
        }
        case Part::Kind::kList:
          out += List(p.text);
          break;
        case Part::Kind::kListCount:
          out += FormatValue(
              IndicatorValue{IndicatorUnit::kCount,
                             static_cast<int64_t>(ListSize(p.text)), 1},
              Over(tmpl_.FormatOf(IndicatorUnit::kCount), p));
          break;
        case Part::Kind::kPeriod:
          out += PeriodField(p.text);
          break;
        case Part::Kind::kDraft:
          out += DraftField(p);
          break;
        case Part::Kind::kUnit:
          if (p.text == "name") {
            out += ctx.name;
          } else if (p.text == "table_name") {
            out += ctx.table_name;
          } else if (p.text == "departments") {
            out += Members(ctx);
          } else if (ctx.index > 0) {
            out += p.text == "numeral" ? ChineseNumeral(ctx.index)
                                       : absl::StrCat(ctx.index);
          }
          break;
        case Part::Kind::kWhen: {
          bool holds = false;
          for (const auto& all : p.any_of) {
            bool each = true;
            for (const TemplateTest& t : all) each = each && Holds(t, ctx, p);
            if (each) {
              holds = true;
              break;
            }
          }
          out += Text(holds ? p.then : p.otherwise, ctx);
          break;
        }
      }
    }
    return out;
  }

  void Add(Block::Kind kind, std::string text, std::string lead = "") {
    doc_.blocks.push_back(Block{kind, std::move(text), std::move(lead)});
  }

  void Blocks(const std::vector<TemplateBlock>& blocks, const Context& ctx) {
    for (const TemplateBlock& b : blocks) {
      switch (b.kind) {
        case TemplateBlock::Kind::kText: {
          std::string text = Text(b.text, ctx);
          // A sentence whose every part was conditional and false.
          if (text.find_first_not_of(" \t") == std::string::npos) break;
          Add(b.block, std::move(text), Text(b.lead, ctx));
          break;
        }
        case TemplateBlock::Kind::kNarrative: {
          const auto& items = b.narrative == "work_progress"
                                  ? draft_.work_progress()
                                  : draft_.typical_experience();
          if (items.empty()) {
            doc_.warnings.push_back(
                absl::StrCat("draft field ", b.narrative, " is empty"));
            Add(Block::Kind::kParagraph,
                absl::StrCat("【待填写：", b.narrative, "】"));
          }
          for (const auto& item : items) {
            Add(Block::Kind::kLeadParagraph, item.body(), item.lead());
          }
          break;
        }
        case TemplateBlock::Kind::kEach:
          Each(b);
          break;
        case TemplateBlock::Kind::kTable:
          TableBlock(b.table, ctx);
          break;
      }
    }
  }

  void Each(const TemplateBlock& b) {
    // `each tiers` and `each untiered` stand alone (the parser's rule).
    if (b.units.front() == "tiers" || b.units.front() == "untiered") {
      EachTier(b, b.units.front() == "tiers");
      return;
    }
    std::vector<const UnitInputs*> units;
    Part where;
    where.line = b.line;
    where.column = 1;
    for (const std::string& u : b.units) {
      if (u == "groups") {
        for (const UnitInputs& g : tables_[kNow].groups) units.push_back(&g);
      } else if (u == "departments") {
        for (const UnitInputs& d : tables_[kNow].departments) {
          units.push_back(&d);
        }
      } else {
        TemplateScope one{TemplateScope::Kind::kNamed, {u}};
        std::vector<const UnitInputs*> found = Named(one, where);
        units.insert(units.end(), found.begin(), found.end());
      }
    }
    int index = 0;
    for (const UnitInputs* u : units) {
      Blocks(b.body, UnitContext(*u, ++index));
    }
  }

  // The scorecard's tiers (scorecard_lists.h): the labelled ones, or the
  // departments below every tier, numbered on from the tiers.
  void EachTier(const TemplateBlock& b, bool labelled) {
    const std::vector<TierList> tiers = Tiers(*records_.scorecard);
    const size_t below = tiers.empty() || !tiers.back().tier.empty()
                             ? tiers.size()
                             : tiers.size() - 1;
    for (size_t i = labelled ? 0 : below; i < (labelled ? below : tiers.size());
         ++i) {
      Context c;
      c.has_unit = true;
      c.name = c.table_name = tiers[i].tier;
      c.index = static_cast<int>(i) + 1;
      c.members = &tiers[i].departments;
      Blocks(b.body, c);
    }
  }

  void TableBlock(const TemplateTable& t, const Context& ctx) {
    const std::string title = Text(t.title, ctx);
    Add(Block::Kind::kAttachment, title);
    Table& table = doc_.attachment;
    table.header = t.headers;
    Part where;
    std::vector<const UnitInputs*> rows = Departments(t.rows, ctx, where);
    const int order_by = t.order_by >= 0 ? t.order_by : t.classes_by;
    if (order_by >= 0) {
      std::vector<IndicatorValue> values;
      for (const UnitInputs* u : rows) {
        values.push_back(plan_.Evaluate(order_by, u->inputs));
      }
      std::vector<size_t> order =
          TopUnits(values, values.size(), t.order_by >= 0 && t.ascending);
      // The units without a value (an empty denominator) last.
      std::vector<bool> placed(rows.size());
      for (size_t i : order) placed[i] = true;
      for (size_t i = 0; i < rows.size(); ++i) {
        if (!placed[i]) order.push_back(i);
      }
      std::vector<const UnitInputs*> sorted;
      for (size_t i : order) sorted.push_back(rows[i]);
      rows = std::move(sorted);
    }
    if (t.total) {
      Context total;
      total.has_unit = true;
      // Its label stands in the first column; its name and place are empty.
      std::array<IndicatorInputs, 3> sums;
      for (int w = 0; w < 3; ++w) {
        for (const UnitInputs* u : rows) {
          auto it = codes_[w].find(u->code);
          if (it != codes_[w].end()) sums[w] += it->second->inputs;
        }
        total.inputs[w] = &sums[w];
      }
      std::vector<TableCell> cells = {{*t.total}};
      for (size_t c = 1; c < t.cells.size(); ++c) {
        cells.push_back({Text(t.cells[c], total)});
      }
      table.rows.push_back(std::move(cells));
    }
    // The units at zero, together in one last row.
    std::vector<const UnitInputs*> zero;
    if (t.zero_row && order_by >= 0) {
      std::vector<const UnitInputs*> listed;
      for (const UnitInputs* u : rows) {
        const IndicatorValue v = plan_.Evaluate(order_by, u->inputs);
        (!v.empty() && v.numerator == 0 ? zero : listed).push_back(u);
      }
      rows = std::move(listed);
    }
    int index = 0;
    size_t class_start = 0;  // the row holding the current class's span
    for (const UnitInputs* u : rows) {
      const Context row = UnitContext(*u, ++index);
      std::vector<TableCell> cells;
      for (const TemplateText& cell : t.cells) {
        cells.push_back({Text(cell, row)});
      }
      if (t.classes_column >= 0) {
        const IndicatorValue v = plan_.Evaluate(t.classes_by, u->inputs);
        const size_t c = static_cast<size_t>(t.classes_column);
        cells[c].text =
            t.classes.LabelOf(v.empty() ? 0 : v.numerator / v.denominator);
        // A run of one class is one merged cell.
        if (index > 1 && table.rows[class_start][c].text == cells[c].text) {
          cells[c].covered = true;
          ++table.rows[class_start][c].row_span;
        } else {
          class_start = table.rows.size();
        }
      }
      table.rows.push_back(std::move(cells));
    }
    if (!zero.empty()) {
      Context together;
      together.has_unit = true;
      together.merged = true;
      together.index = ++index;
      std::vector<std::string> names, table_names;
      for (const UnitInputs* u : zero) {
        const Context one = UnitContext(*u, 0);
        names.push_back(one.name);
        table_names.push_back(one.table_name);
      }
      together.name = absl::StrJoin(names, "、");
      together.table_name = absl::StrJoin(table_names, "、");
      std::vector<TableCell> cells;
      for (const TemplateText& cell : t.cells) {
        cells.push_back({Text(cell, together)});
      }
      if (t.classes_column >= 0) {
        cells[static_cast<size_t>(t.classes_column)].text =
            t.classes.LabelOf(0);
      }
      // The row ends with its names: its figures are not shown.
      while (!cells.empty() && cells.back().text.empty()) cells.pop_back();
      table.rows.push_back(std::move(cells));
    }
  }

  const BulletinTemplate& tmpl_;
  const IndicatorPlan& plan_;
  const zwfw::v1::Draft& draft_;
  const zwfw::v1::DirectorySnapshot& directory_;
  const ReportPeriod period_;
  const TemplateRecords& records_;
  absl::flat_hash_map<std::string, std::string> table_names_;
  std::array<bool, 3> present_ = {false, false, false};
  std::array<UnitTable, 3> tables_;
  std::array<absl::flat_hash_map<std::string, const UnitInputs*>, 3> codes_;
  absl::flat_hash_map<std::string, const UnitInputs*> names_;
  std::set<std::string> warned_;
  Document doc_;
};

}  // namespace

const google::protobuf::RepeatedPtrField<zwfw::v1::CaseCorrection>
    TemplateRecords::kNoCorrections;

Document ComposeFromTemplate(const BulletinTemplate& tmpl,
                             const zwfw::v1::Draft& draft,
                             const zwfw::v1::DirectorySnapshot& directory,
                             const PeriodAggregates& now,
                             const PeriodAggregates* previous,
                             const PeriodAggregates* year_before,
                             const TemplateRecords& records) {
  return Composer(tmpl, draft, directory, now, previous, year_before, records)
      .Compose();
}

}  // namespace zwfw::bulletin
