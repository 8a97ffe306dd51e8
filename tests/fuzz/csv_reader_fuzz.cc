// libFuzzer target: any bytes as a CSV export, read to the end and every
// row converted by a mapping with every field kind. Nothing may crash,
// leak or trip UBSan; errors are statuses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/zwfw/csv_reader.h"
#include "tools/zwfw/table_import.h"
#include "zwfw/v1/intake.pb.h"

namespace {

const zwfw::v1::ImportMapping& Mapping() {
  static const auto* const mapping =
      new zwfw::v1::ImportMapping(*zwfw::cli::ParseMapping(R"json({
    "record": "case", "header_row": 1,
    "fields": [
      {"field": "case_no", "column": "A"},
      {"field": "department_code", "column": "B", "kind": "FIELD_KIND_DEPARTMENT"},
      {"field": "site", "column": "C", "values": {"中心": "HANDLING_SITE_CENTER"}},
      {"field": "online", "column": "D", "kind": "FIELD_KIND_BOOL", "optional": true},
      {"field": "accepted_at", "column": "E", "kind": "FIELD_KIND_TIME"},
      {"field": "item_code", "column": "F", "kind": "FIELD_KIND_ITEM", "optional": true},
      {"field": "status", "constant": "CASE_STATUS_ACCEPTED"}
    ]})json"));
  return *mapping;
}

std::shared_ptr<const zwfw::DirectoryIndex> Directory() {
  static const auto* const directory = [] {
    zwfw::v1::DirectorySnapshot s;
    auto* d = s.add_departments();
    d->set_code("qj-gaj");
    d->set_name("区公安局");
    auto* item = s.add_service_items();
    item->set_code("i1");
    item->set_name("户籍");
    item->set_department_code("qj-gaj");
    item->set_category(zwfw::v1::ITEM_CATEGORY_APPROVAL);
    item->set_kind(zwfw::v1::ITEM_KIND_INSTANT);
    return new std::shared_ptr<const zwfw::DirectoryIndex>(
        *zwfw::DirectoryIndex::Build(s, 1));
  }();
  return *directory;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto csv = zwfw::cli::CsvReader::FromText(
      std::string(reinterpret_cast<const char*>(data), size));
  auto converter = zwfw::cli::ReadHeader(*csv, Mapping(), Directory());
  if (!converter.ok()) return 0;
  zwfw::cli::CheckReport report =
      zwfw::cli::CheckRows(*csv, **converter, Mapping());
  for (const auto& p : report.problems) (void)p.ToString();
  (void)zwfw::cli::FormatCheckReport(report, Directory().get());
  return 0;
}
