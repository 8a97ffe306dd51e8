#include "services/intake/case_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/closed_periods.h"
#include "services/common/period.h"
#include "services/intake/handling_time.h"

namespace zwfw::intake {
namespace {

using zwfw::v1::Case;
using zwfw::v1::CaseStatus;

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

bool IsOpen(CaseStatus s) {
  return s == zwfw::v1::CASE_STATUS_ACCEPTED ||
         s == zwfw::v1::CASE_STATUS_SUSPENDED;
}

absl::Status CheckText(absl::string_view field, absl::string_view text,
                       size_t max_bytes) {
  if (text.size() > max_bytes) {
    return Invalid(field, absl::StrCat("is longer than ", max_bytes, " bytes"));
  }
  if (std::any_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20;
      })) {
    return Invalid(field, "contains a control character");
  }
  return absl::OkStatus();
}

absl::Status CheckPauses(const Case& c) {
  if (c.pauses_size() > kMaxPauses) {
    return Invalid("pauses", absl::StrCat("more than ", kMaxPauses));
  }
  absl::Time accepted = ToTime(c.accepted_at());
  absl::Time previous_end = accepted;
  for (int i = 0; i < c.pauses_size(); ++i) {
    const auto& p = c.pauses(i);
    std::string field = absl::StrCat("pauses[", i, "]");
    if (!HasTime(p.start()) || !ValidTimestamp(p.start())) {
      return Invalid(field, "start is missing or out of range");
    }
    absl::Time start = ToTime(p.start());
    if (start < previous_end) {
      return Invalid(field,
                     "starts before acceptance or before the previous pause "
                     "ended");
    }
    if (!HasTime(p.end())) {
      if (i != c.pauses_size() - 1 ||
          c.status() != zwfw::v1::CASE_STATUS_SUSPENDED) {
        return Invalid(field,
                       "has no end; only the last pause of a SUSPENDED case "
                       "may be open");
      }
      continue;
    }
    if (!ValidTimestamp(p.end()) || ToTime(p.end()) < start) {
      return Invalid(field, "ends before it starts");
    }
    previous_end = ToTime(p.end());
  }
  if (c.status() == zwfw::v1::CASE_STATUS_SUSPENDED &&
      (c.pauses_size() == 0 || HasTime(c.pauses().rbegin()->end()))) {
    return Invalid("pauses",
                   "a SUSPENDED case needs an open pause (start, no end)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<absl::Time> ComputeDueAt(
    absl::Time accepted_at, int promised_days,
    const google::protobuf::RepeatedPtrField<zwfw::v1::TimeInterval>& pauses,
    const Calendar& calendar) {
  int days = promised_days;
  for (const auto& p : pauses) {
    if (!HasTime(p.end())) continue;
    absl::StatusOr<int> paused = calendar.WorkingDaysBetween(
        ChinaDay(ToTime(p.start())), ChinaDay(ToTime(p.end())));
    if (!paused.ok()) return paused.status();
    days += *paused;
  }
  return calendar.EndOfWorkingDay(accepted_at, days);
}

absl::StatusOr<Case> NormalizeCase(const Case& in,
                                   const DirectoryIndex& directory,
                                   const Calendar& calendar,
                                   const Principal& who, absl::Time now) {
  Case c = in;
  // Nothing the schema does not name is stored (a newer client's fields,
  // or bytes smuggled past validation).
  c.DiscardUnknownFields();
  // An explicitly empty timestamp means absent.
  if (c.has_completed_at() && !HasTime(c.completed_at()))
    c.clear_completed_at();
  if (c.has_due_at() && !HasTime(c.due_at())) c.clear_due_at();
  // Department first: permission errors must not reveal anything else.
  if (c.department_code().empty()) {
    return Invalid("department_code", "is empty");
  }
  const zwfw::v1::Department* department =
      directory.FindDepartment(c.department_code());
  if (department == nullptr) {
    return Invalid("department_code",
                   absl::StrCat("department \"", c.department_code(),
                                "\" is not in the directory"));
  }
  c.set_department_code(department->code());
  if (!who.MayActFor(department->code())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "department_code: token of ", who.RoleName(),
        " may not write cases of department ", department->code()));
  }

  if (c.case_no().empty()) return Invalid("case_no", "is empty");
  absl::Status s = CheckText("case_no", c.case_no(), kMaxCaseNoBytes);
  if (!s.ok()) return s;

  const zwfw::v1::ServiceItem* item = nullptr;
  if (!c.item_code().empty()) {
    item = directory.FindServiceItem(c.item_code());
    if (item == nullptr || item->department_code() != department->code()) {
      return Invalid(
          "item_code",
          absl::StrCat("service item \"", c.item_code(), "\" of department ",
                       department->code(), " is not in the directory"));
    }
    if (c.category() == zwfw::v1::ITEM_CATEGORY_UNSPECIFIED) {
      c.set_category(item->category());
    } else if (c.category() != item->category()) {
      return Invalid("category", absl::StrCat("differs from the category of "
                                              "service item ",
                                              item->code()));
    }
  }
  if (c.category() != zwfw::v1::ITEM_CATEGORY_APPROVAL &&
      c.category() != zwfw::v1::ITEM_CATEGORY_CONVENIENCE) {
    return Invalid("category",
                   "must be ITEM_CATEGORY_APPROVAL or "
                   "ITEM_CATEGORY_CONVENIENCE");
  }
  if (c.site() != zwfw::v1::HANDLING_SITE_CENTER &&
      c.site() != zwfw::v1::HANDLING_SITE_DEPARTMENT &&
      c.site() != zwfw::v1::HANDLING_SITE_GRASSROOTS) {
    return Invalid("site",
                   "must be HANDLING_SITE_CENTER, HANDLING_SITE_DEPARTMENT "
                   "or HANDLING_SITE_GRASSROOTS");
  }
  if (c.status() < zwfw::v1::CASE_STATUS_ACCEPTED ||
      c.status() > zwfw::v1::CASE_STATUS_WITHDRAWN) {
    return Invalid("status", "is missing or unknown");
  }
  if (c.applicant_kind() < zwfw::v1::APPLICANT_KIND_UNSPECIFIED ||
      c.applicant_kind() > zwfw::v1::APPLICANT_KIND_ORGANIZATION) {
    return Invalid("applicant_kind", "is unknown");
  }

  if (!HasTime(c.accepted_at())) return Invalid("accepted_at", "is missing");
  if (!ValidTimestamp(c.accepted_at())) {
    return Invalid("accepted_at", "is out of range");
  }
  absl::Time accepted = ToTime(c.accepted_at());
  if (accepted > now + kMaxClockSkew) {
    return Invalid("accepted_at", "is in the future");
  }
  const bool completed = c.status() == zwfw::v1::CASE_STATUS_COMPLETED;
  if (completed != HasTime(c.completed_at())) {
    return Invalid("completed_at", completed ? "is missing for a COMPLETED case"
                                             : "is set but the case is not "
                                               "COMPLETED");
  }
  if (completed) {
    if (!ValidTimestamp(c.completed_at())) {
      return Invalid("completed_at", "is out of range");
    }
    if (ToTime(c.completed_at()) < accepted) {
      return Invalid("completed_at", "is before accepted_at");
    }
    if (ToTime(c.completed_at()) > now + kMaxClockSkew) {
      return Invalid("completed_at", "is in the future");
    }
  } else if (c.completed_in_center()) {
    return Invalid("completed_in_center",
                   "is set but the case is not "
                   "COMPLETED");
  }
  s = CheckPauses(c);
  if (!s.ok()) return s;

  if (!c.window_code().empty() &&
      directory.FindWindow(c.window_code()) == nullptr) {
    return Invalid("window_code", absl::StrCat("window \"", c.window_code(),
                                               "\" is not in the directory"));
  }
  if (!c.staff_code().empty() &&
      directory.FindStaff(c.staff_code()) == nullptr) {
    return Invalid("staff_code", absl::StrCat("staff \"", c.staff_code(),
                                              "\" is not in the directory"));
  }

  if (c.has_extension()) {
    const zwfw::v1::DueExtension& e = c.extension();
    if (item == nullptr) {
      return Invalid("extension",
                     "needs an item_code in the directory: a case without "
                     "one has no promised time to extend");
    }
    if (e.working_days() < 1 || e.working_days() > kMaxExtensionDays) {
      return Invalid("extension.working_days",
                     absl::StrCat("must be 1 to ", kMaxExtensionDays,
                                  " (行政许可法 第四十二条)"));
    }
    if (e.approval_ref().empty()) {
      return Invalid("extension.approval_ref",
                     "is empty: an extension needs its approval");
    }
    s = CheckText("extension.approval_ref", e.approval_ref(),
                  kMaxApprovalRefBytes);
    if (!s.ok()) return s;
  }
  if (item != nullptr) {
    // Intake's, not the sender's: a department cannot move its own due
    // time later except by an approved extension.
    absl::StatusOr<absl::Time> due = ComputeDueAt(
        accepted, item->promised_days() + c.extension().working_days(),
        c.pauses(), calendar);
    if (!due.ok()) return Invalid("due_at", due.status().message());
    *c.mutable_due_at() = ToProto(*due);
  } else if (HasTime(c.due_at())) {
    if (!ValidTimestamp(c.due_at()) || ToTime(c.due_at()) < accepted) {
      return Invalid("due_at", "is before accepted_at or out of range");
    }
  }
  FillHandlingFacts(item, calendar, &c);
  return c;
}

absl::Status CheckClosedMonth(
    const std::optional<Case>& previous, const Case& next,
    const std::function<bool(const std::string&)>& is_closed) {
  const std::string month =
      Period::Containing(ToTime(next.accepted_at())).ToString();
  if (!previous.has_value()) {
    if (is_closed(month)) return ClosedPeriodError("accepted_at", month);
    return absl::OkStatus();
  }
  const std::string was =
      Period::Containing(ToTime(previous->accepted_at())).ToString();
  if (!is_closed(was) && !is_closed(month)) return absl::OkStatus();
  // What may change: the case's progress.
  auto facts = [](Case c) {
    c.clear_status();
    c.clear_completed_at();
    c.clear_completed_in_center();
    c.clear_pauses();
    c.clear_due_at();
    c.clear_extension();
    // Intake's own facts follow the progress and the directory.
    c.clear_item_kind();
    c.clear_promised_days();
    c.clear_working_seconds();
    c.clear_natural_seconds();
    c.clear_accepted_after_hours();
    return c.SerializeAsString();
  };
  if (facts(*previous) != facts(next)) {
    return ClosedPeriodError("accepted_at", is_closed(was) ? was : month);
  }
  return absl::OkStatus();
}

absl::Status CheckCorrection(const Principal& who, const std::string& reason) {
  if (reason.empty()) return absl::OkStatus();
  if (who.role != Role::kAdmin) {
    return absl::PermissionDeniedError(absl::StrCat(
        "correction_reason: token of ", who.RoleName(),
        " may not correct a published month: corrections are the office's "
        "(admin)"));
  }
  return CheckText("correction_reason", reason, kMaxCorrectionReasonBytes);
}

absl::Status CheckTransition(CaseStatus previous, CaseStatus next) {
  if (IsOpen(previous)) {
    if (next != zwfw::v1::CASE_STATUS_REJECTED) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "status: a ", zwfw::v1::CaseStatus_Name(previous), " case cannot become ",
      zwfw::v1::CaseStatus_Name(next),
      IsOpen(previous)
          ? " (REJECTED is only a first state)"
          : (previous == next ? " (final states cannot change)" : "")));
}

}  // namespace zwfw::intake
