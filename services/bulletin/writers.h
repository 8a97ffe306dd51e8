// Writers: a document tree to the bytes of one format. Writers never
// compute a figure (document.h): the same document gives the same text in
// every format.
//
// Errors: Write is INVALID_ARGUMENT for an unknown format and INTERNAL
// when XLSX cannot be written (its temporary file; the message says which
// step). The text formats and PDF cannot fail. A PDF font family that is
// not installed is not an error either: fontconfig substitutes the closest
// installed family (with fonts-noto-cjk, a CJK face), so the PDF always
// renders; `pdffonts` shows what was embedded.
//
// Thread-safe: pure functions of their arguments (each PDF and XLSX uses
// its own cairo surface and temporary file).
#ifndef ZWFW_SERVICES_BULLETIN_WRITERS_H_
#define ZWFW_SERVICES_BULLETIN_WRITERS_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/bulletin/document.h"
#include "zwfw/v1/bulletin.pb.h"

namespace zwfw::bulletin {

struct Rendered {
  std::string content;
  std::string media_type;
  std::string extension;  // "txt", "html", …
};

// Font families of the PDF; an office sets 仿宋_GB2312 and 方正小标宋 where
// they are installed.
struct PdfFonts {
  std::string body = "Noto Serif CJK SC";        // 仿宋 stand-in
  std::string title = "Noto Serif CJK SC Bold";  // 小标宋 stand-in
  std::string heading = "Noto Sans CJK SC";      // 黑体 stand-in
  std::string lead = "Noto Serif CJK SC";        // 楷体 stand-in
};

// The document in `format`; see the errors above.
absl::StatusOr<Rendered> Write(const Document& document,
                               zwfw::v1::BulletinFormat format,
                               const PdfFonts& fonts = {});

// The reference's plain-text layout: blocks separated by blank lines, the
// table with tabs.
std::string WriteText(const Document& document);
std::string WriteMarkdown(const Document& document);
// One self-contained page styled after GB/T 9704 (A4 print CSS).
std::string WriteHtml(const Document& document);
// The attachment table alone, UTF-8 with a byte-order mark (for Excel).
std::string WriteCsv(const Document& document);
// A4, GB/T 9704 margins, page numbers, the attachment on a new page.
std::string WritePdf(const Document& document, const PdfFonts& fonts);
// The attachment table alone.
absl::StatusOr<std::string> WriteXlsx(const Document& document,
                                      const std::string& sheet_title);

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_WRITERS_H_
