#include "tools/zwfw/table_import.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/json_string.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"
#include "tools/zwfw/csv_reader.h"
#include "tools/zwfw/xlsx_reader.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::cli {
namespace {

constexpr size_t kMaxMappingBytes = 1 << 20;

const std::vector<std::string>& DefaultFormats() {
  static const auto* const formats = new std::vector<std::string>{
      "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",     "%Y/%m/%d %H:%M:%S",
      "%Y/%m/%d %H:%M",    "%Y年%m月%d日 %H:%M", "%Y-%m-%d",
      "%Y/%m/%d",          "%Y年%m月%d日"};
  return *formats;
}

// A value table's output as JSON: literals as they are, text quoted.
std::string JsonValue(absl::string_view v) {
  int64_t n;
  double d;
  if (v == "true" || v == "false" || absl::SimpleAtoi(v, &n) ||
      (absl::SimpleAtod(v, &d) && std::isfinite(d))) {
    return std::string(v);
  }
  return JsonString(v);
}

// The 0-based index of a column letter ("C" → 2), or -1.
int ColumnIndex(absl::string_view letters) {
  if (letters.empty() || letters.size() > 3) return -1;
  int index = 0;
  for (char c : letters) {
    if (c < 'A' || c > 'Z') return -1;
    index = index * 26 + (c - 'A' + 1);
  }
  return index - 1;
}

std::string Normalized(absl::string_view field) {
  std::string out;
  for (char c : field) {
    if (c != '_') out += absl::ascii_tolower(c);
  }
  return out;
}

absl::StatusOr<absl::TimeZone> ZoneOf(absl::string_view offset) {
  if (offset.empty()) return ChinaTimeZone();
  int hours = 0, minutes = 0;
  const bool ok = offset.size() == 6 &&
                  (offset[0] == '+' || offset[0] == '-') && offset[3] == ':' &&
                  absl::SimpleAtoi(offset.substr(1, 2), &hours) &&
                  absl::SimpleAtoi(offset.substr(4, 2), &minutes) &&
                  hours <= 14 && minutes < 60;
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("utc_offset: \"", offset, "\" is not like +08:00"));
  }
  const int seconds = (hours * 60 + minutes) * 60;
  return absl::FixedTimeZone(offset[0] == '-' ? -seconds : seconds);
}

// An Excel serial date-time (days since 1899-12-30, the 1900 system) at
// `zone`; the time of day is rounded to the second.
absl::Time FromSerial(double serial, absl::TimeZone zone) {
  const int64_t days = static_cast<int64_t>(std::floor(serial));
  const int64_t seconds =
      std::llround((serial - static_cast<double>(days)) * 86400.0);
  absl::CivilSecond base(1899, 12, 30, 0, 0, 0);
  return absl::FromCivil(base + days * 86400 + seconds, zone);
}

}  // namespace

std::string ColumnLetter(int index) {
  std::string out;
  for (int n = index + 1; n > 0; n = (n - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return out;
}

std::string CellProblem::ToString() const {
  std::string zh_where = absl::StrCat("第", row, "行");
  std::string en_where = absl::StrCat("row ", row);
  if (!column.empty()) {
    absl::StrAppend(&zh_where, " ", column, "列");
    absl::StrAppend(&en_where, ", column ", column);
    if (!header.empty()) {
      absl::StrAppend(&zh_where, "（", header, "）");
      absl::StrAppend(&en_where, " (", header, ")");
    }
    absl::StrAppend(&zh_where, "\"", value, "\"");
    absl::StrAppend(&en_where, " \"", value, "\"");
  }
  return absl::StrCat(zh_where, "：", zh, " / ", en_where, ": ", en);
}

absl::StatusOr<zwfw::v1::ImportMapping> ParseMapping(absl::string_view json) {
  zwfw::v1::ImportMapping m;
  google::protobuf::util::JsonParseOptions options;  // unknown keys: errors
  auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &m, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("mapping: ", std::string(parsed.message())));
  }
  if (m.record() != "case" && m.record() != "evaluation" &&
      m.record() != "visit") {
    return absl::InvalidArgumentError(
        "mapping: record: must be \"case\", \"evaluation\" or \"visit\"");
  }
  if (m.header_row() < 0) {
    return absl::InvalidArgumentError("mapping: header_row: must be 1 or more");
  }
  absl::Status zone = ZoneOf(m.utc_offset()).status();
  if (!zone.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("mapping: ", zone.message()));
  }
  if (m.fields().empty()) {
    return absl::InvalidArgumentError("mapping: fields: none given");
  }
  std::unique_ptr<google::protobuf::Message> record = NewRecord(m);
  for (int i = 0; i < m.fields_size(); ++i) {
    const zwfw::v1::FieldMapping& f = m.fields(i);
    const std::string where =
        absl::StrCat("mapping: fields[", i, "] (", f.field(), "): ");
    if (f.field().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, "field is empty"));
    }
    const auto* d = record->GetDescriptor();
    if (d->FindFieldByName(f.field()) == nullptr &&
        d->FindFieldByCamelcaseName(f.field()) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "not a field of zwfw.v1.", d->name()));
    }
    if (f.column().empty() == f.constant().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "give a column or a constant, not both"));
    }
  }
  return m;
}

absl::StatusOr<zwfw::v1::ImportMapping> ReadMapping(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path + ": cannot be opened");
  std::string text(kMaxMappingBytes + 1, '\0');
  in.read(text.data(), text.size());
  text.resize(in.gcount());
  if (text.size() > kMaxMappingBytes) {
    return absl::InvalidArgumentError(path + ": larger than 1 MiB");
  }
  absl::StatusOr<zwfw::v1::ImportMapping> m = ParseMapping(text);
  if (!m.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", m.status().message()));
  }
  return m;
}

std::unique_ptr<google::protobuf::Message> NewRecord(
    const zwfw::v1::ImportMapping& mapping) {
  if (mapping.record() == "evaluation") {
    return std::make_unique<zwfw::v1::Evaluation>();
  }
  if (mapping.record() == "visit") {
    return std::make_unique<zwfw::v1::ReturnVisit>();
  }
  return std::make_unique<zwfw::v1::Case>();
}

absl::Time RecordTime(const google::protobuf::Message& record) {
  if (auto* c = dynamic_cast<const zwfw::v1::Case*>(&record)) {
    return ToTime(c->accepted_at());
  }
  if (auto* e = dynamic_cast<const zwfw::v1::Evaluation*>(&record)) {
    return ToTime(e->evaluated_at());
  }
  if (auto* v = dynamic_cast<const zwfw::v1::ReturnVisit*>(&record)) {
    return ToTime(v->visited_at());
  }
  return absl::UnixEpoch();
}

std::string RecordDepartment(const google::protobuf::Message& record) {
  const auto* field =
      record.GetDescriptor()->FindFieldByName("department_code");
  if (field == nullptr) return "";
  return record.GetReflection()->GetString(record, field);
}

absl::StatusOr<std::unique_ptr<TableReader>> OpenTable(
    const std::string& path, const zwfw::v1::ImportMapping& mapping) {
  // What the file is, by its first bytes, against what its name says.
  std::ifstream probe(path, std::ios::binary);
  if (!probe) return absl::NotFoundError(path + ": cannot be opened");
  char magic[8] = {};
  probe.read(magic, sizeof(magic));
  const absl::string_view head(magic, probe.gcount());
  const bool zip = absl::StartsWith(head, "PK\x03\x04");
  const bool ole = absl::StartsWith(head, "\xD0\xCF\x11\xE0");
  const std::string lower = absl::AsciiStrToLower(path);
  if (ole) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": an old Excel workbook (.xls); save it as .xlsx or .csv"));
  }
  if (absl::EndsWith(lower, ".xlsx")) {
    if (!zip) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": not an XLSX workbook (no zip signature)"));
    }
    absl::StatusOr<std::unique_ptr<XlsxReader>> x = XlsxReader::Open(path);
    if (!x.ok()) return x.status();
    return std::unique_ptr<TableReader>(*std::move(x));
  }
  if (absl::EndsWith(lower, ".csv") || absl::EndsWith(lower, ".txt")) {
    if (zip) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": a zip file (an XLSX workbook?), not CSV; name it .xlsx"));
    }
    absl::StatusOr<Encoding> encoding = ParseEncoding(mapping.encoding());
    if (!encoding.ok()) return encoding.status();
    absl::StatusOr<std::unique_ptr<CsvReader>> csv =
        CsvReader::Open(path, *encoding);
    if (!csv.ok()) return csv.status();
    return std::unique_ptr<TableReader>(*std::move(csv));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": expected a .csv or .xlsx file"));
}

RowConverter::RowConverter(std::vector<Field> fields,
                           std::vector<std::string> formats,
                           absl::TimeZone zone,
                           std::shared_ptr<const DirectoryIndex> directory)
    : fields_(std::move(fields)),
      formats_(std::move(formats)),
      zone_(zone),
      directory_(std::move(directory)) {
  if (directory_ != nullptr) {
    for (const auto& item : directory_->snapshot().service_items()) {
      item_codes_[item.name()] = item.code();
      item_codes_[item.code()] = item.code();
    }
  }
}

absl::StatusOr<std::unique_ptr<RowConverter>> RowConverter::Create(
    const zwfw::v1::ImportMapping& mapping,
    const std::vector<std::string>& header,
    std::shared_ptr<const DirectoryIndex> directory) {
  std::vector<Field> fields;
  for (const zwfw::v1::FieldMapping& m : mapping.fields()) {
    Field f{m, -1, ""};
    if (!m.column().empty()) {
      const std::string wanted(absl::StripAsciiWhitespace(m.column()));
      for (size_t i = 0; i < header.size(); ++i) {
        if (absl::StripAsciiWhitespace(header[i]) == wanted) {
          f.column = static_cast<int>(i);
          break;
        }
      }
      if (f.column < 0) f.column = ColumnIndex(wanted);
      if (f.column < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "mapping: field ", m.field(), ": column \"", m.column(),
            "\" is not in the header row (", absl::StrJoin(header, ", "), ")"));
      }
      if (f.column < static_cast<int>(header.size())) {
        f.header = std::string(absl::StripAsciiWhitespace(header[f.column]));
      }
    }
    if ((m.kind() == zwfw::v1::FIELD_KIND_DEPARTMENT ||
         m.kind() == zwfw::v1::FIELD_KIND_ITEM) &&
        directory == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "mapping: field ", m.field(), ": needs the directory from intake"));
    }
    fields.push_back(std::move(f));
  }
  std::vector<std::string> formats(mapping.date_formats().begin(),
                                   mapping.date_formats().end());
  if (formats.empty()) formats = DefaultFormats();
  absl::StatusOr<absl::TimeZone> zone = ZoneOf(mapping.utc_offset());
  if (!zone.ok()) return zone.status();
  return std::unique_ptr<RowConverter>(new RowConverter(
      std::move(fields), std::move(formats), *zone, std::move(directory)));
}

absl::StatusOr<std::string> RowConverter::Value(const Field& f,
                                                absl::string_view cell,
                                                std::string* zh) const {
  const zwfw::v1::FieldMapping& m = f.mapping;
  if (!m.values().empty()) {
    auto it = m.values().find(std::string(cell));
    if (it == m.values().end()) {
      std::vector<std::string> known;
      for (const auto& [k, v] : m.values()) known.push_back(k);
      std::sort(known.begin(), known.end());
      *zh = absl::StrCat("不是可用的值（", absl::StrJoin(known, "、"), "）");
      return absl::InvalidArgumentError(absl::StrCat(
          "not one of the mapped values (", absl::StrJoin(known, ", "), ")"));
    }
    cell = it->second;
    if (m.kind() == zwfw::v1::FIELD_KIND_UNSPECIFIED ||
        m.kind() == zwfw::v1::FIELD_KIND_BOOL) {
      return JsonValue(cell);
    }
  }
  switch (m.kind()) {
    case zwfw::v1::FIELD_KIND_TIME: {
      absl::Time t;
      for (const std::string& format : formats_) {
        std::string err;
        if (absl::ParseTime(format, cell, zone_, &t, &err)) {
          return JsonString(
              absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()));
        }
      }
      double serial;
      // An XLSX date-time cell: a serial day number (1 is 1900-01-01).
      if (absl::SimpleAtod(cell, &serial) && serial >= 1 && serial < 2958466) {
        t = FromSerial(serial, zone_);
        return JsonString(
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()));
      }
      *zh = "无法识别的时间";
      return absl::InvalidArgumentError(
          absl::StrCat("not a time in the formats of the mapping (",
                       absl::StrJoin(formats_, ", "), ")"));
    }
    case zwfw::v1::FIELD_KIND_BOOL: {
      const std::string v = absl::AsciiStrToLower(cell);
      if (v == "是" || v == "true" || v == "1" || v == "y" || v == "yes") {
        return std::string("true");
      }
      if (v == "否" || v == "false" || v == "0" || v == "n" || v == "no") {
        return std::string("false");
      }
      *zh = "应为“是”或“否”";
      return absl::InvalidArgumentError("not a yes/no (是/否)");
    }
    case zwfw::v1::FIELD_KIND_INTEGER: {
      int64_t n;
      if (!absl::SimpleAtoi(cell, &n)) {
        *zh = "不是整数";
        return absl::InvalidArgumentError("not a whole number");
      }
      return absl::StrCat(n);
    }
    case zwfw::v1::FIELD_KIND_DEPARTMENT: {
      const zwfw::v1::Department* d = directory_->FindDepartment(cell);
      if (d == nullptr) {
        *zh = "目录中没有这个部门";
        return absl::InvalidArgumentError(
            "no department of the directory has this code, name or alias");
      }
      return JsonString(d->code());
    }
    case zwfw::v1::FIELD_KIND_ITEM: {
      auto it = item_codes_.find(std::string(cell));
      if (it == item_codes_.end()) {
        *zh = "目录中没有这个事项";
        return absl::InvalidArgumentError(
            "no service item of the directory has this code or name");
      }
      return JsonString(it->second);
    }
    default:
      return JsonString(cell);
  }
}

std::vector<CellProblem> RowConverter::Convert(
    int64_t row, const std::vector<std::string>& cells,
    google::protobuf::Message* record) const {
  std::vector<CellProblem> problems;
  std::string json = "{";
  for (const Field& f : fields_) {
    std::string cell;
    if (f.column < 0) {
      cell = f.mapping.constant();
    } else if (f.column < static_cast<int>(cells.size())) {
      cell = std::string(absl::StripAsciiWhitespace(cells[f.column]));
    }
    auto problem = [&](std::string zh, std::string en) {
      problems.push_back({row, f.column < 0 ? "" : ColumnLetter(f.column),
                          f.header, cell, std::move(zh), std::move(en)});
    };
    if (cell.empty()) {
      if (!f.mapping.optional()) problem("不能为空", "is empty");
      continue;
    }
    std::string zh;
    absl::StatusOr<std::string> value = Value(f, cell, &zh);
    if (!value.ok()) {
      problem(zh, std::string(value.status().message()));
      continue;
    }
    if (json.size() > 1) json += ",";
    absl::StrAppend(&json, JsonString(f.mapping.field()), ":", *value);
  }
  json += "}";
  if (!problems.empty()) return problems;
  record->Clear();
  auto parsed = google::protobuf::util::JsonStringToMessage(json, record);
  if (!parsed.ok()) {
    problems.push_back(
        {row, "", "", "", "记录无效", std::string(parsed.message())});
  }
  return problems;
}

absl::StatusOr<std::unique_ptr<RowConverter>> ReadHeader(
    TableReader& table, const zwfw::v1::ImportMapping& mapping,
    std::shared_ptr<const DirectoryIndex> directory) {
  const int64_t header_row = std::max(1, mapping.header_row());
  std::vector<std::string> cells;
  while (true) {
    absl::StatusOr<bool> more = table.Next(&cells);
    if (!more.ok()) return more.status();
    if (!*more) {
      return absl::InvalidArgumentError(
          absl::StrCat("the file ends before its header row ", header_row,
                       " (mapping: header_row)"));
    }
    if (table.row() == header_row) break;
    if (table.row() > header_row) {
      return absl::InvalidArgumentError(
          absl::StrCat("row ", header_row, " (mapping: header_row) is empty"));
    }
  }
  return RowConverter::Create(mapping, cells, std::move(directory));
}

namespace {

bool Blank(const std::vector<std::string>& cells) {
  return std::all_of(cells.begin(), cells.end(), [](const std::string& c) {
    return absl::StripAsciiWhitespace(c).empty();
  });
}

}  // namespace

void ReadRows(TableReader& table, const RowConverter& converter,
              const zwfw::v1::ImportMapping& mapping, int batch_size,
              ImportTally& tally, const SendRecords& send) {
  std::vector<std::unique_ptr<google::protobuf::Message>> records;
  std::vector<int64_t> rows;
  std::vector<std::string> cells;
  while (true) {
    absl::StatusOr<bool> more = table.Next(&cells);
    if (!more.ok()) {
      tally.Problem(
          absl::StrCat("文件无法继续读取 / the file cannot be read "
                       "further: ",
                       more.status().message()));
      break;
    }
    if (!*more) break;
    if (Blank(cells)) continue;
    std::unique_ptr<google::protobuf::Message> record = NewRecord(mapping);
    std::vector<CellProblem> problems =
        converter.Convert(table.row(), cells, record.get());
    if (!problems.empty()) {  // one rejected row, each of its problems said
      std::vector<std::string> lines;
      for (const CellProblem& p : problems) lines.push_back(p.ToString());
      tally.Problem(absl::StrJoin(lines, "\n"));
      continue;
    }
    records.push_back(std::move(record));
    rows.push_back(table.row());
    if (static_cast<int>(records.size()) >= batch_size) {
      if (!send(std::move(records), std::move(rows))) return;
      records.clear();
      rows.clear();
    }
  }
  if (!records.empty()) send(std::move(records), std::move(rows));
}

CheckReport CheckRows(TableReader& table, const RowConverter& converter,
                      const zwfw::v1::ImportMapping& mapping,
                      const std::function<void(int64_t rows)>& progress) {
  CheckReport report;
  std::vector<std::string> cells;
  std::unique_ptr<google::protobuf::Message> record = NewRecord(mapping);
  while (true) {
    absl::StatusOr<bool> more = table.Next(&cells);
    if (!more.ok()) {
      report.read_error = std::string(more.status().message());
      break;
    }
    if (!*more) break;
    if (Blank(cells)) continue;
    if (++report.rows % 10000 == 0 && progress) progress(report.rows);
    std::vector<CellProblem> problems =
        converter.Convert(table.row(), cells, record.get());
    if (!problems.empty()) {
      for (CellProblem& p : problems) report.problems.push_back(std::move(p));
      continue;
    }
    ++report.accepted;
    ++report.by_department_month[{
        RecordDepartment(*record),
        Period::Containing(RecordTime(*record)).ToString()}];
  }
  return report;
}

std::string FormatCheckReport(const CheckReport& report,
                              const DirectoryIndex* directory) {
  std::string out;
  for (const CellProblem& p : report.problems) {
    absl::StrAppend(&out, p.ToString(), "\n");
  }
  if (!report.read_error.empty()) {
    absl::StrAppend(&out,
                    "文件无法继续读取 / the file cannot be read further: ",
                    report.read_error, "\n");
  }
  int64_t rejected_rows = report.rows - report.accepted;
  absl::StrAppend(&out, "共", report.rows, "行，可导入", report.accepted,
                  "行，有误", rejected_rows, "行 / ", report.rows,
                  " rows: ", report.accepted, " would be imported, ",
                  rejected_rows, " have problems (nothing was written)\n");
  for (const auto& [key, n] : report.by_department_month) {
    const auto& [code, month] = key;
    const zwfw::v1::Department* d =
        directory ? directory->FindDepartment(code) : nullptr;
    absl::StrAppend(&out, "  ", month, "  ", d ? d->name() : code,
                    d ? absl::StrCat(" (", code, ")") : "", "  ", n, "\n");
  }
  return out;
}

std::string RowConverter::Describe(absl::string_view field) const {
  const std::string wanted = Normalized(field);
  for (const Field& f : fields_) {
    if (Normalized(f.mapping.field()) != wanted || f.column < 0) continue;
    return absl::StrCat(f.header.empty() ? f.mapping.field() : f.header,
                        " (column ", ColumnLetter(f.column), ")");
  }
  return "";
}

}  // namespace zwfw::cli
