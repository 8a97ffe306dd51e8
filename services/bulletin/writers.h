// Writers: a document tree to the bytes of one format.
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

// INVALID_ARGUMENT for an unknown format; UNIMPLEMENTED for a known one
// this build cannot write.
absl::StatusOr<Rendered> Write(const Document& document,
                               zwfw::v1::BulletinFormat format);

// The reference's plain-text layout: blocks separated by blank lines, the
// table with tabs.
std::string WriteText(const Document& document);
std::string WriteMarkdown(const Document& document);
// One self-contained page styled after GB/T 9704 (A4 print CSS).
std::string WriteHtml(const Document& document);
// The attachment table alone, UTF-8 with a byte-order mark (for Excel).
std::string WriteCsv(const Document& document);

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_WRITERS_H_
