// libFuzzer target: any bytes as an XLSX workbook (a zip of XML parts), read
// to the end. Nothing may crash, leak, hang or trip UBSan.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/zwfw/xlsx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The reader opens a path (minizip seeks in it): a private file.
  static const std::string path =
      "/tmp/zwfw-xlsx-fuzz-" + std::to_string(getpid()) + ".xlsx";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  auto reader = zwfw::cli::XlsxReader::Open(path);
  if (reader.ok()) {
    std::vector<std::string> cells;
    for (int rows = 0; rows < 100000; ++rows) {
      absl::StatusOr<bool> more = (*reader)->Next(&cells);
      if (!more.ok() || !*more) break;
    }
  }
  return 0;
}
