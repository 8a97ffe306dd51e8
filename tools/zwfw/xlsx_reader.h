// The first sheet of an XLSX workbook (Office Open XML: a zip of XML
// parts), read a row at a time with minizip and expat, never loaded whole:
// shared strings, inline strings, numbers (a date-time cell arrives as its
// serial day number, which FIELD_KIND_TIME reads), booleans, and merged
// cells (every cell of a merged range reads as its top-left cell, so a
// header or a department name merged over several cells is found in each).
//
// Refused with INVALID_ARGUMENT, before any row is returned: a file that is
// not a workbook, a part that expands more than 1,000 times its compressed
// size or past 4 GiB (a zip bomb), a sheet of more than 1,048,576 rows or
// 16,384 columns (Excel's own limits), more than 1,000,000 merged ranges.
//
// Not thread-safe.
#ifndef ZWFW_TOOLS_ZWFW_XLSX_READER_H_
#define ZWFW_TOOLS_ZWFW_XLSX_READER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/zwfw/table_reader.h"

namespace zwfw::cli {

inline constexpr int64_t kMaxXlsxRows = 1048576;
inline constexpr int kMaxXlsxColumns = 16384;

class XlsxReader final : public TableReader {
 public:
  static absl::StatusOr<std::unique_ptr<XlsxReader>> Open(
      const std::string& path);
  ~XlsxReader() override;

  absl::StatusOr<bool> Next(std::vector<std::string>* cells) override;
  int64_t row() const override { return row_; }

  // The parser's state (expat callbacks reach it); defined in the .cc.
  struct SheetState;

 private:
  XlsxReader();

  void* zip_ = nullptr;  // unzFile
  std::unique_ptr<SheetState> sheet_;
  int64_t row_ = 0;
};

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_XLSX_READER_H_
