#include "tools/zwfw/csv_reader.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace zwfw::cli {

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Open(
    const std::string& path, Encoding encoding) {
  absl::StatusOr<std::unique_ptr<Utf8FileReader>> file =
      Utf8FileReader::Open(path, encoding);
  if (!file.ok()) return file.status();
  return std::unique_ptr<CsvReader>(new CsvReader(*std::move(file), ""));
}

std::unique_ptr<CsvReader> CsvReader::FromText(std::string text) {
  // A byte-order mark is not part of the first field.
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  return std::unique_ptr<CsvReader>(new CsvReader(nullptr, std::move(text)));
}

CsvReader::CsvReader(std::unique_ptr<Utf8FileReader> file, std::string text)
    : file_(std::move(file)), buffer_(std::move(text)) {}

Encoding CsvReader::encoding() const {
  return file_ ? file_->encoding() : Encoding::kUtf8;
}

int64_t CsvReader::offset() const {
  return file_ ? file_->offset() : static_cast<int64_t>(pos_);
}

absl::StatusOr<bool> CsvReader::Fill() {
  while (pos_ >= buffer_.size()) {
    if (file_ == nullptr) return false;
    buffer_.erase(0, pos_);
    pos_ = 0;
    absl::StatusOr<bool> more = file_->Read(&buffer_);
    if (!more.ok()) return more.status();
    if (!*more && buffer_.empty()) return false;
  }
  return true;
}

absl::StatusOr<bool> CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  absl::StatusOr<bool> more = Fill();
  if (!more.ok() || !*more) return more;
  ++row_;
  auto error = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("row ", row_, ": ", why));
  };
  std::string field;
  size_t record_bytes = 0;
  bool quoted = false;      // inside quotes
  bool was_quoted = false;  // the field began with a quote
  while (true) {
    more = Fill();
    if (!more.ok()) return more.status();
    if (!*more) {
      if (quoted) return error("a quoted field is not closed");
      break;
    }
    const char c = buffer_[pos_++];
    if (++record_bytes > kMaxCsvRecordBytes) {
      return error("longer than 1 MiB");
    }
    if (quoted) {
      if (c != '"') {
        field += c;
        continue;
      }
      more = Fill();
      if (!more.ok()) return more.status();
      if (*more && buffer_[pos_] == '"') {  // a doubled quote
        field += '"';
        ++pos_;
      } else {
        quoted = false;
      }
      continue;
    }
    if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
      continue;
    }
    if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
      if (fields->size() >= kMaxCsvColumns) {
        return error("more than 1,000 columns");
      }
      continue;
    }
    if (c == '\n') break;
    if (c == '\r') {
      more = Fill();
      if (!more.ok()) return more.status();
      if (*more && buffer_[pos_] == '\n') ++pos_;
      break;
    }
    field += c;
  }
  fields->push_back(std::move(field));
  return true;
}

}  // namespace zwfw::cli
