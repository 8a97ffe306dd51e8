// Where evaluations, return visits and rectifications are kept, with their
// month counters. SqliteSurveyStore is the implementation the survey
// server uses.
#ifndef ZWFW_SERVICES_SURVEY_SURVEY_STORE_H_
#define ZWFW_SERVICES_SURVEY_SURVEY_STORE_H_

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/period.h"
#include "services/common/rating_bands.h"
#include "services/common/record_result.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::survey {

// A validated evaluation and, for a bad rating, its rectification's due
// time.
struct PreparedEvaluation {
  zwfw::v1::Evaluation evaluation;
  absl::Time rectification_due;
  // A walk-in rating from a window device counts against its window's cap
  // of `walk_in_cap` that CST day ("2020-07-03"); empty: no cap.
  std::string walk_in_day = "";
  int walk_in_cap = 0;
};

struct RectificationQuery {
  std::optional<ReportPeriod> period;  // opened in this period
  std::string department_code;         // empty: all
  zwfw::v1::RectificationState state =
      zwfw::v1::RECTIFICATION_STATE_UNSPECIFIED;
  bool overdue_only = false;
  int limit = 10000;
};

// Ratings of one department, window or member of staff.
struct RatingCounts {
  RatingHistogram active = {};
  RatingHistogram defaulted = {};
};

// Return visits of one department; the citizens reached by the rating they
// gave (满意率 follows the satisfied levels, rating_bands.h).
struct VisitCounts {
  int64_t made = 0, reached = 0;
  RatingHistogram reached_by_rating = {};
};

struct RectificationCounts {
  int64_t opened = 0, closed_on_time = 0, overdue = 0, open = 0, voided = 0;
};

struct SurveyMonth {
  // The month's write count times 1,000,000 plus, while rectifications of
  // the month can still turn overdue, how many already have.
  int64_t data_version = 0;
  // When a figure may next change by the clock alone: the next open
  // rectification of the month falling due; nullopt when none is open.
  std::optional<absl::Time> stable_until;
  std::map<std::string, RatingCounts> departments, windows, staff;
  std::map<std::string, VisitCounts> visits;                  // by department
  std::map<std::string, RectificationCounts> rectifications;  // by department
};

class SurveyStore {
 public:
  virtual ~SurveyStore() = default;

  // Stores the evaluations in one durable transaction: ACCEPTED, DUPLICATE
  // (a known evaluation_id, or a case already rated), or REJECTED for a
  // rating of a rectification that is unknown, of another department or not
  // RECTIFIED, a rating dated in a closed month (FAILED_PRECONDITION), or a
  // walk-in rating over its window's cap of the day (RESOURCE_EXHAUSTED). A bad
  // rating opens a rectification; a rating of a rectification closes it. `by`
  // names who, for the rectification's history.
  virtual absl::StatusOr<std::vector<WriteResult>> WriteEvaluations(
      const std::vector<PreparedEvaluation>& evaluations, const std::string& by,
      absl::Time now) = 0;

  // ACCEPTED, DUPLICATE (a known visit_id) or REJECTED for a visit dated in
  // a closed month, in one transaction. `by` names who, for the audit
  // trail (every write method appends its entry to it, audit_log.h).
  virtual absl::StatusOr<std::vector<WriteResult>> WriteReturnVisits(
      const std::vector<zwfw::v1::ReturnVisit>& visits, const std::string& by,
      absl::Time now) = 0;

  virtual absl::StatusOr<std::optional<zwfw::v1::Rectification>>
  GetRectification(const std::string& evaluation_id, absl::Time now) = 0;

  virtual absl::StatusOr<std::vector<zwfw::v1::Rectification>>
  ListRectifications(const RectificationQuery& query, absl::Time now) = 0;

  // The ratings counted in `period` (not voided, not of a rectification),
  // and its return visits: one department's when `department_code` is set,
  // by id, at most `limit` (the records behind the figures).
  virtual absl::StatusOr<std::vector<zwfw::v1::Evaluation>> ListEvaluations(
      const ReportPeriod& period, const std::string& department_code,
      int limit) = 0;
  virtual absl::StatusOr<std::vector<zwfw::v1::ReturnVisit>> ListReturnVisits(
      const ReportPeriod& period, const std::string& department_code,
      int limit) = 0;

  // Moves a rectification to event.to() in one transaction, after `check`
  // approves the stored rectification (so the check and the change see the
  // same state). APPEAL_UPHELD voids the rating: it leaves the counters.
  // NOT_FOUND for an unknown evaluation_id.
  virtual absl::StatusOr<zwfw::v1::Rectification> UpdateRectification(
      const std::string& evaluation_id,
      const zwfw::v1::RectificationEvent& event, int follow_up_rating,
      const std::function<absl::Status(const zwfw::v1::Rectification&)>& check,
      absl::Time now) = 0;

  // Closes `period` to ratings and visits dated in it (ClosePeriod); false
  // when it was closed already.
  virtual absl::StatusOr<bool> ClosePeriod(const Period& period,
                                           const std::string& by,
                                           absl::Time now) = 0;

  // The month's counters, O(departments + windows + staff + the month's
  // rectifications).
  virtual absl::StatusOr<SurveyMonth> ReadMonth(const Period& period,
                                                absl::Time now) = 0;
};

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_SURVEY_STORE_H_
