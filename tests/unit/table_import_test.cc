// The readers of office exports (CSV in UTF-8 or GBK, XLSX) and the mapping
// that turns their rows into records.
#include "tools/zwfw/table_import.h"

#include <gtest/gtest.h>
#include <iconv.h>
#include <minizip/zip.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/proto_time.h"
#include "tests/testing/test_util.h"
#include "tools/zwfw/csv_reader.h"
#include "tools/zwfw/text_encoding.h"
#include "tools/zwfw/xlsx_reader.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::cli {
namespace {

using zwfw::testing::Cst;

std::string TempFile(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir ? dir : "/tmp", "/table-", getpid(), "-", name);
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string Gbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  std::string out(utf8.size() * 2, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size(), out_left = out.size();
  char* o = out.data();
  iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  out.resize(o - out.data());
  return out;
}

// Every record of a table, joined "a|b|c", rows by ";".
std::string ReadAll(TableReader& table) {
  std::vector<std::string> rows;
  std::vector<std::string> cells;
  absl::StatusOr<bool> more;
  while ((more = table.Next(&cells)).ok() && *more) {
    rows.push_back(absl::StrCat(table.row(), ":", absl::StrJoin(cells, "|")));
  }
  if (!more.ok()) rows.push_back(std::string(more.status().message()));
  return absl::StrJoin(rows, ";");
}

TEST(CsvReaderTest, QuotesLineBreaksAndCrLfAsExcelWritesThem) {
  auto csv = CsvReader::FromText(
      "\xEF\xBB\xBF"
      "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
      "\"two\nlines\",,x\n"
      "last");
  EXPECT_EQ(ReadAll(*csv), "1:a|b,c|say \"hi\";2:two\nlines||x;3:last");
}

TEST(CsvReaderTest, AnUnclosedQuoteNamesItsRow) {
  auto csv = CsvReader::FromText("a\n\"open,b\n");
  EXPECT_EQ(ReadAll(*csv), "1:a;row 2: a quoted field is not closed");
}

TEST(CsvReaderTest, GbkIsDetectedAndUtf8WithOrWithoutBomToo) {
  const std::string text = "办件编号,办理部门\r\nA-1,区公安局\r\n";
  for (const auto& [name, bytes, encoding] :
       std::vector<std::tuple<std::string, std::string, Encoding>>{
           {"gbk.csv", Gbk(text), Encoding::kGb18030},
           {"utf8.csv", text, Encoding::kUtf8},
           {"bom.csv", "\xEF\xBB\xBF" + text, Encoding::kUtf8}}) {
    const std::string path = TempFile(name);
    WriteFile(path, bytes);
    auto csv = CsvReader::Open(path);
    ASSERT_TRUE(csv.ok()) << csv.status();
    EXPECT_EQ((*csv)->encoding(), encoding) << name;
    EXPECT_EQ(ReadAll(**csv), "1:办件编号|办理部门;2:A-1|区公安局") << name;
  }
  // Told UTF-8, a GBK file is refused, not read as garbage.
  const std::string path = TempFile("gbk-as-utf8.csv");
  WriteFile(path, Gbk(text));
  auto csv = CsvReader::Open(path, Encoding::kUtf8);
  ASSERT_TRUE(csv.ok());
  std::vector<std::string> cells;
  absl::StatusOr<bool> row = (*csv)->Next(&cells);
  EXPECT_EQ(row.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(row.status().message().find("not UTF-8"), std::string::npos);
}

TEST(TextEncodingTest, ACharacterSplitAcrossChunksIsKept) {
  // 70,000 × "区" (3 bytes in UTF-8, 2 in GBK): chunks of 64 KiB split
  // characters in both encodings.
  std::string text;
  for (int i = 0; i < 70000; ++i) text += "区";
  for (const auto& [bytes, encoding] :
       std::vector<std::pair<std::string, Encoding>>{
           {text, Encoding::kUtf8}, {Gbk(text), Encoding::kGb18030}}) {
    const std::string path = TempFile("long.txt");
    WriteFile(path, bytes);
    auto reader = Utf8FileReader::Open(path, Encoding::kAuto);
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ((*reader)->encoding(), encoding);
    std::string out;
    absl::StatusOr<bool> more;
    while ((more = (*reader)->Read(&out)).ok() && *more) {
    }
    ASSERT_TRUE(more.ok()) << more.status();
    EXPECT_EQ(out, text);
  }
}

constexpr char kMapping[] = R"json({
  "record": "case",
  "header_row": 2,
  "date_formats": ["%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y年%m月%d日"],
  "fields": [
    {"field": "case_no", "column": "办件编号"},
    {"field": "department_code", "column": "B", "kind": "FIELD_KIND_DEPARTMENT"},
    {"field": "site", "column": "办理地点",
     "values": {"中心": "HANDLING_SITE_CENTER", "部门": "HANDLING_SITE_DEPARTMENT"}},
    {"field": "online", "column": "是否网办", "kind": "FIELD_KIND_BOOL"},
    {"field": "accepted_at", "column": "受理时间", "kind": "FIELD_KIND_TIME"},
    {"field": "completed_at", "column": "办结时间", "kind": "FIELD_KIND_TIME",
     "optional": true},
    {"field": "status", "constant": "CASE_STATUS_COMPLETED"},
    {"field": "category", "constant": "ITEM_CATEGORY_APPROVAL"}
  ]
})json";

constexpr char kExport[] =
    "綦江区办件明细,,,,,\n"
    "办件编号,办理部门,办理地点,是否网办,受理时间,办结时间\n"
    "A-1,区公安局,中心,是,2020/7/1 9:30,2020-07-01 10:00:00\n"
    "A-2,公安局,部门,否,2020年7月2日,\n"
    ",,,,,\n"
    "A-3,区不存在局,大厅,也许,2020/13/1 9:00,\n";

std::shared_ptr<const DirectoryIndex> Directory() {
  return *DirectoryIndex::Build(
      testing::ParseTextProto<zwfw::v1::DirectorySnapshot>(R"pb(
        departments { code: "qj-gaj" name: "区公安局" aliases: "公安局" }
      )pb"),
      1);
}

TEST(TableImportTest, RowsBecomeCasesAndBadCellsAreNamedByRowAndColumn) {
  absl::StatusOr<zwfw::v1::ImportMapping> mapping = ParseMapping(kMapping);
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  auto csv = CsvReader::FromText(kExport);
  auto converter = ReadHeader(*csv, *mapping, Directory());
  ASSERT_TRUE(converter.ok()) << converter.status();
  CheckReport report = CheckRows(*csv, **converter, *mapping);
  EXPECT_EQ(report.rows, 3);  // the empty row is not counted
  EXPECT_EQ(report.accepted, 2);
  std::vector<std::string> problems;
  for (const CellProblem& p : report.problems) problems.push_back(p.ToString());
  EXPECT_EQ(
      problems,
      (std::vector<std::string>{
          "第6行 B列（办理部门）\"区不存在局\"：目录中没有这个部门 / row 6, "
          "column B (办理部门) \"区不存在局\": no department of the directory "
          "has this code, name or alias",
          "第6行 C列（办理地点）\"大厅\"：不是可用的值（中心、部门） / row 6, "
          "column C (办理地点) \"大厅\": not one of the mapped values (中心, "
          "部门)",
          "第6行 D列（是否网办）\"也许\"：应为“是”或“否” / row 6, column D "
          "(是否网办) \"也许\": not a yes/no (是/否)",
          "第6行 E列（受理时间）\"2020/13/1 9:00\"：无法识别的时间 / row 6, "
          "column E (受理时间) \"2020/13/1 9:00\": not a time in the formats "
          "of the mapping (%Y/%m/%d %H:%M, %Y-%m-%d %H:%M:%S, %Y年%m月%d日)"}));
  EXPECT_EQ(report.by_department_month,
            (std::map<std::pair<std::string, std::string>, int64_t>{
                {{"qj-gaj", "2020-07"}, 2}}));
  EXPECT_NE(
      FormatCheckReport(report, Directory().get())
          .find("共3行，可导入2行，有误1行 / 3 rows: 2 would be imported, "
                "1 have problems (nothing was written)\n  2020-07  "
                "区公安局 (qj-gaj)  2\n"),
      std::string::npos);

  // The records themselves, every date form in China Standard Time.
  csv = CsvReader::FromText(kExport);
  converter = ReadHeader(*csv, *mapping, Directory());
  ASSERT_TRUE(converter.ok());
  std::vector<zwfw::v1::Case> cases;
  ImportTally tally(false);
  ReadRows(*csv, **converter, *mapping, 10, tally,
           [&](std::vector<std::unique_ptr<google::protobuf::Message>> records,
               std::vector<int64_t> rows) {
             EXPECT_EQ(rows, (std::vector<int64_t>{3, 4}));
             for (auto& r : records) {
               cases.push_back(*static_cast<zwfw::v1::Case*>(r.get()));
             }
             return true;
           });
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].department_code(), "qj-gaj");
  EXPECT_EQ(cases[0].site(), zwfw::v1::HANDLING_SITE_CENTER);
  EXPECT_TRUE(cases[0].online());
  EXPECT_EQ(ToTime(cases[0].accepted_at()), Cst(2020, 7, 1, 9, 30));
  EXPECT_EQ(ToTime(cases[0].completed_at()), Cst(2020, 7, 1, 10, 0));
  EXPECT_EQ(cases[0].status(), zwfw::v1::CASE_STATUS_COMPLETED);
  EXPECT_EQ(cases[1].department_code(), "qj-gaj");  // by its alias
  EXPECT_EQ(ToTime(cases[1].accepted_at()), Cst(2020, 7, 2, 0, 0));
  EXPECT_FALSE(cases[1].has_completed_at());  // optional and empty
  // A server's rejection is shown against the file.
  EXPECT_EQ((*converter)->Describe("accepted_at"), "受理时间 (column E)");
}

TEST(TableImportTest, MappingMistakesNameTheField) {
  auto code = [](const std::string& json) {
    absl::StatusOr<zwfw::v1::ImportMapping> m = ParseMapping(json);
    return m.ok() ? std::string("OK") : std::string(m.status().message());
  };
  EXPECT_NE(
      code(R"({"record": "case", "fields": [], "colour": 1})").find("colour"),
      std::string::npos);
  EXPECT_EQ(code(R"({"record": "cases", "fields": [{"field": "case_no",
                 "column": "A"}]})"),
            "mapping: record: must be \"case\", \"evaluation\" or \"visit\"");
  EXPECT_EQ(code(R"({"record": "case", "fields": [{"field": "case_number",
                 "column": "A"}]})"),
            "mapping: fields[0] (case_number): not a field of zwfw.v1.Case");
  EXPECT_EQ(code(R"({"record": "case", "fields": [{"field": "case_no"}]})"),
            "mapping: fields[0] (case_no): give a column or a constant, not "
            "both");
  EXPECT_EQ(code(R"({"record": "case", "utc_offset": "CST", "fields": [
                 {"field": "case_no", "column": "A"}]})"),
            "mapping: utc_offset: \"CST\" is not like +08:00");
  // A column the header does not have.
  absl::StatusOr<zwfw::v1::ImportMapping> m = ParseMapping(
      R"({"record": "case", "fields": [{"field": "case_no", "column": "编号"}]})");
  ASSERT_TRUE(m.ok());
  auto csv = CsvReader::FromText("办件编号,部门\nA-1,x\n");
  auto converter = ReadHeader(*csv, *m, nullptr);
  EXPECT_EQ(converter.status().message(),
            "mapping: field case_no: column \"编号\" is not in the header row "
            "(办件编号, 部门)");
}

// An XLSX workbook as Excel saves one: the title merged over the columns,
// a header, text in shared strings, times as date-time cells.
std::string WriteWorkbook(bool constant_memory) {
  const std::string path =
      TempFile(constant_memory ? "inline.xlsx" : "shared.xlsx");
  lxw_workbook_options options = {};
  options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "办件");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy/m/d h:mm");
  const char* header[] = {"办件编号", "办理部门", "办理地点",
                          "是否网办", "受理时间", "办结时间"};
  if (!constant_memory) {
    worksheet_merge_range(ws, 0, 0, 0, 5, "綦江区办件明细", nullptr);
  } else {
    worksheet_write_string(ws, 0, 0, "綦江区办件明细", nullptr);
  }
  for (int i = 0; i < 6; ++i)
    worksheet_write_string(ws, 1, i, header[i], nullptr);
  worksheet_write_string(ws, 2, 0, "A-1", nullptr);
  worksheet_write_string(ws, 2, 1, "区公安局", nullptr);
  worksheet_write_string(ws, 2, 2, "中心", nullptr);
  worksheet_write_string(ws, 2, 3, "是", nullptr);
  lxw_datetime accepted = {2020, 7, 1, 9, 30, 0};
  worksheet_write_datetime(ws, 2, 4, &accepted, date);
  worksheet_write_string(ws, 2, 5, "2020-07-01 10:00:00", nullptr);
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  return path;
}

TEST(XlsxReaderTest, AHeaderCellMergedDownFromTheRowAboveIsFound) {
  // 办件编号 spans rows 1-2 (merged vertically); row 2 is the header row.
  const std::string path = TempFile("merged-header.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
  worksheet_merge_range(ws, 0, 0, 1, 0, "办件编号", nullptr);
  worksheet_write_string(ws, 0, 1, "办理情况", nullptr);
  worksheet_write_string(ws, 1, 1, "办理部门", nullptr);
  worksheet_write_string(ws, 2, 0, "A-9", nullptr);
  worksheet_write_string(ws, 2, 1, "公安局", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  absl::StatusOr<zwfw::v1::ImportMapping> mapping = ParseMapping(R"json({
    "record": "case", "header_row": 2,
    "fields": [{"field": "case_no", "column": "办件编号"},
               {"field": "department_code", "column": "办理部门",
                "kind": "FIELD_KIND_DEPARTMENT"}]})json");
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  auto table = OpenTable(path, *mapping);
  ASSERT_TRUE(table.ok()) << table.status();
  auto converter = ReadHeader(**table, *mapping, Directory());
  ASSERT_TRUE(converter.ok()) << converter.status();
  std::vector<std::string> cells;
  ASSERT_TRUE(*(*table)->Next(&cells));
  zwfw::v1::Case c;
  EXPECT_TRUE((*converter)->Convert(3, cells, &c).empty());
  EXPECT_EQ(c.case_no(), "A-9");
  EXPECT_EQ(c.department_code(), "qj-gaj");
}

TEST(XlsxReaderTest, SharedAndInlineStringsDateTimesAndMergedCells) {
  for (bool constant_memory : {false, true}) {
    const std::string path = WriteWorkbook(constant_memory);
    absl::StatusOr<zwfw::v1::ImportMapping> mapping = ParseMapping(kMapping);
    ASSERT_TRUE(mapping.ok());
    auto table = OpenTable(path, *mapping);
    ASSERT_TRUE(table.ok()) << table.status();
    std::vector<std::string> cells;
    ASSERT_TRUE(*(*table)->Next(&cells));
    EXPECT_EQ((*table)->row(), 1);
    // The merged title reads in every cell it covers.
    EXPECT_EQ(cells[constant_memory ? 0 : 5], "綦江区办件明细");
    auto converter = ReadHeader(**table, *mapping, Directory());
    ASSERT_TRUE(converter.ok()) << converter.status();
    zwfw::v1::Case c;
    ASSERT_TRUE(*(*table)->Next(&cells));
    EXPECT_EQ((*table)->row(), 3);
    EXPECT_TRUE((*converter)->Convert(3, cells, &c).empty());
    EXPECT_EQ(c.case_no(), "A-1");
    EXPECT_EQ(ToTime(c.accepted_at()), Cst(2020, 7, 1, 9, 30));
    EXPECT_EQ(ToTime(c.completed_at()), Cst(2020, 7, 1, 10, 0));
    EXPECT_FALSE(*(*table)->Next(&cells));
  }
}

// A zip written by hand: parts with the given contents.
void WriteZip(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& parts) {
  zipFile zip = zipOpen64(path.c_str(), 0);
  ASSERT_NE(zip, nullptr);
  for (const auto& [name, data] : parts) {
    ASSERT_EQ(zipOpenNewFileInZip64(zip, name.c_str(), nullptr, nullptr, 0,
                                    nullptr, 0, nullptr, Z_DEFLATED, 9, 1),
              ZIP_OK);
    zipWriteInFileInZip(zip, data.data(), data.size());
    zipCloseFileInZip(zip);
  }
  zipClose(zip, nullptr);
}

constexpr char kWorkbook[] =
    R"(<workbook><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>)";

TEST(XlsxReaderTest, FilesThatAreNotWhatTheyClaimAreRefused) {
  zwfw::v1::ImportMapping mapping = *ParseMapping(kMapping);
  auto message = [&](const std::string& path) {
    auto t = OpenTable(path, mapping);
    if (!t.ok()) return std::string(t.status().message());
    std::vector<std::string> cells;
    absl::StatusOr<bool> more;
    while ((more = (*t)->Next(&cells)).ok() && *more) {
    }
    return more.ok() ? std::string("OK") : std::string(more.status().message());
  };
  const std::string xls = TempFile("old.xls.xlsx");
  WriteFile(xls, std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "....");
  EXPECT_NE(message(xls).find("an old Excel workbook (.xls)"),
            std::string::npos);
  const std::string text = TempFile("text.xlsx");
  WriteFile(text, "办件编号,部门\n");
  EXPECT_NE(message(text).find("not an XLSX workbook"), std::string::npos);
  const std::string zip_as_csv = TempFile("zip.csv");
  WriteZip(zip_as_csv, {{"a.txt", "x"}});
  EXPECT_NE(message(zip_as_csv).find("a zip file"), std::string::npos);

  // A part that expands past 1,000 times its size: a zip bomb.
  const std::string bomb = TempFile("bomb.xlsx");
  WriteZip(bomb, {{"xl/workbook.xml", kWorkbook},
                  {"xl/worksheets/sheet1.xml",
                   "<worksheet><sheetData>" + std::string(64 << 20, ' ') +
                       "</sheetData></worksheet>"}});
  EXPECT_NE(message(bomb).find("refused as a zip bomb"), std::string::npos);

  // More rows than a sheet can have.
  const std::string tall = TempFile("tall.xlsx");
  WriteZip(tall, {{"xl/workbook.xml", kWorkbook},
                  {"xl/worksheets/sheet1.xml",
                   "<worksheet><sheetData><row r=\"1048577\"><c r=\"A1048577\" "
                   "t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData>"
                   "</worksheet>"}});
  EXPECT_NE(message(tall).find("more than 1048576 rows"), std::string::npos);

  // Broken XML.
  const std::string broken = TempFile("broken.xlsx");
  WriteZip(broken,
           {{"xl/workbook.xml", kWorkbook},
            {"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>"}});
  EXPECT_NE(message(broken).find("not XML"), std::string::npos);
}

}  // namespace
}  // namespace zwfw::cli
