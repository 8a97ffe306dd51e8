// The demo cases written as an office's export would have them: a sheet of
// 办件 with Chinese headers under a title row, department names instead of
// codes, 是/否, and local times — as CSV (UTF-8 or GBK) or XLSX (times as
// date-time cells, the title merged over the columns). The mapping that
// reads them back is deploy/import/qijiang-cases.json.
#ifndef ZWFW_TOOLS_SEEDGEN_EXPORT_H_
#define ZWFW_TOOLS_SEEDGEN_EXPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "zwfw/v1/directory.pb.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::seedgen {

// CSV, in "utf-8" or "gbk"; times as "2020/7/1 9:30".
absl::Status WriteCasesCsv(const std::vector<zwfw::v1::Case>& cases,
                           const zwfw::v1::DirectorySnapshot& directory,
                           const std::string& encoding, std::ostream& out);

// An XLSX workbook at `path`.
absl::Status WriteCasesXlsx(const std::vector<zwfw::v1::Case>& cases,
                            const zwfw::v1::DirectorySnapshot& directory,
                            const std::string& path);

}  // namespace zwfw::seedgen

#endif  // ZWFW_TOOLS_SEEDGEN_EXPORT_H_
