// A CSV file read a record at a time (RFC 4180, as Excel and WPS write it):
// fields separated by commas, quoted with double quotes (a doubled quote
// inside), records ended by LF or CRLF, line breaks inside quotes kept.
// Text arrives as UTF-8 whatever the file's encoding (text_encoding.h).
// Memory is bounded by the longest record, never the file.
//
// Not thread-safe.
#ifndef ZWFW_TOOLS_ZWFW_CSV_READER_H_
#define ZWFW_TOOLS_ZWFW_CSV_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/zwfw/table_reader.h"
#include "tools/zwfw/text_encoding.h"

namespace zwfw::cli {

inline constexpr size_t kMaxCsvRecordBytes = 1 << 20;
inline constexpr size_t kMaxCsvColumns = 1000;

class CsvReader final : public TableReader {
 public:
  static absl::StatusOr<std::unique_ptr<CsvReader>> Open(
      const std::string& path, Encoding encoding = Encoding::kAuto);
  // From text already in memory (tests, fuzzing).
  static std::unique_ptr<CsvReader> FromText(std::string text);

  // The next record's fields; false at the end of the file.
  // INVALID_ARGUMENT naming the record for a record over 1 MiB or 1,000
  // columns, an unterminated quote, or text not in the file's encoding.
  absl::StatusOr<bool> Next(std::vector<std::string>* fields) override;

  // The number (1-based) of the record Next returned last: the row a
  // spreadsheet shows it on.
  int64_t row() const override { return row_; }
  Encoding encoding() const;
  // Bytes of the file read so far.
  int64_t offset() const;

 private:
  CsvReader(std::unique_ptr<Utf8FileReader> file, std::string text);
  // Ensures at least one unread character, reading more; false at the end.
  absl::StatusOr<bool> Fill();

  std::unique_ptr<Utf8FileReader> file_;  // null: all text is in buffer_
  std::string buffer_;
  size_t pos_ = 0;
  int64_t row_ = 0;
};

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_CSV_READER_H_
