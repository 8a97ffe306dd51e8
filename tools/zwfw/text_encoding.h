// The text encodings of the exports offices have: UTF-8 (with or without a
// byte-order mark) and GBK, read as GB18030 (its superset), converted to
// UTF-8 as they stream in (glibc iconv).
#ifndef ZWFW_TOOLS_ZWFW_TEXT_ENCODING_H_
#define ZWFW_TOOLS_ZWFW_TEXT_ENCODING_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zwfw::cli {

enum class Encoding { kAuto, kUtf8, kGb18030 };

// "auto", "utf-8", "gbk" or "gb18030" (any case); INVALID_ARGUMENT
// otherwise.
absl::StatusOr<Encoding> ParseEncoding(absl::string_view name);
// "UTF-8", "GB18030".
const char* EncodingName(Encoding e);

// The encoding of a file that begins with `head`: UTF-8 after a UTF-8
// byte-order mark, or when `head` is valid UTF-8 (an incomplete character
// at its end allowed); GB18030 otherwise.
Encoding DetectEncoding(absl::string_view head);

// Whether `text` is valid UTF-8; with `allow_truncated`, an incomplete
// sequence at the very end is accepted.
bool IsValidUtf8(absl::string_view text, bool allow_truncated = false);

// A file read as UTF-8 text, a chunk at a time. Not thread-safe.
class Utf8FileReader {
 public:
  // Opens `path`; with kAuto, the encoding is detected from its first
  // 64 KiB. NOT_FOUND when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<Utf8FileReader>> Open(
      const std::string& path, Encoding encoding);
  ~Utf8FileReader();

  // Appends the next chunk of UTF-8 text to `out`; false at the end.
  // INVALID_ARGUMENT naming the byte offset for bytes that are not text in
  // the file's encoding.
  absl::StatusOr<bool> Read(std::string* out);

  Encoding encoding() const { return encoding_; }
  // Bytes of the file consumed so far (for progress).
  int64_t offset() const { return offset_; }

 private:
  Utf8FileReader(std::FILE* file, Encoding encoding, void* iconv);

  std::FILE* const file_;
  const Encoding encoding_;
  void* const iconv_;    // iconv_t, for GB18030
  std::string pending_;  // bytes not converted yet (a split character)
  int64_t offset_ = 0;
  bool bom_checked_ = false;
};

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_TEXT_ENCODING_H_
