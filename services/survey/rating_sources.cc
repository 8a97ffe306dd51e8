#include "services/survey/rating_sources.h"

#include "absl/strings/str_cat.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"

namespace zwfw::survey {
namespace {

absl::Status Denied(absl::string_view field, absl::string_view why) {
  return absl::PermissionDeniedError(absl::StrCat(field, ": ", why));
}

}  // namespace

absl::Status MayRate(const Principal& who) {
  if (who.role == Role::kDepartment) {
    return absl::PermissionDeniedError(absl::StrCat(
        "token of ", who.RoleName(),
        " may not submit ratings: a department never rates itself (ratings "
        "come from window devices and citizens' channels)"));
  }
  if (who.role == Role::kViewer || who.role == Role::kOffice) {
    return absl::PermissionDeniedError(
        absl::StrCat("token of ", who.RoleName(), " may not submit ratings"));
  }
  return absl::OkStatus();
}

absl::Status ApplyRatingSource(const Principal& who,
                               const DirectoryIndex& directory,
                               zwfw::v1::Evaluation* e) {
  absl::Status may = MayRate(who);
  if (!may.ok()) return may;
  switch (who.role) {
    case Role::kEvaluator: {
      if (who.window_code.empty()) return absl::OkStatus();  // allowed legacy
      const zwfw::v1::Window* window = directory.FindWindow(who.window_code);
      if (window == nullptr) {
        return Denied("window_code",
                      absl::StrCat("token of ", who.RoleName(),
                                   " names a window not in the directory"));
      }
      if (!e->window_code().empty() && e->window_code() != who.window_code) {
        return Denied("window_code",
                      absl::StrCat("token of ", who.RoleName(),
                                   " rates only for its own window, not \"",
                                   e->window_code(), "\""));
      }
      if (!e->department_code().empty()) {
        const zwfw::v1::Department* named =
            directory.FindDepartment(e->department_code());
        // An unknown department is the request's error (INVALID_ARGUMENT,
        // survey_rules.h); a known other one is this rule's.
        if (named == nullptr) return absl::OkStatus();
        if (named->code() != window->department_code()) {
          return Denied("department_code",
                        absl::StrCat("token of ", who.RoleName(),
                                     " rates only for its window's department ",
                                     window->department_code()));
        }
      }
      e->set_window_code(who.window_code);
      e->set_department_code(window->department_code());
      return absl::OkStatus();
    }
    case Role::kChannel:
      if (e->case_no().empty()) {
        return Denied("case_no",
                      absl::StrCat("token of ", who.RoleName(),
                                   " rates cases only: walk-in ratings "
                                   "without a case come from window "
                                   "devices"));
      }
      return absl::OkStatus();
    case Role::kAdmin:
    case Role::kService:  // the office's imports
      return absl::OkStatus();
    case Role::kDepartment:
    case Role::kViewer:
    case Role::kOffice:
      break;  // refused by MayRate above
  }
  return absl::OkStatus();
}

bool NeedsCaseCheck(const Principal& who, const zwfw::v1::Evaluation& e) {
  return (who.role == Role::kChannel || who.role == Role::kEvaluator) &&
         !e.case_no().empty() && e.rectified_evaluation_id().empty();
}

absl::Status CheckAgainstCase(const zwfw::v1::Evaluation& e,
                              std::optional<absl::Time> accepted_at) {
  if (!accepted_at.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "case_no: case ", e.case_no(), " of department ", e.department_code(),
        " is not known to intake: only cases intake has "
        "accepted can be rated"));
  }
  if (ToTime(e.evaluated_at()) < *accepted_at) {
    return absl::FailedPreconditionError(absl::StrCat(
        "evaluated_at: before case ", e.case_no(), " was accepted (",
        absl::FormatTime("%Y-%m-%d %H:%M CST", *accepted_at, ChinaTimeZone()),
        ")"));
  }
  return absl::OkStatus();
}

std::string WalkInDay(const Principal& who, const zwfw::v1::Evaluation& e) {
  if (who.role != Role::kEvaluator || !e.case_no().empty() ||
      !e.rectified_evaluation_id().empty()) {
    return "";
  }
  return absl::FormatTime("%Y-%m-%d", ToTime(e.evaluated_at()),
                          ChinaTimeZone());
}

absl::Status WalkInCapReached(const std::string& window_code,
                              const std::string& day, int cap) {
  return absl::ResourceExhaustedError(
      absl::StrCat("case_no: window ", window_code, " has submitted its ", cap,
                   " walk-in ratings (without a case) of ", day,
                   "; more that day are refused (--walk_in_daily_cap)"));
}

}  // namespace zwfw::survey
