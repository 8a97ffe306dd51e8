#include "tools/zwfw/text_table.h"

#include <algorithm>

#include "absl/strings/strip.h"

namespace zwfw::cli {

int DisplayWidth(absl::string_view text) {
  int width = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = text[i];
    int length = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    // Three- and four-byte sequences here are CJK and full-width forms.
    width += length >= 3 ? 2 : 1;
    i += length;
  }
  return width;
}

std::string TextTable::ToString() const {
  std::vector<int> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) {
        line.append(widths[c] - DisplayWidth(row[c]) + 2, ' ');
      }
    }
    absl::StripTrailingAsciiWhitespace(&line);
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace zwfw::cli
