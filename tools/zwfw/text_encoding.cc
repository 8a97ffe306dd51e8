#include "tools/zwfw/text_encoding.h"

#include <errno.h>
#include <iconv.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace zwfw::cli {
namespace {

constexpr size_t kChunkBytes = 64 << 10;
constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

absl::StatusOr<Encoding> ParseEncoding(absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n.empty() || n == "auto") return Encoding::kAuto;
  if (n == "utf-8" || n == "utf8") return Encoding::kUtf8;
  if (n == "gbk" || n == "gb18030" || n == "gb2312") return Encoding::kGb18030;
  return absl::InvalidArgumentError(absl::StrCat(
      "encoding \"", name, "\": expected auto, utf-8, gbk or gb18030"));
}

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kUtf8:
      return "UTF-8";
    case Encoding::kGb18030:
      return "GB18030";
    default:
      return "auto";
  }
}

bool IsValidUtf8(absl::string_view s, bool allow_truncated) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    int n;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
    } else {
      return false;
    }
    if (i + n >= s.size()) {  // the character runs past the end
      if (!allow_truncated) return false;
      for (size_t k = i + 1; k < s.size(); ++k) {
        if ((static_cast<unsigned char>(s[k]) & 0xC0) != 0x80) return false;
      }
      return true;
    }
    for (int k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    const unsigned char c1 = s[i + 1];
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) ||
        (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
      return false;  // overlong, surrogate or beyond U+10FFFF
    }
    i += n + 1;
  }
  return true;
}

Encoding DetectEncoding(absl::string_view head) {
  if (head.substr(0, kUtf8Bom.size()) == kUtf8Bom) return Encoding::kUtf8;
  return IsValidUtf8(head, /*allow_truncated=*/true) ? Encoding::kUtf8
                                                     : Encoding::kGb18030;
}

absl::StatusOr<std::unique_ptr<Utf8FileReader>> Utf8FileReader::Open(
    const std::string& path, Encoding encoding) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot be opened (", std::strerror(errno), ")"));
  }
  if (encoding == Encoding::kAuto) {
    std::string head(kChunkBytes, '\0');
    head.resize(std::fread(head.data(), 1, head.size(), file));
    std::rewind(file);
    encoding = DetectEncoding(head);
  }
  void* cd = nullptr;
  if (encoding == Encoding::kGb18030) {
    iconv_t c = iconv_open("UTF-8", "GB18030");
    if (c == reinterpret_cast<iconv_t>(-1)) {
      std::fclose(file);
      return absl::InternalError("iconv cannot convert GB18030 to UTF-8");
    }
    cd = c;
  }
  return std::unique_ptr<Utf8FileReader>(
      new Utf8FileReader(file, encoding, cd));
}

Utf8FileReader::Utf8FileReader(std::FILE* file, Encoding encoding, void* cd)
    : file_(file), encoding_(encoding), iconv_(cd) {}

Utf8FileReader::~Utf8FileReader() {
  if (iconv_ != nullptr) iconv_close(static_cast<iconv_t>(iconv_));
  std::fclose(file_);
}

absl::StatusOr<bool> Utf8FileReader::Read(std::string* out) {
  std::string chunk(kChunkBytes, '\0');
  chunk.resize(std::fread(chunk.data(), 1, chunk.size(), file_));
  const bool at_end = chunk.empty();
  std::string bytes = std::move(pending_);
  pending_.clear();
  bytes += chunk;
  const int64_t start = offset_;
  offset_ += static_cast<int64_t>(chunk.size());
  if (!bom_checked_ && (bytes.size() >= kUtf8Bom.size() || at_end)) {
    bom_checked_ = true;
    if (encoding_ == Encoding::kUtf8 &&
        absl::string_view(bytes).substr(0, kUtf8Bom.size()) == kUtf8Bom) {
      bytes.erase(0, kUtf8Bom.size());
    }
  }
  if (bytes.empty()) return !at_end;
  if (encoding_ == Encoding::kUtf8) {
    // Keep an incomplete last character for the next chunk.
    size_t keep = 0;
    for (size_t k = 1; k <= 3 && k <= bytes.size(); ++k) {
      const unsigned char c = bytes[bytes.size() - k];
      if ((c & 0xC0) == 0x80) continue;  // a continuation byte
      const int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      if (need > static_cast<int>(k)) keep = k;
      break;
    }
    if (at_end) keep = 0;
    pending_ = bytes.substr(bytes.size() - keep);
    bytes.resize(bytes.size() - keep);
    if (!IsValidUtf8(bytes)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bytes ", start, "-", offset_,
          ": not UTF-8 text (give --encoding=gbk for a GBK export)"));
    }
    out->append(bytes);
    return true;
  }
  // GB18030 through iconv; an incomplete sequence at the end waits.
  char* in = bytes.data();
  size_t in_left = bytes.size();
  std::string converted(bytes.size() * 2 + 16, '\0');
  char* o = converted.data();
  size_t out_left = converted.size();
  iconv_t cd = static_cast<iconv_t>(iconv_);
  while (in_left > 0) {
    size_t r = iconv(cd, &in, &in_left, &o, &out_left);
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      const size_t used = o - converted.data();
      converted.resize(converted.size() * 2);
      o = converted.data() + used;
      out_left = converted.size() - used;
      continue;
    }
    if (errno == EINVAL && !at_end) {  // a character split by the chunk
      pending_.assign(in, in_left);
      break;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "byte ", start + (in - bytes.data()),
        ": not GBK/GB18030 text (give --encoding=utf-8 for a UTF-8 export)"));
  }
  converted.resize(o - converted.data());
  out->append(converted);
  return true;
}

}  // namespace zwfw::cli
