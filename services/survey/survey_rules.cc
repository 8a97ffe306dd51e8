#include "services/survey/survey_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"
#include "services/common/rating_bands.h"
#include "services/survey/rating_sources.h"

namespace zwfw::survey {
namespace {

constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

absl::Status CheckId(absl::string_view field, absl::string_view id,
                     bool required) {
  if (id.empty()) {
    return required ? Invalid(field, "is empty") : absl::OkStatus();
  }
  if (id.size() > kMaxIdBytes) {
    return Invalid(field,
                   absl::StrCat("is longer than ", kMaxIdBytes, " bytes"));
  }
  if (std::any_of(id.begin(), id.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20;
      })) {
    return Invalid(field, "contains a control character");
  }
  return absl::OkStatus();
}

absl::Status CheckTime(absl::string_view field,
                       const google::protobuf::Timestamp& t, absl::Time now) {
  if (!HasTime(t)) return Invalid(field, "is missing");
  if (!ValidTimestamp(t)) return Invalid(field, "is out of range");
  if (ToTime(t) > now + kMaxClockSkew)
    return Invalid(field, "is in the future");
  return absl::OkStatus();
}

// Resolves the department and checks that `who` may write for it.
absl::StatusOr<std::string> ResolveDepartment(const std::string& name,
                                              const DirectoryIndex& directory,
                                              const Principal& who) {
  if (name.empty()) return Invalid("department_code", "is empty");
  const zwfw::v1::Department* d = directory.FindDepartment(name);
  if (d == nullptr) {
    return Invalid("department_code", absl::StrCat("department \"", name,
                                                   "\" is not in the "
                                                   "directory"));
  }
  if (who.role == Role::kDepartment && who.department_code != d->code()) {
    return absl::PermissionDeniedError(
        absl::StrCat("department_code: token of ", who.RoleName(),
                     " may not write for department ", d->code()));
  }
  return d->code();
}

}  // namespace

absl::StatusOr<zwfw::v1::Evaluation> NormalizeEvaluation(
    const zwfw::v1::Evaluation& in, const DirectoryIndex& directory,
    const Principal& who, absl::Time now) {
  zwfw::v1::Evaluation e = in;
  e.DiscardUnknownFields();  // nothing stored that the schema does not name
  e.clear_submitted_by();
  absl::Status s = CheckId("evaluation_id", e.evaluation_id(), true);
  if (s.ok()) s = CheckId("case_no", e.case_no(), false);
  if (s.ok()) s = CheckId("window_code", e.window_code(), false);
  if (s.ok()) s = ApplyRatingSource(who, directory, &e);
  if (!s.ok()) return s;
  absl::StatusOr<std::string> department =
      ResolveDepartment(e.department_code(), directory, who);
  if (!department.ok()) return department.status();
  e.set_department_code(*department);
  s = CheckId("rectified_evaluation_id", e.rectified_evaluation_id(), false);
  if (!s.ok()) return s;
  if (!IsValidRating(e.rating())) {
    return Invalid("rating", "must be 1 (非常不满意) to 5 (非常满意)");
  }
  if (e.channel() < zwfw::v1::EVALUATION_CHANNEL_WINDOW_DEVICE ||
      e.channel() > zwfw::v1::EVALUATION_CHANNEL_HOTLINE_12345) {
    return Invalid("channel", "is missing or unknown");
  }
  s = CheckTime("evaluated_at", e.evaluated_at(), now);
  if (!s.ok()) return s;
  if (e.comment().size() > kMaxCommentBytes) {
    return Invalid("comment",
                   absl::StrCat("is longer than ", kMaxCommentBytes, " bytes"));
  }
  if (!e.window_code().empty()) {
    const zwfw::v1::Window* w = directory.FindWindow(e.window_code());
    if (w == nullptr || w->department_code() != e.department_code()) {
      return Invalid(
          "window_code",
          absl::StrCat("window \"", e.window_code(), "\" of department ",
                       e.department_code(), " is not in the directory"));
    }
  }
  if (!e.staff_code().empty()) {
    const zwfw::v1::Staff* m = directory.FindStaff(e.staff_code());
    if (m == nullptr) {
      return Invalid("staff_code", absl::StrCat("staff \"", e.staff_code(),
                                                "\" is not in the directory"));
    }
    const zwfw::v1::Window* w = directory.FindWindow(m->window_code());
    if (w->department_code() != e.department_code() ||
        (!e.window_code().empty() && m->window_code() != e.window_code())) {
      return Invalid("staff_code",
                     absl::StrCat("staff \"", e.staff_code(),
                                  "\" does not serve at that window or "
                                  "department"));
    }
    if (e.window_code().empty()) e.set_window_code(m->window_code());
  }
  if (e.defaulted() && !e.rectified_evaluation_id().empty()) {
    return Invalid("defaulted",
                   "a rating of a rectification is the citizen's own");
  }
  return e;
}

absl::StatusOr<zwfw::v1::ReturnVisit> NormalizeReturnVisit(
    const zwfw::v1::ReturnVisit& in, const DirectoryIndex& directory,
    const Principal& who, absl::Time now) {
  zwfw::v1::ReturnVisit v = in;
  v.DiscardUnknownFields();
  absl::Status s = CheckId("visit_id", v.visit_id(), true);
  if (!s.ok()) return s;
  absl::StatusOr<std::string> department =
      ResolveDepartment(v.department_code(), directory, who);
  if (!department.ok()) return department.status();
  v.set_department_code(*department);
  s = CheckId("case_no", v.case_no(), false);
  if (s.ok()) s = CheckTime("visited_at", v.visited_at(), now);
  if (!s.ok()) return s;
  if (v.reached() ? !IsValidRating(v.rating()) : v.rating() != 0) {
    return Invalid("rating", v.reached()
                                 ? "must be 1 to 5 for a reached citizen"
                                 : "must be 0 when the citizen was not "
                                   "reached");
  }
  if (v.notes().size() > kMaxCommentBytes) {
    return Invalid("notes",
                   absl::StrCat("is longer than ", kMaxCommentBytes, " bytes"));
  }
  return v;
}

}  // namespace zwfw::survey
