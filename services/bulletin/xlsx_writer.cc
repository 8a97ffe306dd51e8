// The XLSX writer (libxlsxwriter): the attachment table alone, the class
// cells merged over their rows, the header row bold and repeated on every
// printed page.
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/bulletin/writers.h"

namespace zwfw::bulletin {

absl::StatusOr<std::string> WriteXlsx(const Document& doc,
                                      const std::string& sheet_title) {
  // libxlsxwriter writes files: a private temporary one.
  char path[] = "/tmp/zwfw-xlsx-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return absl::InternalError("cannot create a temporary file");
  close(fd);
  lxw_workbook* workbook = workbook_new(path);
  if (workbook == nullptr) {
    unlink(path);
    return absl::InternalError("cannot start a workbook");
  }
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "办件情况表");
  lxw_format* cell = workbook_add_format(workbook);
  format_set_border(cell, LXW_BORDER_THIN);
  format_set_align(cell, LXW_ALIGN_CENTER);
  format_set_align(cell, LXW_ALIGN_VERTICAL_CENTER);
  format_set_text_wrap(cell);
  lxw_format* head = workbook_add_format(workbook);
  format_set_border(head, LXW_BORDER_THIN);
  format_set_bold(head);
  format_set_align(head, LXW_ALIGN_CENTER);
  lxw_format* title = workbook_add_format(workbook);
  format_set_bold(title);
  format_set_font_size(title, 14);
  format_set_align(title, LXW_ALIGN_CENTER);

  const int columns = static_cast<int>(doc.attachment.header.size());
  worksheet_merge_range(sheet, 0, 0, 0, columns - 1, sheet_title.c_str(),
                        title);
  worksheet_set_column(sheet, 0, 1, 11, nullptr);
  worksheet_set_column(sheet, 2, 2, 28, nullptr);
  worksheet_set_column(sheet, 3, columns - 1, 10, nullptr);
  for (int c = 0; c < columns; ++c) {
    worksheet_write_string(sheet, 1, c, doc.attachment.header[c].c_str(), head);
  }
  worksheet_repeat_rows(sheet, 1, 1);
  worksheet_set_paper(sheet, 9);  // A4
  int r = 2;
  for (const auto& row : doc.attachment.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      const TableCell& t = row[c];
      if (t.covered) continue;
      if (row.size() == 3 && c == 2) {  // 无办件: names over the figures
        worksheet_merge_range(sheet, r, 2, r, columns - 1, t.text.c_str(),
                              cell);
        continue;
      }
      if (t.row_span > 1) {
        worksheet_merge_range(sheet, r, c, r + t.row_span - 1, c,
                              t.text.c_str(), cell);
        continue;
      }
      double number = 0;
      if (c >= 3 && absl::SimpleAtod(t.text, &number)) {
        worksheet_write_number(sheet, r, c, number, cell);
      } else {
        worksheet_write_string(sheet, r, c, t.text.c_str(), cell);
      }
    }
    ++r;
  }
  lxw_error error = workbook_close(workbook);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  unlink(path);
  if (error != LXW_NO_ERROR) {
    return absl::InternalError(absl::StrCat("xlsx: ", lxw_strerror(error)));
  }
  return bytes.str();
}

}  // namespace zwfw::bulletin
