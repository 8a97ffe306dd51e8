#include "services/bulletin/writers.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace zwfw::bulletin {
namespace {

using Kind = Block::Kind;

std::string Html(const std::string& text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::string Csv(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

// Rows with covered cells written empty (plain-text and CSV layouts).
std::vector<std::vector<std::string>> FlatRows(const Table& t) {
  std::vector<std::vector<std::string>> rows = {t.header};
  for (const auto& row : t.rows) {
    std::vector<std::string> cells;
    for (const auto& c : row) cells.push_back(c.covered ? "" : c.text);
    rows.push_back(cells);
  }
  return rows;
}

constexpr char kHtmlStyle[] = R"css(
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "FangSong", "STFangsong", "Noto Serif CJK SC", serif;
       font-size: 16pt; line-height: 28.9pt; max-width: 156mm; margin: 2em auto;
       color: #000; }
.office { color: #c00; text-align: center; font-size: 26pt; letter-spacing: 0.1em;
          font-family: "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", serif; margin-top: 1em; }
.number { text-align: center; margin: 1em 0 0.2em; }
.rule { border: 0; border-top: 2px solid #c00; margin: 0 0 1.5em; }
h1 { font-size: 22pt; text-align: center; font-weight: normal; line-height: 1.4;
     font-family: "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", serif; }
h2 { font-size: 16pt; font-weight: normal; font-family: "SimHei", "Noto Sans CJK SC", sans-serif;
     text-indent: 2em; margin: 0; }
p { text-indent: 2em; margin: 0; text-align: justify; }
p.addressees { text-indent: 0; }
p .lead { font-family: "KaiTi", "AR PL KaitiM GB", "Noto Serif CJK SC", serif; font-weight: bold; }
p.right { text-align: right; text-indent: 0; padding-right: 4em; }
.colophon { display: flex; justify-content: space-between; border-top: 1px solid #000;
            border-bottom: 1px solid #000; margin-top: 2em; padding: 0.2em 1em; font-size: 14pt; }
.attachment { page-break-before: always; break-before: page; }
.attachment .label { font-family: "SimHei", "Noto Sans CJK SC", sans-serif; }
.attachment h3 { text-align: center; font-weight: normal; font-size: 18pt; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; line-height: 1.4; }
th, td { border: 1px solid #000; padding: 2pt 4pt; text-align: center; }
thead { display: table-header-group; }
)css";

}  // namespace

std::string WriteText(const Document& doc) {
  std::vector<std::string> parts = {"", ""};
  for (const Block& b : doc.blocks) {
    switch (b.kind) {
      case Kind::kLeadParagraph:
        parts.push_back(absl::StrCat(b.lead, b.text));
        break;
      case Kind::kColophon:
        parts.push_back(b.lead);
        parts.push_back(b.text);
        break;
      case Kind::kAttachment:
        parts.push_back("附件");
        parts.push_back(b.text);
        break;
      default:
        parts.push_back(b.text);
    }
  }
  std::string out = absl::StrJoin(parts, "\n\n");
  absl::StrAppend(&out, "\n\n");
  for (const auto& row : FlatRows(doc.attachment)) {
    absl::StrAppend(&out, absl::StrJoin(row, "\t"), "\n");
  }
  return out;
}

std::string WriteMarkdown(const Document& doc) {
  std::string out;
  for (const Block& b : doc.blocks) {
    switch (b.kind) {
      case Kind::kIssuingOffice:
      case Kind::kDocumentNumber:
        absl::StrAppend(&out, "<p align=\"center\">", b.text, "</p>\n\n");
        break;
      case Kind::kTitle:
        absl::StrAppend(&out, "# ", b.text, "\n\n");
        break;
      case Kind::kHeading:
        absl::StrAppend(&out, "## ", b.text, "\n\n");
        break;
      case Kind::kLeadParagraph:
        absl::StrAppend(&out, "**", b.lead, "**", b.text, "\n\n");
        break;
      case Kind::kColophon:
        absl::StrAppend(&out, "---\n\n", b.lead, "　　", b.text, "\n\n---\n\n");
        break;
      case Kind::kAttachment:
        absl::StrAppend(&out, "## 附件：", b.text, "\n\n");
        break;
      default:
        absl::StrAppend(&out, b.text, "\n\n");
    }
  }
  auto rows = FlatRows(doc.attachment);
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StrAppend(&out, "| ", absl::StrJoin(rows[i], " | "), " |\n");
    if (i == 0) {
      absl::StrAppend(
          &out, "|",
          absl::StrJoin(std::vector<std::string>(rows[i].size(), "---"), "|"),
          "|\n");
    }
  }
  return out;
}

std::string WriteHtml(const Document& doc) {
  std::string title;
  for (const Block& b : doc.blocks) {
    if (b.kind == Kind::kTitle) title = b.text;
  }
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta "
      "charset=\"utf-8\">\n"
      "<title>",
      Html(title), "</title>\n<style>", kHtmlStyle,
      "</style>\n</head>\n<body>\n");
  for (const Block& b : doc.blocks) {
    const std::string t = Html(b.text);
    switch (b.kind) {
      case Kind::kIssuingOffice:
        absl::StrAppend(&out, "<div class=\"office\">", t, "</div>\n");
        break;
      case Kind::kDocumentNumber:
        absl::StrAppend(&out, "<div class=\"number\">", t,
                        "</div>\n<hr class=\"rule\">\n");
        break;
      case Kind::kTitle:
        absl::StrAppend(&out, "<h1>", t, "</h1>\n");
        break;
      case Kind::kAddressees:
        absl::StrAppend(&out, "<p class=\"addressees\">", t, "</p>\n");
        break;
      case Kind::kHeading:
        absl::StrAppend(&out, "<h2>", t, "</h2>\n");
        break;
      case Kind::kLeadParagraph:
        absl::StrAppend(&out, "<p><span class=\"lead\">", Html(b.lead),
                        "</span>", t, "</p>\n");
        break;
      case Kind::kSignature:
      case Kind::kDate:
        absl::StrAppend(&out, "<p class=\"right\">", t, "</p>\n");
        break;
      case Kind::kColophon:
        absl::StrAppend(&out, "<div class=\"colophon\"><span>", Html(b.lead),
                        "</span><span>", t, "</span></div>\n");
        break;
      case Kind::kAttachment: {
        absl::StrAppend(&out,
                        "<section class=\"attachment\">\n<div class=\"label\">"
                        "附件</div>\n<h3>",
                        t, "</h3>\n<table>\n<thead><tr>");
        for (const auto& h : doc.attachment.header) {
          absl::StrAppend(&out, "<th>", Html(h), "</th>");
        }
        absl::StrAppend(&out, "</tr></thead>\n<tbody>\n");
        for (const auto& row : doc.attachment.rows) {
          absl::StrAppend(&out, "<tr>");
          for (size_t i = 0; i < row.size(); ++i) {
            const TableCell& c = row[i];
            if (c.covered) continue;
            // The 无办件 row's names span the figure columns.
            int col_span =
                row.size() == 3 && i == 2
                    ? static_cast<int>(doc.attachment.header.size()) - 2
                    : 1;
            absl::StrAppend(
                &out, "<td",
                c.row_span > 1 ? absl::StrCat(" rowspan=\"", c.row_span, "\"")
                               : "",
                col_span > 1 ? absl::StrCat(" colspan=\"", col_span, "\"") : "",
                ">", Html(c.text), "</td>");
          }
          absl::StrAppend(&out, "</tr>\n");
        }
        absl::StrAppend(&out, "</tbody>\n</table>\n</section>\n");
        break;
      }
      default:
        absl::StrAppend(&out, "<p>", t, "</p>\n");
    }
  }
  absl::StrAppend(&out, "</body>\n</html>\n");
  return out;
}

std::string WriteCsv(const Document& doc) {
  std::string out = "\xEF\xBB\xBF";  // UTF-8 BOM: Excel reads it as UTF-8
  for (const auto& row : FlatRows(doc.attachment)) {
    std::vector<std::string> cells;
    for (const auto& c : row) cells.push_back(Csv(c));
    absl::StrAppend(&out, absl::StrJoin(cells, ","), "\r\n");
  }
  return out;
}

absl::StatusOr<Rendered> Write(const Document& doc,
                               zwfw::v1::BulletinFormat format,
                               const PdfFonts& fonts) {
  switch (format) {
    case zwfw::v1::BULLETIN_FORMAT_TEXT:
      return Rendered{WriteText(doc), "text/plain; charset=utf-8", "txt"};
    case zwfw::v1::BULLETIN_FORMAT_MARKDOWN:
      return Rendered{WriteMarkdown(doc), "text/markdown; charset=utf-8", "md"};
    case zwfw::v1::BULLETIN_FORMAT_HTML:
      return Rendered{WriteHtml(doc), "text/html; charset=utf-8", "html"};
    case zwfw::v1::BULLETIN_FORMAT_CSV:
      return Rendered{WriteCsv(doc), "text/csv; charset=utf-8", "csv"};
    case zwfw::v1::BULLETIN_FORMAT_PDF:
      return Rendered{WritePdf(doc, fonts), "application/pdf", "pdf"};
    case zwfw::v1::BULLETIN_FORMAT_XLSX: {
      std::string title;
      for (const Block& b : doc.blocks) {
        if (b.kind == Kind::kAttachment) title = b.text;
      }
      absl::StatusOr<std::string> xlsx = WriteXlsx(doc, title);
      if (!xlsx.ok()) return xlsx.status();
      return Rendered{*std::move(xlsx),
                      "application/vnd.openxmlformats-officedocument."
                      "spreadsheetml.sheet",
                      "xlsx"};
    }
    default:
      return absl::InvalidArgumentError(
          "format: unknown; one of TEXT, MARKDOWN, HTML, PDF, XLSX, CSV");
  }
}

}  // namespace zwfw::bulletin
