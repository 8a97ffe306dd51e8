// Spreadsheet and CSV exports read as zwfw records, by an ImportMapping
// (protos/zwfw/v1/import.proto): the header row names the columns, each
// mapped field takes its column's cell (as text, a time, a yes/no, a
// department or service item resolved in the directory, or through a table
// of values), and the record is built as its proto JSON, so every field the
// record has can be mapped and every value is checked by the same parser as
// `zwfw cases import FILE.jsonl`.
//
// A cell that cannot be read is reported with its row, column and value, in
// Chinese and English:
//
//   第12行 C列（受理时间）"2020/13/1"：无法识别的时间 / row 12, column C
//   (受理时间) "2020/13/1": not a time in the formats of the mapping
//
// Not thread-safe.
#ifndef ZWFW_TOOLS_ZWFW_TABLE_IMPORT_H_
#define ZWFW_TOOLS_ZWFW_TABLE_IMPORT_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/directory_index.h"
#include "tools/zwfw/jsonl_import.h"
#include "tools/zwfw/table_reader.h"
#include "zwfw/v1/import.pb.h"

namespace zwfw::cli {

// Opens `path` as CSV (".csv", ".txt") or XLSX (".xlsx"), by its name;
// INVALID_ARGUMENT for another kind of file, or one that is not what its
// name says.
absl::StatusOr<std::unique_ptr<TableReader>> OpenTable(
    const std::string& path, const zwfw::v1::ImportMapping& mapping);

// Reads a mapping file (proto JSON); INVALID_ARGUMENT naming the field at
// fault: an unknown key, a record other than case/evaluation/visit, a field
// with neither column nor constant, a bad utc_offset.
absl::StatusOr<zwfw::v1::ImportMapping> ReadMapping(const std::string& path);
absl::StatusOr<zwfw::v1::ImportMapping> ParseMapping(absl::string_view json);

// "A", "B", ..., "Z", "AA": the letter of a 0-based column index.
std::string ColumnLetter(int index);

// What is wrong with one cell, or a whole row.
struct CellProblem {
  int64_t row = 0;
  std::string column;  // "C"; empty for the whole row
  std::string header;  // "受理时间"
  std::string value;
  std::string zh, en;  // why
  // "第12行 C列（受理时间）"2020/13/1"：… / row 12, column C (受理时间) …".
  std::string ToString() const;
};

// Turns rows into records by a mapping, once the header row has been read.
class RowConverter {
 public:
  // `header` is the header row's cells; `directory` resolves DEPARTMENT and
  // ITEM cells (may be null when the mapping has none). INVALID_ARGUMENT
  // naming the mapped field whose column is not in the header.
  static absl::StatusOr<std::unique_ptr<RowConverter>> Create(
      const zwfw::v1::ImportMapping& mapping,
      const std::vector<std::string>& header,
      std::shared_ptr<const DirectoryIndex> directory);

  // The record of row `row`, into `record` (a Case, Evaluation or
  // ReturnVisit, as the mapping says); the problems otherwise.
  std::vector<CellProblem> Convert(int64_t row,
                                   const std::vector<std::string>& cells,
                                   google::protobuf::Message* record) const;

  // "受理时间 (column C)" for a mapped field, "" for one not mapped: how a
  // server's rejection of `field` is shown against the file.
  std::string Describe(absl::string_view field) const;

 private:
  struct Field {
    zwfw::v1::FieldMapping mapping;
    int column = -1;  // -1: constant
    std::string header;
  };
  RowConverter(std::vector<Field> fields, std::vector<std::string> formats,
               absl::TimeZone zone,
               std::shared_ptr<const DirectoryIndex> directory);
  // The JSON value of one cell (a quoted string, true/false, a number), or
  // a problem's reasons.
  absl::StatusOr<std::string> Value(const Field& f, absl::string_view cell,
                                    std::string* zh) const;

  const std::vector<Field> fields_;
  const std::vector<std::string> formats_;
  const absl::TimeZone zone_;
  const std::shared_ptr<const DirectoryIndex> directory_;
  absl::flat_hash_map<std::string, std::string> item_codes_;  // name → code
};

// Reads the rows up to the mapping's header row and makes the converter
// of the rows after it: INVALID_ARGUMENT when the file ends first or a
// mapped column is not in the header.
absl::StatusOr<std::unique_ptr<RowConverter>> ReadHeader(
    TableReader& table, const zwfw::v1::ImportMapping& mapping,
    std::shared_ptr<const DirectoryIndex> directory);

// The rows after the header as records, `batch_size` at a time (a
// RecordSource's work): empty rows are skipped, a row that cannot be
// converted goes to the tally with its problems, and a file that cannot be
// read further (bad bytes, an unclosed quote) ends the reading with a
// problem of its own.
void ReadRows(TableReader& table, const RowConverter& converter,
              const zwfw::v1::ImportMapping& mapping, int batch_size,
              ImportTally& tally, const SendRecords& send);

// The dry run: every row converted, nothing sent.
struct CheckReport {
  int64_t rows = 0;      // data rows read (empty ones not counted)
  int64_t accepted = 0;  // rows that would be sent
  std::vector<CellProblem> problems;
  std::string read_error;  // the file could not be read to its end
  // Rows that would be sent, by (department code, month "2020-07").
  std::map<std::pair<std::string, std::string>, int64_t> by_department_month;
};
// `progress`, when given, is told the rows read every 10,000 rows.
CheckReport CheckRows(
    TableReader& table, const RowConverter& converter,
    const zwfw::v1::ImportMapping& mapping,
    const std::function<void(int64_t rows)>& progress = nullptr);
// The report as the CLI prints it: one line per problem, then the counts
// and the table by department and month (names from `directory` when
// given), in Chinese and English.
std::string FormatCheckReport(const CheckReport& report,
                              const DirectoryIndex* directory);

// The empty record a mapping makes: Case, Evaluation or ReturnVisit.
std::unique_ptr<google::protobuf::Message> NewRecord(
    const zwfw::v1::ImportMapping& mapping);

// The instant of a record that decides its month (accepted_at,
// evaluated_at, visited_at), and its department.
absl::Time RecordTime(const google::protobuf::Message& record);
std::string RecordDepartment(const google::protobuf::Message& record);

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_TABLE_IMPORT_H_
