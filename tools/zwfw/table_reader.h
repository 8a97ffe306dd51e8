// Rows of a table file, whatever its format: a CSV (csv_reader.h) or the
// first sheet of an XLSX workbook (xlsx_reader.h).
#ifndef ZWFW_TOOLS_ZWFW_TABLE_READER_H_
#define ZWFW_TOOLS_ZWFW_TABLE_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace zwfw::cli {

class TableReader {
 public:
  virtual ~TableReader() = default;
  // The next row's cells, as UTF-8 text; false at the end.
  virtual absl::StatusOr<bool> Next(std::vector<std::string>* cells) = 0;
  // The spreadsheet's number (1-based) of the row Next returned last.
  virtual int64_t row() const = 0;
};

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_TABLE_READER_H_
