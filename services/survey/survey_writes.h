// How every survey store decides its writes: which evaluation is
// ACCEPTED, DUPLICATE or REJECTED and what it opens or closes, which
// return visit counts, and how a rectification moves. One home for the
// decisions; each store (SQLite, PostgreSQL) supplies only the statements,
// as a SurveyWriter over its open transaction, so replicas on one
// database and a single SQLite process decide alike.
//
//   absl::StatusOr<std::vector<WriteResult>> results =
//       WriteEvaluationsWith(writer, evaluations, by, now);
//   if (results.ok()) commit;  // else roll back: nothing was written
#ifndef ZWFW_SERVICES_SURVEY_SURVEY_WRITES_H_
#define ZWFW_SERVICES_SURVEY_SURVEY_WRITES_H_

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/audit_log.h"
#include "services/common/rating_bands.h"
#include "services/survey/survey_store.h"

namespace zwfw::survey {

// The month ("2020-07", CST) a record dated `t` counts in.
std::string MonthOf(const google::protobuf::Timestamp& t);

// What one rating adds to (sign +1) or takes from (-1) its month's
// counters of one scope; the scope is stored as its number.
enum CounterScope { kDepartment = 0, kWindow = 1, kStaff = 2 };
struct RatingDelta {
  std::string month;
  CounterScope scope;
  std::string code;
  std::array<int, kRatingLevels> active = {}, defaulted = {};
};
// One per scope the rating names (department, window, staff).
std::vector<RatingDelta> RatingDeltas(const zwfw::v1::Evaluation& e, int sign);

// What one return visit adds to its department's month: made 1, reached
// 0 or 1, and the reached citizen's rating.
struct VisitDelta {
  int reached = 0;
  std::array<int, kRatingLevels> by_rating = {};
};
VisitDelta VisitDeltaOf(const zwfw::v1::ReturnVisit& visit);

// DATA_LOSS: a rectification's evaluation is not stored or not readable.
absl::Status MissingEvaluation(const std::string& evaluation_id);

// The stored facts of a rectification a follow-up rating names.
struct RectificationTarget {
  std::string department_code;
  zwfw::v1::RectificationState state;
  std::string month;  // opened in
};

// The statements of one write transaction. Every method runs inside it and
// sees the writes made before it in the same transaction.
class SurveyWriter {
 public:
  virtual ~SurveyWriter() = default;

  virtual absl::StatusOr<bool> IsClosed(const std::string& month) = 0;
  virtual absl::StatusOr<bool> IsKnownEvaluation(
      const std::string& evaluation_id) = 0;
  // Walk-in ratings counted for the window on the CST day.
  virtual absl::StatusOr<int64_t> WalkIns(const std::string& window_code,
                                          const std::string& day) = 0;
  virtual absl::Status CountWalkIn(const std::string& window_code,
                                   const std::string& day) = 0;
  virtual absl::StatusOr<std::optional<RectificationTarget>> FindTarget(
      const std::string& evaluation_id) = 0;
  // Stores `e` (case_no kept only when `counted`: a follow-up does not use
  // up its case's one rating); false when its id, or a counted rating of
  // its case, is stored already.
  virtual absl::StatusOr<bool> InsertEvaluation(const zwfw::v1::Evaluation& e,
                                                const std::string& month,
                                                bool counted) = 0;
  // The rating's month counters (department, window, staff) by `sign`.
  virtual absl::Status AddRating(const zwfw::v1::Evaluation& e, int sign) = 0;
  // The evaluation's rating leaves the statistics for good.
  virtual absl::Status Uncount(const std::string& evaluation_id) = 0;
  virtual absl::StatusOr<zwfw::v1::Evaluation> ReadEvaluation(
      const std::string& evaluation_id) = 0;

  virtual absl::Status OpenRectification(const zwfw::v1::Evaluation& e,
                                         absl::Time due) = 0;
  // The stored rectification without its events; nullopt when unknown.
  virtual absl::StatusOr<std::optional<zwfw::v1::Rectification>>
  ReadRectification(const std::string& evaluation_id, absl::Time now) = 0;
  // Sets state; rectified_at when given; follow_up_rating when > 0.
  virtual absl::Status SetRectificationState(
      const std::string& evaluation_id, zwfw::v1::RectificationState state,
      std::optional<absl::Time> rectified_at, int follow_up_rating) = 0;
  // Appends to the rectification's history.
  virtual absl::Status AddEvent(const std::string& evaluation_id,
                                const zwfw::v1::RectificationEvent& event) = 0;

  // false when the visit_id is stored already.
  virtual absl::StatusOr<bool> InsertReturnVisit(
      const zwfw::v1::ReturnVisit& visit, const std::string& month) = 0;
  virtual absl::Status CountReturnVisit(const zwfw::v1::ReturnVisit& visit,
                                        const std::string& month) = 0;

  // The month's write count, SurveyMonth::data_version's first part.
  virtual absl::Status BumpMonth(const std::string& month) = 0;
  // Appends to the audit trail (audit_log.h).
  virtual absl::Status Audit(const Actor& actor, absl::Time at,
                             const std::vector<std::string>& keys) = 0;
};

// SurveyStore::WriteEvaluations's decisions (survey_store.h).
absl::StatusOr<std::vector<WriteResult>> WriteEvaluationsWith(
    SurveyWriter& writer, const std::vector<PreparedEvaluation>& evaluations,
    const std::string& by, absl::Time now);

// SurveyStore::WriteReturnVisits's decisions.
absl::StatusOr<std::vector<WriteResult>> WriteReturnVisitsWith(
    SurveyWriter& writer, const std::vector<zwfw::v1::ReturnVisit>& visits,
    const std::string& by, absl::Time now);

// SurveyStore::UpdateRectification's decisions: NOT_FOUND, `check`'s
// refusal, or the change written (the caller reads the result after
// commit).
absl::Status UpdateRectificationWith(
    SurveyWriter& writer, const std::string& evaluation_id,
    const zwfw::v1::RectificationEvent& event, int follow_up_rating,
    const std::function<absl::Status(const zwfw::v1::Rectification&)>& check,
    absl::Time now);

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_SURVEY_WRITES_H_
