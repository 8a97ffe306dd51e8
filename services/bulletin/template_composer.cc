#include "services/bulletin/template_composer.h"

#include <algorithm>
#include <array>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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
           const PeriodAggregates* year_before)
      : tmpl_(tmpl), plan_(tmpl.plan()), draft_(draft), period_(now.period) {
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
    int index = 0;
  };

  Context UnitContext(const UnitInputs& u, int index) const {
    Context c;
    c.has_unit = true;
    c.code = u.code;
    c.name = u.name;
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
    const IndicatorValue v = Value(t.indicator, t.scope, ctx, kNow, p);
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

  std::string Text(const TemplateText& text, const Context& ctx) {
    std::string out;
    for (const Part& p : text) {
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
        case Part::Kind::kPeriod:
          out += PeriodField(p.text);
          break;
        case Part::Kind::kDraft:
          out += DraftField(p);
          break;
        case Part::Kind::kUnit:
          if (p.text == "name") {
            out += ctx.name;
          } else if (ctx.index > 0) {
            out += absl::StrCat(ctx.index);
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
          Add(b.block, std::move(text));
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
  }

  const BulletinTemplate& tmpl_;
  const IndicatorPlan& plan_;
  const zwfw::v1::Draft& draft_;
  const ReportPeriod period_;
  std::array<bool, 3> present_ = {false, false, false};
  std::array<UnitTable, 3> tables_;
  std::array<absl::flat_hash_map<std::string, const UnitInputs*>, 3> codes_;
  absl::flat_hash_map<std::string, const UnitInputs*> names_;
  std::set<std::string> warned_;
  Document doc_;
};

}  // namespace

Document ComposeFromTemplate(const BulletinTemplate& tmpl,
                             const zwfw::v1::Draft& draft,
                             const zwfw::v1::DirectorySnapshot& directory,
                             const PeriodAggregates& now,
                             const PeriodAggregates* previous,
                             const PeriodAggregates* year_before) {
  return Composer(tmpl, draft, directory, now, previous, year_before).Compose();
}

}  // namespace zwfw::bulletin
