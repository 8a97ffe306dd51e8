#include "tools/zwfw/xlsx_reader.h"

#include <expat.h>
#include <minizip/unzip.h>

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace zwfw::cli {
namespace {

constexpr int64_t kMaxPartBytes = int64_t{4} << 30;
constexpr int64_t kMaxRatio = 1000;
constexpr size_t kMaxMerges = 1000000;
constexpr size_t kChunk = 256 << 10;

absl::Status Bad(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("xlsx: ", why));
}

// The element's local name: "x:row" → "row".
absl::string_view Local(const char* name) {
  absl::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == absl::string_view::npos ? n : n.substr(colon + 1);
}

const char* Attr(const char** attrs, absl::string_view name) {
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    if (Local(attrs[i]) == name) return attrs[i + 1];
  }
  return nullptr;
}

// "BC12" → column 54 (0-based), row 12; false when it is not a reference.
bool ParseRef(absl::string_view ref, int* column, int64_t* row) {
  size_t i = 0;
  int c = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    c = c * 26 + (ref[i] - 'A' + 1);
    if (c > kMaxXlsxColumns) return false;
    ++i;
  }
  if (i == 0) return false;
  *column = c - 1;
  return absl::SimpleAtoi(ref.substr(i), row) && *row >= 1;
}

// Streams one part of the zip through `feed`, checking its size against
// its compressed size as it goes.
absl::Status ReadPart(
    unzFile zip, const std::string& name,
    const std::function<absl::Status(absl::string_view, bool last)>& feed) {
  if (unzLocateFile(zip, name.c_str(), 0) != UNZ_OK) {
    return absl::NotFoundError(absl::StrCat("xlsx: no part ", name));
  }
  unz_file_info64 info;
  if (unzGetCurrentFileInfo64(zip, &info, nullptr, 0, nullptr, 0, nullptr, 0) !=
          UNZ_OK ||
      unzOpenCurrentFile(zip) != UNZ_OK) {
    return Bad(absl::StrCat(name, ": cannot be read"));
  }
  const int64_t limit = std::min<int64_t>(
      kMaxPartBytes,
      std::max<int64_t>(
          1 << 20, static_cast<int64_t>(info.compressed_size) * kMaxRatio));
  std::string buffer(kChunk, '\0');
  int64_t total = 0;
  absl::Status s;
  while (s.ok()) {
    int n = unzReadCurrentFile(zip, buffer.data(), buffer.size());
    if (n < 0) {
      s = Bad(absl::StrCat(name, ": damaged (zip error ", n, ")"));
      break;
    }
    total += n;
    if (total > limit) {
      s = Bad(absl::StrCat(name, ": expands past ", limit,
                           " bytes (refused as a zip bomb)"));
      break;
    }
    s = feed(absl::string_view(buffer.data(), n), n == 0);
    if (n == 0) break;
  }
  unzCloseCurrentFile(zip);
  return s;
}

// An expat parser with start/end/text handlers, fed chunk by chunk.
class Xml {
 public:
  using Start = std::function<void(absl::string_view, const char**)>;
  using End = std::function<void(absl::string_view)>;
  using Text = std::function<void(absl::string_view)>;
  Xml(Start start, End end, Text text)
      : parser_(XML_ParserCreate(nullptr)),
        start_(std::move(start)),
        end_(std::move(end)),
        text_(std::move(text)) {
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(
        parser_,
        [](void* self, const char* name, const char** attrs) {
          static_cast<Xml*>(self)->start_(Local(name), attrs);
        },
        [](void* self, const char* name) {
          static_cast<Xml*>(self)->end_(Local(name));
        });
    XML_SetCharacterDataHandler(
        parser_, [](void* self, const char* s, int len) {
          static_cast<Xml*>(self)->text_(absl::string_view(s, len));
        });
  }
  ~Xml() { XML_ParserFree(parser_); }
  Xml(const Xml&) = delete;
  Xml& operator=(const Xml&) = delete;

  absl::Status Feed(absl::string_view bytes, bool last,
                    absl::string_view part) {
    if (XML_Parse(parser_, bytes.data(), static_cast<int>(bytes.size()),
                  last) == XML_STATUS_ERROR) {
      return Bad(absl::StrCat(
          part, ": not XML (", XML_ErrorString(XML_GetErrorCode(parser_)),
          " at line ", XML_GetCurrentLineNumber(parser_), ")"));
    }
    return absl::OkStatus();
  }
  // Stops the parser from inside a handler (row limit).
  void Stop() { XML_StopParser(parser_, XML_FALSE); }

 private:
  XML_Parser parser_;
  Start start_;
  End end_;
  Text text_;
};

// The whole text of a small part.
absl::StatusOr<std::string> ReadSmallPart(unzFile zip,
                                          const std::string& name) {
  std::string out;
  absl::Status s = ReadPart(zip, name, [&](absl::string_view b, bool) {
    if (out.size() + b.size() > (64 << 20)) return Bad(name + ": too large");
    out.append(b.data(), b.size());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

struct Merge {
  int first_column, last_column;
  int64_t first_row, last_row;
};

}  // namespace

struct XlsxReader::SheetState {
  std::vector<std::string> shared;  // shared strings
  std::vector<Merge> merges;
  // Values of merged ranges' top-left cells seen so far, by range index.
  std::map<size_t, std::string> merge_values;

  // Rows parsed and not yet returned: (row number, cells).
  std::deque<std::pair<int64_t, std::vector<std::string>>> ready;
  // The row being parsed.
  int64_t row = 0;
  std::vector<std::string> cells;
  int column = -1;
  std::string type;  // the cell's t=
  std::string text;
  bool in_value = false;  // inside <v> or <t> of an inline string
  bool in_is = false;
  bool too_many_rows = false;
  bool bad_ref = false;
  int64_t last_row = 0;
  std::unique_ptr<Xml> xml;
  std::string buffer;  // the sheet's bytes read a chunk at a time
  bool done = false;

  void EndCell() {
    if (column < 0) return;
    std::string value = std::move(text);
    text.clear();
    if (type == "s") {
      size_t index = 0;
      value = absl::SimpleAtoi(value, &index) && index < shared.size()
                  ? shared[index]
                  : "";
    } else if (type == "b") {
      value = value == "1" ? "true" : "false";
    }
    if (static_cast<int>(cells.size()) <= column) cells.resize(column + 1);
    cells[column] = std::move(value);
  }

  // Fills the cells of merged ranges with their top-left value.
  void ApplyMerges(int64_t r, std::vector<std::string>& row_cells) {
    for (size_t i = 0; i < merges.size(); ++i) {
      const Merge& m = merges[i];
      if (r < m.first_row || r > m.last_row) continue;
      if (r == m.first_row) {
        merge_values[i] = m.first_column < static_cast<int>(row_cells.size())
                              ? row_cells[m.first_column]
                              : "";
      }
      const std::string& v = merge_values[i];
      if (static_cast<int>(row_cells.size()) <= m.last_column) {
        row_cells.resize(m.last_column + 1);
      }
      for (int c = m.first_column; c <= m.last_column; ++c) {
        if (c != m.first_column || r != m.first_row) row_cells[c] = v;
      }
      if (r == m.last_row) merge_values.erase(i);
    }
  }
};

XlsxReader::XlsxReader() = default;

XlsxReader::~XlsxReader() {
  sheet_.reset();
  if (zip_ != nullptr) unzClose(static_cast<unzFile>(zip_));
}

absl::StatusOr<std::unique_ptr<XlsxReader>> XlsxReader::Open(
    const std::string& path) {
  auto reader = std::unique_ptr<XlsxReader>(new XlsxReader());
  unzFile zip = unzOpen64(path.c_str());
  if (zip == nullptr) return Bad(path + ": not a zip archive");
  reader->zip_ = zip;

  // Which part is the first sheet: workbook.xml names it, its rels say
  // where it is.
  std::string sheet_part = "xl/worksheets/sheet1.xml";
  absl::StatusOr<std::string> workbook = ReadSmallPart(zip, "xl/workbook.xml");
  if (!workbook.ok()) return Bad(path + ": not an XLSX workbook");
  std::string first_id;
  {
    Xml xml(
        [&](absl::string_view name, const char** attrs) {
          if (name == "sheet" && first_id.empty()) {
            const char* id = Attr(attrs, "id");
            if (id != nullptr) first_id = id;
          }
        },
        [](absl::string_view) {}, [](absl::string_view) {});
    absl::Status s = xml.Feed(*workbook, true, "xl/workbook.xml");
    if (!s.ok()) return s;
  }
  absl::StatusOr<std::string> rels =
      ReadSmallPart(zip, "xl/_rels/workbook.xml.rels");
  if (rels.ok() && !first_id.empty()) {
    Xml xml(
        [&](absl::string_view name, const char** attrs) {
          const char* id = Attr(attrs, "Id");
          const char* target = Attr(attrs, "Target");
          if (name == "Relationship" && id != nullptr && target != nullptr &&
              first_id == id) {
            absl::string_view t(target);
            sheet_part = absl::StartsWith(t, "/") ? std::string(t.substr(1))
                                                  : absl::StrCat("xl/", t);
          }
        },
        [](absl::string_view) {}, [](absl::string_view) {});
    absl::Status s = xml.Feed(*rels, true, "xl/_rels/workbook.xml.rels");
    if (!s.ok()) return s;
  }

  auto state = std::make_unique<SheetState>();
  // Shared strings: each <si> is the text of its <t> elements, phonetic
  // runs (<rPh>) left out.
  {
    std::string current;
    bool in_t = false, in_phonetic = false;
    Xml xml(
        [&](absl::string_view name, const char**) {
          if (name == "si") current.clear();
          if (name == "rPh") in_phonetic = true;
          if (name == "t") in_t = true;
        },
        [&](absl::string_view name) {
          if (name == "t") in_t = false;
          if (name == "rPh") in_phonetic = false;
          if (name == "si") state->shared.push_back(std::move(current));
        },
        [&](absl::string_view text) {
          if (in_t && !in_phonetic) current.append(text.data(), text.size());
        });
    absl::Status s = ReadPart(
        zip, "xl/sharedStrings.xml", [&](absl::string_view b, bool last) {
          return xml.Feed(b, last, "xl/sharedStrings.xml");
        });
    if (!s.ok() && !absl::IsNotFound(s)) return s;  // none: no text cells
  }
  // Merged ranges come after the rows: a first pass reads only them.
  {
    absl::Status bad;
    Xml xml(
        [&](absl::string_view name, const char** attrs) {
          if (name != "mergeCell" || !bad.ok()) return;
          const char* ref = Attr(attrs, "ref");
          std::vector<absl::string_view> ends =
              absl::StrSplit(ref ? ref : "", ':');
          Merge m;
          if (ends.size() != 2 ||
              !ParseRef(ends[0], &m.first_column, &m.first_row) ||
              !ParseRef(ends[1], &m.last_column, &m.last_row) ||
              m.last_column < m.first_column || m.last_row < m.first_row) {
            bad = Bad(absl::StrCat("merged range \"", ref ? ref : "",
                                   "\" is not a range"));
            return;
          }
          if (state->merges.size() >= kMaxMerges) {
            bad = Bad("more than 1,000,000 merged ranges");
            return;
          }
          state->merges.push_back(m);
        },
        [](absl::string_view) {}, [](absl::string_view) {});
    absl::Status s =
        ReadPart(zip, sheet_part, [&](absl::string_view b, bool last) {
          return xml.Feed(b, last, sheet_part);
        });
    if (s.ok()) s = bad;
    if (!s.ok()) return absl::IsNotFound(s) ? Bad(path + ": no sheet") : s;
  }

  // The rows, streamed as Next asks for them.
  SheetState* st = state.get();
  st->xml = std::make_unique<Xml>(
      [st](absl::string_view name, const char** attrs) {
        if (name == "row") {
          const char* r = Attr(attrs, "r");
          int64_t n = st->last_row + 1;
          if (r != nullptr && !absl::SimpleAtoi(r, &n)) st->bad_ref = true;
          st->row = n;
          st->cells.clear();
          st->column = -1;
          if (n > kMaxXlsxRows) {
            st->too_many_rows = true;
            st->xml->Stop();
          }
        } else if (name == "c") {
          const char* ref = Attr(attrs, "r");
          const char* t = Attr(attrs, "t");
          int64_t row = 0;
          int column = st->column + 1;
          if (ref != nullptr && !ParseRef(ref, &column, &row)) {
            st->bad_ref = true;
          }
          st->column = column;
          st->type = t ? t : "n";
          st->text.clear();
        } else if (name == "v") {
          st->in_value = true;
        } else if (name == "is") {
          st->in_is = true;
        } else if (name == "t" && st->in_is) {
          st->in_value = true;
        }
      },
      [st](absl::string_view name) {
        if (name == "v" || name == "t") {
          st->in_value = false;
        } else if (name == "is") {
          st->in_is = false;
        } else if (name == "c") {
          st->EndCell();
        } else if (name == "row") {
          st->last_row = st->row;
          st->ApplyMerges(st->row, st->cells);
          st->ready.emplace_back(st->row, std::move(st->cells));
          st->cells.clear();
        }
      },
      [st](absl::string_view text) {
        if (st->in_value) st->text.append(text.data(), text.size());
      });
  if (unzLocateFile(zip, sheet_part.c_str(), 0) != UNZ_OK ||
      unzOpenCurrentFile(zip) != UNZ_OK) {
    return Bad(sheet_part + ": cannot be read");
  }
  reader->sheet_ = std::move(state);
  return reader;
}

absl::StatusOr<bool> XlsxReader::Next(std::vector<std::string>* cells) {
  SheetState& st = *sheet_;
  unzFile zip = static_cast<unzFile>(zip_);
  if (st.buffer.empty()) st.buffer.resize(kChunk);
  while (st.ready.empty() && !st.done) {
    int n = unzReadCurrentFile(zip, st.buffer.data(), st.buffer.size());
    if (n < 0)
      return Bad(absl::StrCat("the sheet is damaged (zip error ", n, ")"));
    absl::Status s = st.xml->Feed(absl::string_view(st.buffer.data(), n),
                                  n == 0, "the sheet");
    if (st.too_many_rows) {
      return Bad(
          absl::StrCat("the sheet has more than ", kMaxXlsxRows, " rows"));
    }
    if (!s.ok()) return s;
    if (st.bad_ref) return Bad("a cell or row reference is not valid");
    if (n == 0) {
      st.done = true;
      unzCloseCurrentFile(zip);
    }
  }
  if (st.ready.empty()) return false;
  row_ = st.ready.front().first;
  *cells = std::move(st.ready.front().second);
  st.ready.pop_front();
  return true;
}

}  // namespace zwfw::cli
