// The rules a case record must follow, as pure functions: validation and
// normalisation against the directory and the working-day calendar, the
// due time and legal status transitions. Overtime has its own home:
// overtime.h.
//
// Errors are INVALID_ARGUMENT, PERMISSION_DENIED or FAILED_PRECONDITION
// with a message "<field>: <reason>", so a batch can report the field of
// each rejected record (see SplitFieldError).
#ifndef ZWFW_SERVICES_INTAKE_CASE_RULES_H_
#define ZWFW_SERVICES_INTAKE_CASE_RULES_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/calendar.h"
#include "services/common/directory_index.h"
#include "services/common/proto_time.h"
#include "services/common/record_result.h"
#include "services/intake/overtime.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::intake {

inline constexpr size_t kMaxCaseNoBytes = 64;
inline constexpr int kMaxPauses = 64;
// An extension of the promised time: at most ten working days (行政许可法
// 第四十二条), with the approval's reference.
inline constexpr int kMaxExtensionDays = 10;
inline constexpr size_t kMaxApprovalRefBytes = 64;
// Keys of one LookupCases call.
inline constexpr int kMaxLookupKeys = 1000;
// accepted_at may be at most this far in the future (clock skew).
inline constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);

// Validates `c` and returns it normalised: the department alias replaced by
// its code; category taken from the service item, and due_at computed from
// it (promised days, pauses, an approved extension) — a due_at the sender
// gives counts only for a case without a directory item.
// `who` must be allowed to act for the case's department.
absl::StatusOr<zwfw::v1::Case> NormalizeCase(const zwfw::v1::Case& c,
                                             const DirectoryIndex& directory,
                                             const Calendar& calendar,
                                             const Principal& who,
                                             absl::Time now);

// The due time of a case accepted at `accepted_at` for an item promised in
// `promised_days` working days: the end (24:00 CST) of the n-th working day
// after the day of acceptance, where n adds to `promised_days` the working
// days each closed pause took (the days after the day a pause started, up
// to and including the day it ended). Open pauses are not counted.
absl::StatusOr<absl::Time> ComputeDueAt(
    absl::Time accepted_at, int promised_days,
    const google::protobuf::RepeatedPtrField<zwfw::v1::TimeInterval>& pauses,
    const Calendar& calendar);

// Whether `previous` may become `next`. FAILED_PRECONDITION "status: ..."
// otherwise. Legal: ACCEPTED ⇄ SUSPENDED; ACCEPTED or SUSPENDED →
// COMPLETED or WITHDRAWN; a non-final state to itself (a correction).
// COMPLETED, REJECTED and WITHDRAWN are final.
// A month closed by publication (closed_periods.h): its cases may still
// progress — be suspended, resumed, completed, extended — but no case can
// be back-dated into it, and none of its cases re-dated, moved to another
// department or item, or re-classified (category, site, instant, online,
// applicant kind, window, staff). `previous` is the stored case (nullopt:
// a new one); FAILED_PRECONDITION naming the month otherwise.
absl::Status CheckClosedMonth(
    const std::optional<zwfw::v1::Case>& previous, const zwfw::v1::Case& next,
    const std::function<bool(const std::string&)>& is_closed);

// A correction of a published month: the office's (admin) only, with a
// reason of 1 to kMaxCorrectionReasonBytes. An empty reason is no
// correction (OK for anyone).
inline constexpr size_t kMaxCorrectionReasonBytes = 500;
absl::Status CheckCorrection(const Principal& who, const std::string& reason);

absl::Status CheckTransition(zwfw::v1::CaseStatus previous,
                             zwfw::v1::CaseStatus next);

// Whether the case counts in statistics at all (REJECTED cases do not).
inline bool IsCounted(const zwfw::v1::Case& c) {
  return c.status() != zwfw::v1::CASE_STATUS_REJECTED;
}

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_CASE_RULES_H_
