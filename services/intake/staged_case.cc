#include "services/intake/staged_case.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"

namespace zwfw::intake {

std::string StoredBytes(const zwfw::v1::Case& c) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream out(&stream);
  out.SetSerializationDeterministic(true);
  c.SerializeToCodedStream(&out);
  out.Trim();
  return bytes;
}

StagedCase Stage(zwfw::v1::Case c) {
  StagedCase staged;
  staged.bytes = StoredBytes(c);
  staged.accepted_month =
      Period::Containing(ToTime(c.accepted_at())).ToString();
  staged.contribution = ContributionOf(c);
  if (c.has_due_at()) {
    staged.due_micros = absl::ToUnixMicros(ToTime(c.due_at()));
  }
  if (c.has_completed_at()) {
    staged.completed_micros = absl::ToUnixMicros(ToTime(c.completed_at()));
  }
  staged.audit_key = absl::StrCat(c.department_code(), "/", c.case_no());
  staged.record = std::move(c);
  return staged;
}

std::vector<StagedCase> Stage(std::vector<zwfw::v1::Case> cases) {
  std::vector<StagedCase> staged;
  staged.reserve(cases.size());
  for (zwfw::v1::Case& c : cases) staged.push_back(Stage(std::move(c)));
  return staged;
}

}  // namespace zwfw::intake
