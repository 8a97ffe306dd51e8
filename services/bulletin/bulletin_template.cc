#include "services/bulletin/bulletin_template.h"

#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace zwfw::bulletin {

using Part = TemplatePart;

namespace {

// The block keywords and the document blocks they write.
const std::map<std::string, Block::Kind>& TextBlocks() {
  static const auto* const blocks = new std::map<std::string, Block::Kind>{
      {"issuing_office", Block::Kind::kIssuingOffice},
      {"document_number", Block::Kind::kDocumentNumber},
      {"title", Block::Kind::kTitle},
      {"addressees", Block::Kind::kAddressees},
      {"paragraph", Block::Kind::kParagraph},
      {"heading", Block::Kind::kHeading},
      {"closing", Block::Kind::kClosing},
      {"attachment_note", Block::Kind::kAttachmentNote},
      {"signature", Block::Kind::kSignature},
      {"date", Block::Kind::kDate},
      {"publicity", Block::Kind::kPublicity},
      {"colophon", Block::Kind::kColophon},
  };
  return *blocks;
}

constexpr const char* kDraftFields[] = {
    "issuing_office", "document_number", "title",           "addressees",
    "opening",        "region",          "signing_date",    "printing_office",
    "printing_date",  "publicity_note",  "attachment_title"};
constexpr const char* kPeriodFields[] = {"name", "months", "part", "year"};
constexpr const char* kUnitFields[] = {"name", "index", "numeral", "table_name",
                                       "departments"};
// GetCaseSums answers at most this many measures (intake's case_sums.h).
constexpr size_t kMaxCaseMeasures = 64;

template <size_t N>
bool OneOf(absl::string_view word, const char* const (&words)[N]) {
  for (const char* w : words) {
    if (word == w) return true;
  }
  return false;
}

// The first `c` outside square brackets and braces; npos when none.
size_t FindOutside(absl::string_view s, char c, size_t from = 0) {
  int depth = 0;
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == '[' || s[i] == '{') {
      ++depth;
    } else if (s[i] == ']' || s[i] == '}') {
      --depth;
    } else if (s[i] == c && depth == 0) {
      return i;
    }
  }
  return absl::string_view::npos;
}

// Leading and trailing ASCII spaces removed; `offset` advanced past the
// leading ones.
absl::string_view Trim(absl::string_view s, size_t* offset) {
  size_t a = 0;
  while (a < s.size() && s[a] == ' ') ++a;
  size_t b = s.size();
  while (b > a && s[b - 1] == ' ') --b;
  *offset += a;
  return s.substr(a, b - a);
}

}  // namespace

class TemplateParser {
 public:
  explicit TemplateParser(BulletinTemplate* out) : out_(out) {}

  absl::Status Run(absl::string_view text) {
    if (text.size() > kMaxTemplateBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("template: ", text.size(),
                       " bytes is over the limit of ", kMaxTemplateBytes));
    }
    lines_ = absl::StrSplit(text, '\n');
    for (auto& l : lines_) absl::ConsumeSuffix(&l, "\r");
    next_ = 0;
    std::vector<TemplateBlock> blocks;
    if (!Blocks(&blocks, /*in=*/"")) return error_;
    out_->blocks_ = std::move(blocks);
    if (out_->plan_.measures().size() > kMaxCaseMeasures) {
      return absl::InvalidArgumentError(absl::StrCat(
          "template: its indicators read ", out_->plan_.measures().size(),
          " case measures, over the limit of ", kMaxCaseMeasures));
    }
    return absl::OkStatus();
  }

 private:
  // The column (1-based, in characters) of byte `offset` of the line.
  int Column(size_t offset) const {
    absl::string_view l = lines_[line_ - 1];
    int column = 1;
    for (size_t i = 0; i < offset && i < l.size(); ++i) {
      if ((static_cast<unsigned char>(l[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
  }

  bool Fail(size_t offset, absl::string_view message) {
    if (error_.ok()) {
      error_ = absl::InvalidArgumentError(absl::StrCat(
          "line ", line_, ", column ", Column(offset), ": ", message));
    }
    return false;
  }

  // A line's (or a placeholder's) first word and the rest, with their byte
  // offsets.
  struct Line {
    absl::string_view keyword, rest;
    size_t at = 0, rest_at = 0;
  };

  // `s`, trimmed and at byte `at`, split at its first space.
  static Line SplitWord(absl::string_view s, size_t at) {
    Line out;
    const size_t space = s.find(' ');
    out.keyword = s.substr(0, space);
    out.at = at;
    out.rest_at = at + out.keyword.size();
    out.rest = Trim(space == absl::string_view::npos ? "" : s.substr(space),
                    &out.rest_at);
    return out;
  }

  // The next line that is not blank or a comment; false at the end.
  bool Next(Line* out) {
    while (next_ < lines_.size()) {
      line_ = static_cast<int>(++next_);
      size_t at = 0;
      absl::string_view l = Trim(lines_[line_ - 1], &at);
      if (l.empty() || l[0] == '#') continue;
      *out = SplitWord(l, at);
      return true;
    }
    return false;
  }

  // Blocks up to the `end` closing `in` ("each" or "table"), or the end.
  bool Blocks(std::vector<TemplateBlock>* blocks, absl::string_view in) {
    Line l;
    while (Next(&l)) {
      if (l.keyword == "end") {
        if (in.empty()) return Fail(l.at, "end without each or table");
        if (!l.rest.empty()) return Fail(l.rest_at, "nothing may follow end");
        return true;
      }
      if (!Block(l, blocks, in)) return false;
    }
    if (!in.empty()) {
      line_ = static_cast<int>(lines_.size());
      return Fail(lines_.back().size(), absl::StrCat(in, " without end"));
    }
    return true;
  }

  bool Block(const Line& l, std::vector<TemplateBlock>* blocks,
             absl::string_view in) {
    const absl::string_view keyword = l.keyword, rest = l.rest;
    const size_t at = l.at, rest_at = l.rest_at;
    const bool top = in.empty();
    auto setting = [&]() {
      if (!top) {
        return Fail(at, absl::StrCat(keyword, " only at the top level"));
      }
      return true;
    };
    if (keyword == "template") {
      if (!setting()) return false;
      out_->title_ = std::string(rest);
      return true;
    }
    if (keyword == "period") {
      if (!setting()) return false;
      for (absl::string_view k : absl::StrSplit(rest, ' ', absl::SkipEmpty())) {
        static const std::map<std::string, ReportPeriod::Kind> kKinds = {
            {"month", ReportPeriod::Kind::kMonth},
            {"quarter", ReportPeriod::Kind::kQuarter},
            {"half", ReportPeriod::Kind::kHalfYear},
            {"year", ReportPeriod::Kind::kYear}};
        auto it = kKinds.find(std::string(k));
        if (it == kKinds.end()) {
          return Fail(rest_at + (k.data() - rest.data()),
                      absl::StrCat("unknown period kind \"", k,
                                   "\"; one of month, quarter, half, year"));
        }
        out_->kinds_.push_back(it->second);
      }
      if (out_->kinds_.empty()) return Fail(rest_at, "period needs a kind");
      return true;
    }
    if (keyword == "scope") {
      if (!setting()) return false;
      return Scope(rest, rest_at, /*units=*/false, &out_->scope_);
    }
    if (keyword == "format") {
      if (!setting()) return false;
      const Line format = SplitWord(rest, rest_at);
      const absl::string_view kind = format.keyword;
      absl::StatusOr<NumberFormat> f = NumberFormat::Parse(format.rest);
      if (!f.ok()) return Fail(format.rest_at, f.status().message());
      static const std::map<std::string, IndicatorUnit> kUnits = {
          {"count", IndicatorUnit::kCount},
          {"rate", IndicatorUnit::kRate},
          {"days", IndicatorUnit::kDays}};
      if (kind == "change") {
        out_->change_format_ = *f;
      } else if (auto it = kUnits.find(std::string(kind)); it != kUnits.end()) {
        out_->formats_[it->second] = *f;
      } else {
        return Fail(rest_at,
                    absl::StrCat("unknown format kind \"", kind,
                                 "\"; one of count, rate, days, change"));
      }
      return true;
    }
    TemplateBlock b;
    b.line = line_;
    if (auto it = TextBlocks().find(std::string(keyword));
        it != TextBlocks().end()) {
      b.kind = TemplateBlock::Kind::kText;
      b.block = it->second;
      absl::string_view text = rest;
      size_t text_at = rest_at;
      // colophon OFFICE | TEXT: the printing office and its line.
      if (b.block == Block::Kind::kColophon) {
        const size_t bar = FindOutside(rest, '|');
        if (bar == absl::string_view::npos) {
          return Fail(rest_at, "colophon needs its office | its text");
        }
        if (!Text(Trim(rest.substr(0, bar), &text_at), text_at, in == "each",
                  -1, &b.lead)) {
          return false;
        }
        text_at = rest_at + bar + 1;
        text = Trim(rest.substr(bar + 1), &text_at);
      }
      if (!Text(text, text_at, in == "each", /*ranked=*/-1, &b.text)) {
        return false;
      }
      blocks->push_back(std::move(b));
      return true;
    }
    if (keyword == "narrative") {
      if (rest != "work_progress" && rest != "typical_experience") {
        return Fail(rest_at,
                    "narrative is work_progress or typical_experience");
      }
      b.kind = TemplateBlock::Kind::kNarrative;
      b.narrative = std::string(rest);
      blocks->push_back(std::move(b));
      return true;
    }
    if (keyword == "each") {
      if (++depth_ > kMaxTemplateNesting) {
        return Fail(at,
                    absl::StrCat("nested deeper than ", kMaxTemplateNesting));
      }
      b.kind = TemplateBlock::Kind::kEach;
      if (rest.empty()) {
        return Fail(rest_at,
                    "each needs its units: groups, departments, or names");
      }
      for (absl::string_view u : absl::StrSplit(rest, ',')) {
        size_t u_at = rest_at + (u.data() - rest.data());
        u = Trim(u, &u_at);
        if (u.empty()) return Fail(u_at, "an empty unit name");
        if (u == "tiers" || u == "untiered") out_->reads_scorecard_ = true;
        b.units.emplace_back(u);
      }
      if (out_->reads_scorecard_ && b.units.size() > 1) {
        for (const std::string& u : b.units) {
          if (u == "tiers" || u == "untiered") {
            return Fail(rest_at, absl::StrCat("each ", u, " stands alone"));
          }
        }
      }
      if (!Blocks(&b.body, "each")) return false;
      --depth_;
      blocks->push_back(std::move(b));
      return true;
    }
    if (keyword == "table") {
      if (!top) return Fail(at, "a table only at the top level");
      if (has_table_) return Fail(at, "one table per template");
      has_table_ = true;
      b.kind = TemplateBlock::Kind::kTable;
      if (!Text(rest, rest_at, false, -1, &b.table.title)) return false;
      if (!Table(&b.table)) return false;
      blocks->push_back(std::move(b));
      return true;
    }
    return Fail(at, absl::StrCat("unknown keyword \"", keyword, "\""));
  }

  bool Table(TemplateTable* t) {
    bool has_rows = false;
    Line l;
    while (Next(&l)) {
      const absl::string_view keyword = l.keyword, rest = l.rest;
      const size_t at = l.at, rest_at = l.rest_at;
      if (keyword == "end") {
        if (t->headers.empty()) return Fail(at, "a table needs a column");
        if (!has_rows) return Fail(at, "a table needs its rows");
        return true;
      }
      if (keyword == "column") {
        const size_t sp = rest.find(' ');
        if (rest.empty() || sp == absl::string_view::npos) {
          return Fail(rest_at, "column needs a header and its cell text");
        }
        t->headers.emplace_back(rest.substr(0, sp));
        size_t cell_at = rest_at + sp;
        absl::string_view cell = Trim(rest.substr(sp), &cell_at);
        TemplateText text;
        if (!Text(cell, cell_at, /*unit=*/true, -1, &text)) return false;
        t->cells.push_back(std::move(text));
      } else if (keyword == "rows") {
        has_rows = true;
        // rows SCOPE [by INDICATOR [asc]]
        const size_t by = rest.find(" by ");
        absl::string_view scope = rest.substr(0, by);
        if (!Scope(scope, rest_at, /*units=*/false, &t->rows)) return false;
        if (by != absl::string_view::npos) {
          size_t ind_at = rest_at + by + 4;
          absl::string_view ind = Trim(rest.substr(by + 4), &ind_at);
          if (absl::ConsumeSuffix(&ind, " asc")) t->ascending = true;
          absl::StatusOr<int> i = out_->plan_.Add(ind);
          if (!i.ok()) return Fail(ind_at, i.status().message());
          t->order_by = *i;
        }
      } else if (keyword == "classes") {
        // classes HEADER INDICATOR [LARGE_ABOVE MEDIUM_ABOVE]
        std::vector<absl::string_view> words =
            absl::StrSplit(rest, ' ', absl::SkipEmpty());
        if (t->classes_column >= 0) return Fail(at, "one classes per table");
        if (words.size() != 2 && words.size() != 4) {
          return Fail(rest_at,
                      "classes needs a header, a count indicator and "
                      "optionally the two bounds (1000 100)");
        }
        const size_t ind_at = rest_at + (words[1].data() - rest.data());
        absl::StatusOr<int> i = out_->plan_.Add(words[1]);
        if (!i.ok()) return Fail(ind_at, i.status().message());
        if (out_->plan_.indicators()[*i].unit != IndicatorUnit::kCount) {
          return Fail(ind_at, "classes are of a count indicator");
        }
        if (words.size() == 4 &&
            (!absl::SimpleAtoi(words[2], &t->classes.large_above) ||
             !absl::SimpleAtoi(words[3], &t->classes.medium_above) ||
             t->classes.medium_above < 0 ||
             t->classes.large_above <= t->classes.medium_above)) {
          return Fail(rest_at + (words[2].data() - rest.data()),
                      "the bounds are two whole numbers, the larger first");
        }
        t->classes_column = static_cast<int>(t->headers.size());
        t->classes_by = *i;
        t->headers.emplace_back(words[0]);
        t->cells.emplace_back();
      } else if (keyword == "zero_row") {
        if (!rest.empty()) return Fail(rest_at, "zero_row takes nothing");
        t->zero_row = true;
      } else if (keyword == "total") {
        t->total = std::string(rest.empty() ? "合计" : rest);
      } else {
        return Fail(at, absl::StrCat("unknown table line \"", keyword,
                                     "\"; one of column, classes, rows, total, "
                                     "zero_row, end"));
      }
    }
    return Fail(lines_[line_ - 1].size(), "table without end");
  }

  // SCOPE: all | unit | NAME[+NAME…]. `units`: unit allowed.
  bool Scope(absl::string_view s, size_t at, bool units, TemplateScope* out) {
    s = Trim(s, &at);
    if (s.empty()) return Fail(at, "an empty scope");
    if (s == "all") {
      out->kind = TemplateScope::Kind::kAll;
      return true;
    }
    if (s == "unit") {
      if (!units) {
        return Fail(at,
                    "@unit outside each, a table's cells or a ranking's "
                    "entries");
      }
      out->kind = TemplateScope::Kind::kUnit;
      return true;
    }
    out->kind = TemplateScope::Kind::kNamed;
    for (absl::string_view n : absl::StrSplit(s, '+')) {
      size_t n_at = at + (n.data() - s.data());
      n = Trim(n, &n_at);
      if (n.empty()) return Fail(n_at, "an empty unit name");
      out->names.emplace_back(n);
    }
    return true;
  }

  // INDICATOR[@SCOPE][|FORMAT]; `format` null: none allowed.
  bool Figure(absl::string_view s, size_t at, bool units, Part* part,
              bool format) {
    s = Trim(s, &at);
    const size_t bar = FindOutside(s, '|');
    if (bar != absl::string_view::npos) {
      if (!format) return Fail(at + bar, "no format here");
      absl::StatusOr<NumberFormat> f = NumberFormat::Parse(s.substr(bar + 1));
      if (!f.ok()) return Fail(at + bar + 1, f.status().message());
      part->format = std::string(s.substr(bar + 1));
      s = s.substr(0, bar);
    }
    const size_t sign = FindOutside(s, '@');
    if (sign != absl::string_view::npos) {
      if (!Scope(s.substr(sign + 1), at + sign + 1, units, &part->scope)) {
        return false;
      }
      s = s.substr(0, sign);
    }
    size_t ind_at = at;
    s = Trim(s, &ind_at);
    if (s.empty()) return Fail(ind_at, "an indicator is missing");
    absl::StatusOr<int> i = out_->plan_.Add(s);
    if (!i.ok()) return Fail(ind_at, i.status().message());
    part->indicator = *i;
    return true;
  }

  // A condition: TEST [and TEST…] [or TEST [and TEST…]…]; TEST:
  // INDICATOR[@SCOPE] OP NUMBER.
  bool Condition(absl::string_view s, size_t at, bool units, Part* part) {
    if (Trim(s, &at).empty()) return Fail(at, "when needs a condition");
    for (absl::string_view any : absl::StrSplit(s, " or ")) {
      std::vector<TemplateTest>& all = part->any_of.emplace_back();
      for (absl::string_view t : absl::StrSplit(any, " and ")) {
        const size_t t_at = at + (t.data() - s.data());
        static const std::pair<const char*, TemplateTest::Op> kOps[] = {
            {"==", TemplateTest::Op::kEq}, {"!=", TemplateTest::Op::kNe},
            {"<=", TemplateTest::Op::kLe}, {">=", TemplateTest::Op::kGe},
            {"<", TemplateTest::Op::kLt},  {">", TemplateTest::Op::kGt}};
        size_t op_at = absl::string_view::npos;
        TemplateTest test;
        size_t op_size = 0;
        for (const auto& [text, op] : kOps) {
          size_t found = FindOutside(t, text[0]);
          while (found != absl::string_view::npos &&
                 t.substr(found, strlen(text)) != text) {
            found = FindOutside(t, text[0], found + 1);
          }
          if (found != absl::string_view::npos) {
            op_at = found;
            op_size = strlen(text);
            test.op = op;
            break;
          }
        }
        if (op_at == absl::string_view::npos) {
          return Fail(t_at,
                      "a test needs a comparison: ==, !=, <, <=, > or >=");
        }
        size_t left_at = t_at;
        absl::string_view left = Trim(t.substr(0, op_at), &left_at);
        if (absl::ConsumePrefix(&left, "count ")) {
          left_at += 6;
          if (!List(Trim(left, &left_at), left_at)) return false;
          test.list = std::string(left);
        } else {
          Part figure;
          if (!Figure(left, left_at, units, &figure, false)) return false;
          test.indicator = figure.indicator;
          test.scope = figure.scope;
        }
        size_t n_at = t_at + op_at + op_size;
        absl::string_view n = Trim(t.substr(op_at + op_size), &n_at);
        absl::ConsumeSuffix(&n, "%");
        if (!Number(n, &test.numerator, &test.denominator)) {
          return Fail(
              n_at, absl::StrCat("\"", n, "\" is not a number (e.g. 0, 95.5)"));
        }
        all.push_back(std::move(test));
      }
    }
    return true;
  }

  // One of kTemplateLists, noting what the template reads.
  bool List(absl::string_view name, size_t at) {
    if (!OneOf(name, kTemplateLists)) {
      return Fail(at, absl::StrCat("unknown list \"", name,
                                   "\"; one of awarded_staff, "
                                   "awarded_windows, scored, corrections"));
    }
    (name == "corrections" ? out_->reads_corrections_
                           : out_->reads_scorecard_) = true;
    return true;
  }

  // A ranking's INDICATOR[@SCOPE][|FORMAT] [asc][: ENTRY].
  bool Ranked(absl::string_view spec, size_t spec_at, bool units, Part* part) {
    absl::string_view entry;
    size_t entry_at = 0;
    if (const size_t colon = FindOutside(spec, ':');
        colon != absl::string_view::npos) {
      entry_at = spec_at + colon + 1;
      entry = Trim(spec.substr(colon + 1), &entry_at);
      spec = spec.substr(0, colon);
    }
    spec = absl::StripTrailingAsciiWhitespace(spec);
    if (absl::ConsumeSuffix(&spec, " asc")) part->ascending = true;
    if (!Figure(spec, spec_at, units, part, true)) return false;
    if (entry.empty()) return true;
    return Text(entry, entry_at, /*units=*/true, part->indicator, &part->item);
  }

  // "95.5" as 955 / 10; at most 6 decimals.
  static bool Number(absl::string_view n, int64_t* numerator,
                     int64_t* denominator) {
    const size_t dot = n.find('.');
    std::string digits(n.substr(0, dot));
    int64_t scale = 1;
    if (dot != absl::string_view::npos) {
      absl::string_view fraction = n.substr(dot + 1);
      if (fraction.empty() || fraction.size() > 6) return false;
      digits += std::string(fraction);
      for (size_t i = 0; i < fraction.size(); ++i) scale *= 10;
    }
    if (digits.empty() || digits.size() > 15) return false;
    for (char c : digits) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    }
    *numerator = std::stoll(digits);
    *denominator = scale;
    return true;
  }

  // A placeholder's content (between its braces), at byte `at`.
  // `units`: @unit and unit.* allowed; `ranked` ≥ 0: inside a ranking's
  // entry, whose {value} is that indicator.
  bool Placeholder(absl::string_view s, size_t at, bool units, int ranked,
                   Part* part) {
    part->line = line_;  // its column: Text's, where its brace stands
    s = Trim(s, &at);
    const Line split = SplitWord(s, at);
    const absl::string_view word = split.keyword, rest = split.rest;
    const size_t rest_at = split.rest_at;
    using K = Part::Kind;
    if (word == "when") {
      part->kind = K::kWhen;
      return Condition(rest, rest_at, units, part);
    }
    if (absl::ConsumePrefix(&s, "period.")) {
      if (!OneOf(s, kPeriodFields)) {
        return Fail(at, absl::StrCat("unknown period field \"", s,
                                     "\"; one of name, months, part, year"));
      }
      part->kind = K::kPeriod;
      part->text = std::string(s);
      return true;
    }
    if (absl::ConsumePrefix(&s, "draft.")) {
      if (!OneOf(s, kDraftFields)) {
        return Fail(at, absl::StrCat("unknown draft field \"", s, "\""));
      }
      part->kind = K::kDraft;
      part->text = std::string(s);
      return true;
    }
    if (absl::ConsumePrefix(&s, "unit.") || (ranked >= 0 && s == "name")) {
      if (!OneOf(s, kUnitFields)) {
        return Fail(at, absl::StrCat("unknown unit field \"", s,
                                     "\"; one of name, index, numeral, "
                                     "table_name, departments"));
      }
      if (!units) {
        return Fail(at,
                    "unit fields only inside each, a table's cells or a "
                    "ranking's entries");
      }
      part->kind = K::kUnit;
      part->text = std::string(s);
      return true;
    }
    if (s == "value" && ranked >= 0) {
      part->kind = K::kValue;
      part->indicator = ranked;
      part->scope.kind = TemplateScope::Kind::kUnit;
      return true;
    }
    if (word == "change" || word == "year_change") {
      part->kind = word == "change" ? K::kChange : K::kYearChange;
      (word == "change" ? out_->compares_ : out_->compares_year_) = true;
      return Figure(rest, rest_at, units, part, true);
    }
    if (word == "count") {
      size_t what_at = rest_at;
      absl::string_view what = rest;
      if (absl::ConsumePrefix(&what, "zero ")) {
        part->kind = K::kZeroCount;
        what_at += 5;
      } else if (OneOf(what, kTemplateLists)) {
        part->kind = K::kListCount;
        part->text = std::string(what);
        return List(what, what_at);
      } else {
        part->kind = K::kCount;
      }
      return Figure(what, what_at, units, part, part->kind == K::kCount);
    }
    if (word == "zero") {
      part->kind = K::kZero;
      return Figure(rest, rest_at, units, part, false);
    }
    if (word == "top") {
      part->kind = K::kTop;
      // top N INDICATOR[@SCOPE][|FORMAT] [asc][: ENTRY]
      const size_t sp = rest.find(' ');
      size_t n = 0;
      if (sp == absl::string_view::npos ||
          !absl::SimpleAtoi(rest.substr(0, sp), &n) || n == 0 ||
          n > kMaxTemplateRanking) {
        return Fail(rest_at,
                    absl::StrCat("top needs a count 1–", kMaxTemplateRanking,
                                 " and an indicator"));
      }
      part->count = n;
      return Ranked(rest.substr(sp + 1), rest_at + sp + 1, units, part);
    }
    if (word == "grouped") {
      // grouped INDICATOR[@SCOPE][|FORMAT] [asc][: ENTRY]
      part->kind = K::kGrouped;
      return Ranked(rest, rest_at, units, part);
    }
    if (word == "share") {
      // share COUNT of COUNT: the first as a rate of the second.
      part->kind = K::kShare;
      const size_t of = rest.find(" of ");
      if (of == absl::string_view::npos) {
        return Fail(rest_at, "share needs two counts: share A of B");
      }
      Part base;
      if (!Figure(rest.substr(0, of), rest_at, units, part, false) ||
          !Figure(rest.substr(of + 4), rest_at + of + 4, units, &base, true)) {
        return false;
      }
      for (const Part* p : {&*part, &base}) {
        if (out_->plan_.indicators()[p->indicator].unit !=
            IndicatorUnit::kCount) {
          return Fail(rest_at, "share is of two count indicators");
        }
      }
      if (!(base.scope.kind == part->scope.kind &&
            base.scope.names == part->scope.names)) {
        return Fail(rest_at + of + 4, "share's two counts take one scope");
      }
      part->base = base.indicator;
      part->format = base.format;
      return true;
    }
    if (OneOf(s, kTemplateLists)) {
      part->kind = K::kList;
      part->text = std::string(s);
      return List(s, at);
    }
    if (word == "else" || word == "end") {
      return Fail(at, absl::StrCat("{", word, "} without {when}"));
    }
    part->kind = K::kValue;
    return Figure(s, at, units, part, true);
  }

  // Text with placeholders; {when}…{else}…{end} nest.
  bool Text(absl::string_view s, size_t at, bool units, int ranked,
            TemplateText* out) {
    struct Open {
      Part* when;
      bool in_else;
    };
    std::vector<Open> open;
    std::vector<TemplateText*> into = {out};
    std::string text;
    auto flush = [&]() {
      if (text.empty()) return;
      Part p;
      p.text = std::move(text);
      text.clear();
      into.back()->push_back(std::move(p));
    };
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '}') return Fail(at + i, "} without {");
      if (s[i] != '{') {
        text += s[i];
        continue;
      }
      int depth = 0;
      size_t j = i;
      for (; j < s.size(); ++j) {
        if (s[j] == '{') ++depth;
        if (s[j] == '}' && --depth == 0) break;
      }
      if (j == s.size()) return Fail(at + i, "{ without }");
      flush();
      absl::string_view content = s.substr(i + 1, j - i - 1);
      size_t c_at = at + i + 1;
      absl::string_view word = Trim(content, &c_at);
      if (word == "else") {
        if (open.empty() || open.back().in_else) {
          return Fail(at + i, "{else} without {when}");
        }
        open.back().in_else = true;
        into.back() = &open.back().when->otherwise;
      } else if (word == "end") {
        if (open.empty()) return Fail(at + i, "{end} without {when}");
        open.pop_back();
        into.pop_back();
      } else {
        Part p;
        if (!Placeholder(content, at + i + 1, units, ranked, &p)) {
          return false;
        }
        p.column = Column(at + i);
        into.back()->push_back(std::move(p));
        if (into.back()->back().kind == Part::Kind::kWhen) {
          if (open.size() >= static_cast<size_t>(kMaxTemplateNesting)) {
            return Fail(at + i, absl::StrCat("{when} nested deeper than ",
                                             kMaxTemplateNesting));
          }
          // Pointers stay valid: a vector is appended to only through the
          // innermost open list, and an open {when} is its last element.
          open.push_back({&into.back()->back(), false});
          into.push_back(&open.back().when->then);
        }
      }
      i = j;
    }
    flush();
    if (!open.empty()) {
      const Part& w = *open.back().when;
      return Fail(
          0, absl::StrCat("{when} at column ", w.column, " without {end}"));
    }
    return true;
  }

  BulletinTemplate* const out_;
  std::vector<absl::string_view> lines_;
  size_t next_ = 0;
  int line_ = 0;
  int depth_ = 0;
  bool has_table_ = false;
  absl::Status error_;
};

absl::StatusOr<BulletinTemplate> BulletinTemplate::Parse(
    absl::string_view text, const SatisfiedLevels& satisfied) {
  BulletinTemplate t(satisfied);
  TemplateParser parser(&t);
  absl::Status s = parser.Run(text);
  if (!s.ok()) return s;
  return t;
}

bool BulletinTemplate::Accepts(ReportPeriod::Kind kind) const {
  if (kinds_.empty()) return true;
  for (ReportPeriod::Kind k : kinds_) {
    if (k == kind) return true;
  }
  return false;
}

NumberFormat BulletinTemplate::FormatOf(IndicatorUnit unit) const {
  auto it = formats_.find(unit);
  return it == formats_.end() ? NumberFormat() : it->second;
}

absl::Status CheckTemplateName(absl::string_view name) {
  if (name.empty() || name.size() > kMaxTemplateNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("template name: 1 to ", kMaxTemplateNameBytes, " bytes"));
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_' && c != '.') {
      return absl::InvalidArgumentError(
          absl::StrCat("template name \"", name,
                       "\": letters, digits, '-', '_' and '.' only"));
    }
  }
  return absl::OkStatus();
}

}  // namespace zwfw::bulletin
