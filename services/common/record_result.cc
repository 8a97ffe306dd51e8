#include "services/common/record_result.h"

#include "absl/strings/str_cat.h"

namespace zwfw {

std::pair<std::string, std::string> SplitFieldError(absl::string_view message) {
  size_t colon = message.find(": ");
  if (colon == absl::string_view::npos) return {"", std::string(message)};
  return {std::string(message.substr(0, colon)),
          std::string(message.substr(colon + 2))};
}

void Reject(zwfw::v1::RecordResult* result, const absl::Status& error) {
  auto [field, reason] = SplitFieldError(error.message());
  result->set_outcome(zwfw::v1::RECORD_OUTCOME_REJECTED);
  result->set_field(field);
  result->set_reason(reason);
  result->set_code(static_cast<int>(error.code()));
}

void ApplyWrites(const absl::StatusOr<std::vector<WriteResult>>& written,
                 size_t count, absl::string_view field,
                 const std::function<zwfw::v1::RecordResult*(size_t)>& result) {
  for (size_t k = 0; k < count; ++k) {
    zwfw::v1::RecordResult* r = result(k);
    if (!written.ok()) {
      // A full disk stays RESOURCE_EXHAUSTED; any other failure of the
      // store is UNAVAILABLE: either way, retry.
      const absl::StatusCode code =
          written.status().code() == absl::StatusCode::kResourceExhausted
              ? absl::StatusCode::kResourceExhausted
              : absl::StatusCode::kUnavailable;
      Reject(r, absl::Status(code, absl::StrCat(field, ": not stored (",
                                                written.status().message(),
                                                "); send the batch again")));
    } else if ((*written)[k].outcome == zwfw::v1::RECORD_OUTCOME_REJECTED) {
      Reject(r, (*written)[k].error);
    } else {
      r->set_outcome((*written)[k].outcome);
    }
  }
}

absl::Status StatusOf(const zwfw::v1::RecordResult& result) {
  if (result.outcome() != zwfw::v1::RECORD_OUTCOME_REJECTED) {
    return absl::OkStatus();
  }
  return absl::Status(
      static_cast<absl::StatusCode>(result.code()),
      result.field().empty()
          ? result.reason()
          : absl::StrCat(result.field(), ": ", result.reason()));
}

}  // namespace zwfw
