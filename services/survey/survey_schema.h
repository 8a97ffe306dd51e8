// The schema of the survey database, as numbered migrations
// (migrations[i] takes the schema from version i to i + 1; append, never
// edit a released one), and the rules of rectification_rules.h as SQL
// conditions over the `rectifications` table (state, due_at, rectified_at
// in Unix microseconds), built from the rule's constants. Standard SQL:
// every store that filters in SQL uses these.
#ifndef ZWFW_SERVICES_SURVEY_SURVEY_SCHEMA_H_
#define ZWFW_SERVICES_SURVEY_SURVEY_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace zwfw::survey {

const std::vector<std::string>& SurveyMigrations();

// Migration 2 keeps return visits by rating (满意率 follows the satisfied
// levels) and leaves this table behind with one row until the store has
// counted the visits stored before it.
inline constexpr char kVisitRatingsBackfillTable[] = "backfill_visit_ratings";

// "state IN (<kClockRunningStates>)".
std::string ClockRunningSql();
// Not in a final state: "state NOT IN (<kFinalStates>)".
std::string OpenSql();
// Not rectified, clock running, and past due at the SQL parameter
// `now_param` ("?", ":now", "$2").
std::string LateByClockSql(absl::string_view now_param);
// IsOverdue at `now_param`: rectified late, or late by the clock.
std::string OverdueSql(absl::string_view now_param);

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_SURVEY_SCHEMA_H_
