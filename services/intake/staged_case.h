// A case made ready for the writer on its caller's thread. The group
// committer has one writer thread, and storing the streams' cases is as fast
// as that thread: what can be computed from the case alone — the bytes
// stored (and compared to find a DUPLICATE), the accepted month, its
// contribution to the counters, its times as stored, its name in the audit
// trail — is computed before the case queues, on the gRPC threads, and the
// writer spends its time in the database.
#ifndef ZWFW_SERVICES_INTAKE_STAGED_CASE_H_
#define ZWFW_SERVICES_INTAKE_STAGED_CASE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/intake/case_counters.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::intake {

struct StagedCase {
  zwfw::v1::Case record;       // normalised (NormalizeCase)
  std::string bytes;           // its deterministic serialisation
  std::string accepted_month;  // "2020-07", China Standard Time
  Contribution contribution;   // ContributionOf(record)
  // Unix microseconds, as the columns keep them; nullopt when absent.
  std::optional<int64_t> due_micros;
  std::optional<int64_t> completed_micros;
  std::string audit_key;  // "department_code/case_no"
};

// The same bytes for the same case, whichever process wrote it.
std::string StoredBytes(const zwfw::v1::Case& c);

StagedCase Stage(zwfw::v1::Case c);
std::vector<StagedCase> Stage(std::vector<zwfw::v1::Case> cases);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_STAGED_CASE_H_
