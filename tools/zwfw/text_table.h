// Plain-text tables for the terminal, aligned by display width (a CJK
// character takes two columns).
#ifndef ZWFW_TOOLS_ZWFW_TEXT_TABLE_H_
#define ZWFW_TOOLS_ZWFW_TEXT_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace zwfw::cli {

// Columns a UTF-8 string takes on a terminal.
int DisplayWidth(absl::string_view text);

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header)
      : rows_{std::move(header)} {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns separated by two spaces; trailing spaces trimmed.
  std::string ToString() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_TEXT_TABLE_H_
