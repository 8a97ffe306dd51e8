// Per-record results of batch RPCs (zwfw.v1.RecordResult).
//
// Validation errors inside services carry "<field>: <reason>" as their
// message, so a batch can report the field of each rejected record:
//
//   absl::Status s = absl::InvalidArgumentError("accepted_at: is missing");
//   Reject(&result, s);  // field "accepted_at", reason "is missing"
#ifndef ZWFW_SERVICES_COMMON_RECORD_RESULT_H_
#define ZWFW_SERVICES_COMMON_RECORD_RESULT_H_

#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zwfw/v1/common.pb.h"

namespace zwfw {

// What a store did with one record of a batch.
struct WriteResult {
  zwfw::v1::RecordOutcome outcome = zwfw::v1::RECORD_OUTCOME_UNSPECIFIED;
  // For REJECTED: why, "<field>: <reason>".
  absl::Status error;
};

// "accepted_at: is missing" -> {"accepted_at", "is missing"}. A message
// without ": " has an empty field.
std::pair<std::string, std::string> SplitFieldError(absl::string_view message);

// Marks the result REJECTED with the error's code, field and reason.
void Reject(zwfw::v1::RecordResult* result, const absl::Status& error);

// Fills the results of `count` records a store was given, from what it did
// with the k-th: its outcome, or REJECTED with its error. When nothing was
// stored, every one is REJECTED as UNAVAILABLE (RESOURCE_EXHAUSTED for a
// full disk) with the reason and "send the batch again"; `field` names what
// (e.g. "cases").
void ApplyWrites(const absl::StatusOr<std::vector<WriteResult>>& written,
                 size_t count, absl::string_view field,
                 const std::function<zwfw::v1::RecordResult*(size_t)>& result);

// The status a rejected record would have had as a unary call.
absl::Status StatusOf(const zwfw::v1::RecordResult& result);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_RECORD_RESULT_H_
