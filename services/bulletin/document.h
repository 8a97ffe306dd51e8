// The bulletin as a document tree, between the composer (which knows the
// domain) and the writers (which know a format). Writers never compute a
// figure; the composer never formats for a medium.
#ifndef ZWFW_SERVICES_BULLETIN_DOCUMENT_H_
#define ZWFW_SERVICES_BULLETIN_DOCUMENT_H_

#include <string>
#include <vector>

namespace zwfw::bulletin {

struct Block {
  enum class Kind {
    kIssuingOffice,   // red issuing-authority mark, centred
    kDocumentNumber,  // 綦政服〔2020〕12号, centred, red rule below
    kTitle,           // centred, 小标宋
    kAddressees,      // flush left, ends with "："
    kParagraph,       // indented two characters
    kHeading,         // 一、事项办理情况 (黑体)
    kLeadParagraph,   // a headed item: `lead` in bold, then `text`
    kClosing,         // 特此通报。
    kAttachmentNote,  // 附件：…
    kSignature,       // issuing office, right
    kDate,            // 2020年8月6日, right
    kPublicity,       // （此件公开发布）
    kColophon,        // printing office left, printing date right
    kAttachment,      // "附件" at the top left of a new page; `text` the
                      // attachment's title; the table follows
  };
  Kind kind;
  std::string text;
  std::string lead;  // kLeadParagraph; kColophon: the printing office
};

struct TableCell {
  std::string text;
  int row_span = 1;      // > 1 on the first cell of a merged column run
  bool covered = false;  // inside another cell's span: not written
};

// The attachment table: a header row, the 合计 row, department rows in
// volume classes, and the 无办件 row.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<TableCell>> rows;
};

struct Document {
  std::string period;  // "2020-07"
  std::vector<Block> blocks;
  Table attachment;
  // Placeholders shown for missing draft fields or data.
  std::vector<std::string> warnings;
};

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_DOCUMENT_H_
