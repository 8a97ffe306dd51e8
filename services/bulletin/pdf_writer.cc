// The PDF writer: cairo + pango, A4 with GB/T 9704-2012 margins (top 37 mm,
// binding 28 mm, type area 156 × 225 mm, 22 lines of 16 pt), page numbers
// "— N —" (odd pages right, even pages left), the colophon on the last page
// of the body, the attachment on a new page with its header row repeated
// when the table breaks.
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <functional>
#include <memory>

#include "absl/strings/str_cat.h"
#include "services/bulletin/writers.h"

namespace zwfw::bulletin {
namespace {

using Kind = Block::Kind;

constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm;
constexpr double kPageHeight = 297 * kMm;
constexpr double kLeft = 28 * kMm;
constexpr double kTop = 37 * kMm;
constexpr double kWidth = 156 * kMm;
constexpr double kHeight = 225 * kMm;
constexpr double kBottom = kTop + kHeight;
constexpr double kLine = kHeight / 22;  // 22 lines a page

cairo_status_t AppendTo(void* closure, const unsigned char* data,
                        unsigned int length) {
  static_cast<std::string*>(closure)->append(
      reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// A font of `size` points in cairo's PDF units (pango would otherwise
// scale points to 96 dpi).
PangoFontDescription* Font(const std::string& family, double size) {
  PangoFontDescription* font =
      pango_font_description_from_string(family.c_str());
  pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
  return font;
}

std::string Escape(const std::string& text) {
  char* escaped = g_markup_escape_text(text.c_str(), -1);
  std::string out(escaped);
  g_free(escaped);
  return out;
}

class Pages {
 public:
  Pages(cairo_t* cr, PdfFonts fonts) : cr_(cr), fonts_(std::move(fonts)) {}

  // A paragraph of pango markup, broken across pages line by line.
  void Paragraph(const std::string& markup, const std::string& family,
                 double size, PangoAlignment align, double indent_chars,
                 double red = 0) {
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* font = Font(family, size);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, static_cast<int>(kWidth * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, align);
    pango_layout_set_indent(
        layout, static_cast<int>(indent_chars * size * PANGO_SCALE));
    pango_layout_set_markup(layout, markup.c_str(), -1);
    const double line = std::max(kLine, size * 1.45);
    for (int i = 0; i < pango_layout_get_line_count(layout); ++i) {
      if (y_ + line > kBottom + 0.5) NewPage();
      PangoLayoutLine* l = pango_layout_get_line_readonly(layout, i);
      PangoRectangle logical;
      pango_layout_line_get_pixel_extents(l, nullptr, &logical);
      double x = kLeft;
      if (align == PANGO_ALIGN_CENTER) x += (kWidth - logical.width) / 2;
      if (align == PANGO_ALIGN_RIGHT) x += kWidth - logical.width - 2 * size;
      if (i == 0 && align == PANGO_ALIGN_LEFT) x += indent_chars * size;
      cairo_set_source_rgb(cr_, red, 0, 0);
      cairo_move_to(cr_, x, y_ + (line + size * 0.8) / 2);
      pango_cairo_show_layout_line(cr_, l);
      y_ += line;
    }
    cairo_set_source_rgb(cr_, 0, 0, 0);
    g_object_unref(layout);
  }

  void Body(const std::string& markup, double indent = 2) {
    Paragraph(markup, fonts_.body, 16, PANGO_ALIGN_LEFT, indent);
  }

  void Rule(double red, double width) {
    cairo_set_source_rgb(cr_, red, 0, 0);
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, kLeft, y_);
    cairo_line_to(cr_, kLeft + kWidth, y_);
    cairo_stroke(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }

  void Skip(double lines) { y_ += lines * kLine; }
  double y() const { return y_; }
  void set_y(double y) { y_ = y; }

  void NewPage() {
    PageNumber();
    cairo_show_page(cr_);
    ++page_;
    y_ = kTop;
    if (on_new_page_) on_new_page_();
  }

  void Finish() { PageNumber(); }

  // Called at the top of every new page (the table repeats its header).
  void OnNewPage(std::function<void()> f) { on_new_page_ = std::move(f); }

  // Text inside a table cell, clipped to its box, vertically centred.
  double CellHeight(const std::string& text, double width, double size) {
    PangoLayout* layout = CellLayout(text, width, size);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(layout, &w, &h);
    g_object_unref(layout);
    return h + 6;
  }
  void Cell(const std::string& text, double x, double width, double height,
            double size) {
    PangoLayout* layout = CellLayout(text, width, size);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(layout, &w, &h);
    cairo_move_to(cr_, x + 2, y_ + (height - h) / 2);
    pango_cairo_show_layout(cr_, layout);
    g_object_unref(layout);
  }

  const PdfFonts& fonts() const { return fonts_; }
  cairo_t* cr() { return cr_; }

 private:
  PangoLayout* CellLayout(const std::string& text, double width, double size) {
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* font = Font(fonts_.body, size);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, static_cast<int>((width - 4) * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    pango_layout_set_text(layout, text.c_str(), -1);
    return layout;
  }

  void PageNumber() {
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* font = Font(fonts_.body, 14);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    const std::string number = absl::StrCat("— ", page_, " —");
    pango_layout_set_text(layout, number.c_str(), -1);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(layout, &w, &h);
    // Odd pages right, even pages left, a character in from the edge.
    double x = page_ % 2 == 1 ? kLeft + kWidth - w - 14 : kLeft + 14;
    cairo_move_to(cr_, x, kBottom + 7 * kMm);
    pango_cairo_show_layout(cr_, layout);
    g_object_unref(layout);
  }

  cairo_t* cr_;
  PdfFonts fonts_;
  double y_ = kTop;
  int page_ = 1;
  std::function<void()> on_new_page_;
};

void DrawTable(Pages& pages, const zwfw::bulletin::Table& t) {
  const double size = 10.5;
  const double fractions[] = {0.07, 0.13, 0.26, 0.09, 0.09,
                              0.09, 0.09, 0.09, 0.09};
  std::vector<double> x = {kLeft};
  for (double f : fractions) x.push_back(x.back() + f * kWidth);
  cairo_t* cr = pages.cr();
  cairo_set_line_width(cr, 0.6);

  auto row_height = [&](const std::vector<std::string>& cells,
                        const std::vector<int>& spans) {
    double h = 18;
    for (size_t c = 0, col = 0; c < cells.size(); ++c) {
      double w = x[std::min(col + spans[c], x.size() - 1)] - x[col];
      h = std::max(h, pages.CellHeight(cells[c], w, size));
      col += spans[c];
    }
    return h;
  };
  // Draws one row: text, vertical lines, the top line (except under a
  // merged cell that continues).
  auto draw = [&](const std::vector<std::string>& cells,
                  const std::vector<int>& spans, std::vector<bool> open_top,
                  double h) {
    if (pages.y() + h > kBottom) pages.NewPage();
    const double top = pages.y();
    size_t col = 0;
    for (size_t c = 0; c < cells.size(); ++c) {
      const size_t end = std::min(col + spans[c], x.size() - 1);
      pages.Cell(cells[c], x[col], x[end] - x[col], h, size);
      if (!(c < open_top.size() && open_top[c])) {
        cairo_move_to(cr, x[col], top);
        cairo_line_to(cr, x[end], top);
      }
      cairo_move_to(cr, x[col], top);
      cairo_line_to(cr, x[col], top + h);
      col = end;
    }
    cairo_move_to(cr, x.back(), top);
    cairo_line_to(cr, x.back(), top + h);
    cairo_move_to(cr, x.front(), top + h);
    cairo_line_to(cr, x.back(), top + h);
    cairo_stroke(cr);
    pages.set_y(top + h);
  };

  std::vector<int> header_spans(t.header.size(), 1);
  const double header_height = row_height(t.header, header_spans);
  auto header = [&] { draw(t.header, header_spans, {}, header_height); };
  header();
  pages.OnNewPage(header);
  for (const auto& row : t.rows) {
    std::vector<std::string> cells;
    std::vector<int> spans;
    std::vector<bool> open_top;
    for (size_t c = 0; c < row.size(); ++c) {
      cells.push_back(row[c].covered ? "" : row[c].text);
      open_top.push_back(row[c].covered);
      // The 无办件 row's names span the figure columns.
      spans.push_back(row.size() == 3 && c == 2
                          ? static_cast<int>(t.header.size()) - 2
                          : 1);
    }
    draw(cells, spans, open_top, row_height(cells, spans));
  }
  pages.OnNewPage(nullptr);
}

}  // namespace

std::string WritePdf(const Document& doc, const PdfFonts& fonts) {
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(
      AppendTo, &out, kPageWidth, kPageHeight);
  cairo_t* cr = cairo_create(surface);
  {
    Pages pages(cr, fonts);
    for (const Block& b : doc.blocks) {
      const std::string t = Escape(b.text);
      switch (b.kind) {
        case Kind::kIssuingOffice:
          pages.Paragraph(t, fonts.title, 26, PANGO_ALIGN_CENTER, 0, 0.8);
          pages.Skip(1);
          break;
        case Kind::kDocumentNumber:
          pages.Paragraph(t, fonts.body, 16, PANGO_ALIGN_CENTER, 0);
          pages.Skip(0.2);
          pages.Rule(0.8, 1.5);
          pages.Skip(1);
          break;
        case Kind::kTitle:
          pages.Paragraph(t, fonts.title, 22, PANGO_ALIGN_CENTER, 0);
          pages.Skip(1);
          break;
        case Kind::kAddressees:
          pages.Body(t, 0);
          break;
        case Kind::kHeading:
          pages.Paragraph(t, fonts.heading, 16, PANGO_ALIGN_LEFT, 2);
          break;
        case Kind::kLeadParagraph:
          pages.Body(absl::StrCat("<span font_family=\"", fonts.lead,
                                  "\" weight=\"bold\">", Escape(b.lead),
                                  "</span>", t));
          break;
        case Kind::kClosing:
          pages.Body(t);
          break;
        case Kind::kAttachmentNote:
          pages.Skip(1);
          pages.Body(t);
          pages.Skip(1);
          break;
        case Kind::kSignature:
        case Kind::kDate:
          pages.Paragraph(t, fonts.body, 16, PANGO_ALIGN_RIGHT, 0);
          break;
        case Kind::kPublicity:
          pages.Body(t);
          break;
        case Kind::kColophon: {
          // At the foot of the body's last page, between two rules.
          const double at = kBottom - 2 * kLine;
          if (pages.y() > at) pages.NewPage();
          pages.set_y(at);
          pages.Rule(0, 1);
          const double top = pages.y();
          pages.Paragraph(Escape(b.lead), fonts.body, 14, PANGO_ALIGN_LEFT, 1);
          pages.set_y(top);
          pages.Paragraph(t, fonts.body, 14, PANGO_ALIGN_RIGHT, 0);
          pages.Rule(0, 1);
          break;
        }
        case Kind::kAttachment:
          pages.NewPage();
          pages.Paragraph("附件", fonts.heading, 16, PANGO_ALIGN_LEFT, 0);
          pages.Skip(0.5);
          pages.Paragraph(t, fonts.title, 18, PANGO_ALIGN_CENTER, 0);
          pages.Skip(0.5);
          DrawTable(pages, doc.attachment);
          break;
        default:
          pages.Body(t);
      }
    }
    pages.Finish();
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return out;
}

}  // namespace zwfw::bulletin
