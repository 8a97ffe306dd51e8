#include "services/survey/survey_writes.h"

#include "absl/strings/str_cat.h"
#include "services/common/closed_periods.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"
#include "services/common/rating_bands.h"
#include "services/survey/rating_sources.h"
#include "services/survey/rectification_rules.h"

namespace zwfw::survey {
namespace {

using zwfw::v1::Evaluation;

WriteResult Result(zwfw::v1::RecordOutcome outcome,
                   absl::Status error = absl::OkStatus()) {
  WriteResult result;
  result.outcome = outcome;
  result.error = std::move(error);
  return result;
}

// Why a follow-up rating cannot close what it names; nullopt when it can.
std::optional<absl::Status> FollowUpRefusal(
    const Evaluation& e, const std::optional<RectificationTarget>& target) {
  if (!target || target->department_code != e.department_code()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rectified_evaluation_id: no rectification of "
        "evaluation \"",
        e.rectified_evaluation_id(), "\" in department ", e.department_code()));
  }
  if (target->state != kRectifiedState) {
    return absl::FailedPreconditionError(
        "rectified_evaluation_id: the rectification is not RECTIFIED yet");
  }
  return std::nullopt;
}

// The checks before a rating is stored: nullopt to store it, else its
// result (a re-sent rating stays DUPLICATE whatever else refuses it).
absl::StatusOr<std::optional<WriteResult>> Screen(
    SurveyWriter& w, const PreparedEvaluation& p,
    std::optional<RectificationTarget>* target) {
  const Evaluation& e = p.evaluation;
  const std::string month = MonthOf(e.evaluated_at());
  absl::StatusOr<bool> closed = w.IsClosed(month);
  if (!closed.ok()) return closed.status();
  if (*closed) {
    return Result(zwfw::v1::RECORD_OUTCOME_REJECTED,
                  ClosedPeriodError("evaluated_at", month));
  }
  std::optional<absl::Status> refusal;
  if (!p.walk_in_day.empty() && p.walk_in_cap > 0) {
    absl::StatusOr<int64_t> so_far = w.WalkIns(e.window_code(), p.walk_in_day);
    if (!so_far.ok()) return so_far.status();
    if (*so_far >= p.walk_in_cap) {
      refusal = WalkInCapReached(e.window_code(), p.walk_in_day, p.walk_in_cap);
    }
  }
  if (!refusal && !e.rectified_evaluation_id().empty()) {
    absl::StatusOr<std::optional<RectificationTarget>> found =
        w.FindTarget(e.rectified_evaluation_id());
    if (!found.ok()) return found.status();
    *target = *std::move(found);
    refusal = FollowUpRefusal(e, *target);
  }
  if (!refusal) return std::optional<WriteResult>();
  absl::StatusOr<bool> known = w.IsKnownEvaluation(e.evaluation_id());
  if (!known.ok()) return known.status();
  if (*known) return Result(zwfw::v1::RECORD_OUTCOME_DUPLICATE);
  return Result(zwfw::v1::RECORD_OUTCOME_REJECTED, *std::move(refusal));
}

// The batch's results, once the records it stored are in the audit trail.
absl::StatusOr<std::vector<WriteResult>> Audited(
    SurveyWriter& w, const Actor& actor, absl::Time now,
    const std::vector<std::string>& written, std::vector<WriteResult> results) {
  if (written.empty()) return results;
  absl::Status s = w.Audit(actor, now, written);
  if (!s.ok()) return s;
  return results;
}

// A stored follow-up closes the rectification it rates.
absl::Status CloseRectified(SurveyWriter& w, const Evaluation& e,
                            const RectificationTarget& target,
                            const std::string& by, absl::Time now) {
  absl::Status s = w.SetRectificationState(
      e.rectified_evaluation_id(), kClosedState, std::nullopt, e.rating());
  if (!s.ok()) return s;
  zwfw::v1::RectificationEvent event;
  event.set_from(kRectifiedState);
  event.set_to(kClosedState);
  *event.mutable_at() = ToProto(now);
  event.set_by(by);
  event.set_note(
      absl::StrCat("citizen's rating of the rectification: ", e.rating(),
                   " (evaluation ", e.evaluation_id(), ")"));
  s = w.AddEvent(e.rectified_evaluation_id(), event);
  if (!s.ok()) return s;
  return w.BumpMonth(target.month);
}

// A stored rating counts, uses up a walk-in of the day, and opens a
// rectification when it is bad.
absl::Status CountRating(SurveyWriter& w, const PreparedEvaluation& p) {
  const Evaluation& e = p.evaluation;
  absl::Status s = w.AddRating(e, +1);
  if (s.ok()) s = w.BumpMonth(MonthOf(e.evaluated_at()));
  if (s.ok() && !p.walk_in_day.empty()) {
    s = w.CountWalkIn(e.window_code(), p.walk_in_day);
  }
  if (s.ok() && IsBadRating(e.rating())) {
    s = w.OpenRectification(e, p.rectification_due);
  }
  return s;
}

}  // namespace

std::vector<RatingDelta> RatingDeltas(const Evaluation& e, int sign) {
  std::vector<RatingDelta> out;
  const std::pair<CounterScope, std::string> scopes[] = {
      {kDepartment, e.department_code()},
      {kWindow, e.window_code()},
      {kStaff, e.staff_code()}};
  for (const auto& [scope, code] : scopes) {
    if (code.empty()) continue;
    RatingDelta& d = out.emplace_back();
    d.month = MonthOf(e.evaluated_at());
    d.scope = scope;
    d.code = code;
    for (int level = kLowestRating; level <= kHighestRating; ++level) {
      const int i = level - kLowestRating;
      d.active[i] = !e.defaulted() && e.rating() == level ? sign : 0;
      d.defaulted[i] = e.defaulted() && e.rating() == level ? sign : 0;
    }
  }
  return out;
}

VisitDelta VisitDeltaOf(const zwfw::v1::ReturnVisit& visit) {
  VisitDelta d;
  d.reached = visit.reached() ? 1 : 0;
  for (int level = kLowestRating; level <= kHighestRating; ++level) {
    d.by_rating[level - kLowestRating] =
        visit.reached() && visit.rating() == level ? 1 : 0;
  }
  return d;
}

absl::Status MissingEvaluation(const std::string& evaluation_id) {
  return absl::DataLossError(absl::StrCat("evaluation ", evaluation_id,
                                          " of a rectification is missing"));
}

std::string MonthOf(const google::protobuf::Timestamp& t) {
  return Period::Containing(ToTime(t)).ToString();
}

absl::StatusOr<std::vector<WriteResult>> WriteEvaluationsWith(
    SurveyWriter& w, const std::vector<PreparedEvaluation>& evaluations,
    const std::string& by, absl::Time now) {
  std::vector<WriteResult> results;
  std::vector<std::string> written;  // for the audit trail
  for (const PreparedEvaluation& p : evaluations) {
    const Evaluation& e = p.evaluation;
    std::optional<RectificationTarget> target;
    absl::StatusOr<std::optional<WriteResult>> screened = Screen(w, p, &target);
    if (!screened.ok()) return screened.status();
    if (*screened) {
      results.push_back(**std::move(screened));
      continue;
    }
    const bool follow_up = !e.rectified_evaluation_id().empty();
    absl::StatusOr<bool> inserted =
        w.InsertEvaluation(e, MonthOf(e.evaluated_at()), !follow_up);
    if (!inserted.ok()) return inserted.status();
    if (!*inserted) {
      results.push_back(Result(zwfw::v1::RECORD_OUTCOME_DUPLICATE));
      continue;
    }
    absl::Status s =
        follow_up ? CloseRectified(w, e, *target, by, now) : CountRating(w, p);
    if (!s.ok()) return s;
    results.push_back(Result(zwfw::v1::RECORD_OUTCOME_ACCEPTED));
    written.push_back(e.evaluation_id());
  }
  return Audited(w, {by, "SubmitEvaluations"}, now, written,
                 std::move(results));
}

absl::StatusOr<std::vector<WriteResult>> WriteReturnVisitsWith(
    SurveyWriter& w, const std::vector<zwfw::v1::ReturnVisit>& visits,
    const std::string& by, absl::Time now) {
  std::vector<WriteResult> results;
  std::vector<std::string> written;  // for the audit trail
  for (const zwfw::v1::ReturnVisit& v : visits) {
    const std::string month = MonthOf(v.visited_at());
    absl::StatusOr<bool> closed = w.IsClosed(month);
    if (!closed.ok()) return closed.status();
    if (*closed) {
      results.push_back(Result(zwfw::v1::RECORD_OUTCOME_REJECTED,
                               ClosedPeriodError("visited_at", month)));
      continue;
    }
    absl::StatusOr<bool> inserted = w.InsertReturnVisit(v, month);
    if (!inserted.ok()) return inserted.status();
    if (!*inserted) {
      results.push_back(Result(zwfw::v1::RECORD_OUTCOME_DUPLICATE));
      continue;
    }
    absl::Status s = w.CountReturnVisit(v, month);
    if (s.ok()) s = w.BumpMonth(month);
    if (!s.ok()) return s;
    results.push_back(Result(zwfw::v1::RECORD_OUTCOME_ACCEPTED));
    written.push_back(v.visit_id());
  }
  return Audited(w, {by, "RecordReturnVisits"}, now, written,
                 std::move(results));
}

absl::Status UpdateRectificationWith(
    SurveyWriter& w, const std::string& evaluation_id,
    const zwfw::v1::RectificationEvent& event, int follow_up_rating,
    const std::function<absl::Status(const zwfw::v1::Rectification&)>& check,
    absl::Time now) {
  absl::StatusOr<std::optional<zwfw::v1::Rectification>> current =
      w.ReadRectification(evaluation_id, now);
  if (!current.ok()) return current.status();
  if (!*current) {
    return absl::NotFoundError(
        absl::StrCat("no rectification of evaluation \"", evaluation_id, "\""));
  }
  absl::Status s = check(**current);
  if (!s.ok()) return s;

  zwfw::v1::RectificationEvent recorded = event;
  recorded.set_from((*current)->state());
  s = w.SetRectificationState(evaluation_id, event.to(),
                              event.to() == kRectifiedState
                                  ? std::optional<absl::Time>(now)
                                  : std::nullopt,
                              follow_up_rating);
  if (s.ok()) s = w.AddEvent(evaluation_id, recorded);
  if (s.ok() && event.to() == kVoidedState) {
    // The rating is voided: it leaves the statistics.
    absl::StatusOr<Evaluation> e = w.ReadEvaluation(evaluation_id);
    if (!e.ok()) return e.status();
    s = w.AddRating(*e, -1);
    if (s.ok()) s = w.Uncount(evaluation_id);
  }
  if (s.ok()) s = w.BumpMonth(MonthOf((*current)->opened_at()));
  if (!s.ok()) return s;
  return w.Audit({event.by(), "UpdateRectification"}, now, {evaluation_id});
}

}  // namespace zwfw::survey
