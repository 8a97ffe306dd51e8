// How `zwfw cases|evaluations|visits import FILE` reads FILE: JSON lines of
// the record (the default), or, with --mapping, an office's CSV or XLSX
// export by its ImportMapping (table_import.h) — the records then go
// through the same RPCs, batches and tally. --check is the dry run of an
// export: every row read and converted, nothing written.
#ifndef ZWFW_TOOLS_ZWFW_IMPORT_PLAN_H_
#define ZWFW_TOOLS_ZWFW_IMPORT_PLAN_H_

#include <google/protobuf/message.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/directory_index.h"
#include "tools/zwfw/client.h"
#include "tools/zwfw/jsonl_import.h"

namespace zwfw::cli {

struct ImportPlan {
  RecordSource source;
  std::unique_ptr<ImportTally> tally;
};

// The plan for `path`. `record` is "case", "evaluation" or "visit" and
// `prototype` its message; `mapping_path` empty reads JSON lines.
// INVALID_ARGUMENT for a bad mapping, a mapping of another record, a
// header without a mapped column, a file that is not what its name says;
// NOT_FOUND for a file that cannot be opened; UNAVAILABLE when the
// directory a mapping needs cannot be read from intake.
absl::StatusOr<ImportPlan> PlanImport(
    const ClientOptions& options, const std::string& path,
    const std::string& mapping_path, absl::string_view record,
    const google::protobuf::Message& prototype);

// The dry run of `path` by `mapping_path`: prints every problem and the
// counts by department and month; exit 0 when every row would be imported,
// 3 when some would not, 2 when the file or mapping cannot be used.
int CheckImport(const ClientOptions& options, const std::string& path,
                const std::string& mapping_path, absl::string_view record);

// The directory as intake serves it (departments and service items), for
// resolving names in exports.
absl::StatusOr<std::shared_ptr<const DirectoryIndex>> FetchDirectory(
    const ClientOptions& options);

}  // namespace zwfw::cli

#endif  // ZWFW_TOOLS_ZWFW_IMPORT_PLAN_H_
