// The schema of the survey database, as numbered migrations
// (migrations[i] takes the schema from version i to i + 1; append, never
// edit a released one), and the rules of rectification_rules.h as SQL
// conditions over the `rectifications` table (state, due_at, rectified_at
// in Unix microseconds), built from the rule's constants. Standard SQL:
// every store that filters in SQL uses these.
#ifndef ZWFW_SERVICES_SURVEY_SURVEY_SCHEMA_H_
#define ZWFW_SERVICES_SURVEY_SURVEY_SCHEMA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::survey {

const std::vector<std::string>& SurveyMigrations();

// Migration 2 keeps return visits by rating (满意率 follows the satisfied
// levels) and leaves this table behind with one row until the store has
// counted the visits stored before it.
inline constexpr char kVisitRatingsBackfillTable[] = "backfill_visit_ratings";

// The columns every rectification query selects, in this order, as read
// from one row (times in Unix microseconds), and the rectification they
// make, with its overdue flag at `now`.
inline constexpr char kRectificationColumns[] =
    "evaluation_id, department_code, case_no, rating, state, opened_at, "
    "due_at, rectified_at, follow_up_rating";
struct RectificationColumns {
  std::string evaluation_id, department_code, case_no;
  int64_t rating = 0, state = 0, opened_at = 0, due_at = 0;
  std::optional<int64_t> rectified_at;
  int64_t follow_up_rating = 0;
};
zwfw::v1::Rectification ToRectification(const RectificationColumns& c,
                                        absl::Time now);

// "state IN (<kClockRunningStates>)".
std::string ClockRunningSql();
// Not in a final state: "state NOT IN (<kFinalStates>)".
std::string OpenSql();
// Not rectified, clock running, and past due at the SQL parameter
// `now_param` ("?", ":now", "$2").
std::string LateByClockSql(absl::string_view now_param);
// IsOverdue at `now_param`: rectified late, or late by the clock.
std::string OverdueSql(absl::string_view now_param);

// The stored records of `table` (evaluations, return_visits) of a period:
// month between the parameters `first` and `last`, `extra` more conditions
// ("" or " AND …"), one department's (parameter `department`) unless that
// is empty, ordered by `key`, at most `limit`.
std::string PeriodRecordsSql(absl::string_view table, absl::string_view key,
                             absl::string_view first, absl::string_view last,
                             absl::string_view extra,
                             absl::string_view department, int limit);

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_SURVEY_SCHEMA_H_
