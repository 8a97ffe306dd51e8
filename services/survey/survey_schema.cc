#include "services/survey/survey_schema.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/audit_log.h"
#include "services/common/proto_time.h"
#include "services/survey/rectification_rules.h"

namespace zwfw::survey {
namespace {

template <size_t N>
std::string StateList(const zwfw::v1::RectificationState (&states)[N]) {
  return absl::StrJoin(std::begin(states), std::end(states), ", ",
                       [](std::string* out, zwfw::v1::RectificationState s) {
                         absl::StrAppend(out, static_cast<int>(s));
                       });
}

}  // namespace

const std::vector<std::string>& SurveyMigrations() {
  static const auto* const migrations = new std::vector<std::string>{
      // 1: evaluations, visits, rectifications and their counters.
      R"sql(
CREATE TABLE evaluations (
  evaluation_id TEXT PRIMARY KEY,
  department_code TEXT NOT NULL,
  case_no TEXT,
  month TEXT NOT NULL,
  rating INTEGER NOT NULL,
  counted INTEGER NOT NULL,
  record BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX evaluations_one_per_case
  ON evaluations (department_code, case_no) WHERE case_no IS NOT NULL;
CREATE TABLE rating_counters (
  month TEXT NOT NULL,
  scope INTEGER NOT NULL,
  code TEXT NOT NULL,
  a1 INTEGER NOT NULL, a2 INTEGER NOT NULL, a3 INTEGER NOT NULL,
  a4 INTEGER NOT NULL, a5 INTEGER NOT NULL,
  d1 INTEGER NOT NULL, d2 INTEGER NOT NULL, d3 INTEGER NOT NULL,
  d4 INTEGER NOT NULL, d5 INTEGER NOT NULL,
  PRIMARY KEY (month, scope, code)
) STRICT;
CREATE TABLE return_visits (
  visit_id TEXT PRIMARY KEY,
  department_code TEXT NOT NULL,
  month TEXT NOT NULL,
  record BLOB NOT NULL
) STRICT;
CREATE TABLE visit_counters (
  month TEXT NOT NULL,
  department_code TEXT NOT NULL,
  made INTEGER NOT NULL,
  reached INTEGER NOT NULL,
  satisfied INTEGER NOT NULL,
  PRIMARY KEY (month, department_code)
) STRICT;
CREATE TABLE rectifications (
  evaluation_id TEXT PRIMARY KEY REFERENCES evaluations (evaluation_id),
  department_code TEXT NOT NULL,
  case_no TEXT NOT NULL,
  rating INTEGER NOT NULL,
  month TEXT NOT NULL,
  state INTEGER NOT NULL,
  opened_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  rectified_at INTEGER,
  follow_up_rating INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX rectifications_by_month ON rectifications (month, department_code);
CREATE TABLE rectification_events (
  evaluation_id TEXT NOT NULL REFERENCES rectifications (evaluation_id),
  seq INTEGER NOT NULL,
  record BLOB NOT NULL,
  PRIMARY KEY (evaluation_id, seq)
) STRICT;
CREATE TABLE month_versions (
  month TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT;
)sql",
      // 2: return visits counted by rating, so that 满意率 follows the
      // satisfied levels (the column `satisfied` fixed them at 3-5).
      R"sql(
ALTER TABLE visit_counters ADD COLUMN r1 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visit_counters ADD COLUMN r2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visit_counters ADD COLUMN r3 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visit_counters ADD COLUMN r4 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visit_counters ADD COLUMN r5 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visit_counters DROP COLUMN satisfied;
CREATE TABLE backfill_visit_ratings (pending INTEGER NOT NULL) STRICT;
INSERT INTO backfill_visit_ratings VALUES (1);
)sql",
      // 3: months closed by publication, and walk-in ratings by window and
      // CST day (rating_sources.h's cap). Who submitted an evaluation is in
      // its record (Evaluation.submitted_by).
      R"sql(
CREATE TABLE closed_months (
  month TEXT PRIMARY KEY,
  closed_at INTEGER NOT NULL,
  closed_by TEXT NOT NULL
) STRICT;
CREATE TABLE walk_in_counts (
  window_code TEXT NOT NULL,
  day TEXT NOT NULL,
  ratings INTEGER NOT NULL,
  PRIMARY KEY (window_code, day)
) STRICT;
)sql",
      // 4: the audit trail (audit_log.h).
      AuditLogMigration(),
  };
  return *migrations;
}

zwfw::v1::Rectification ToRectification(const RectificationColumns& c,
                                        absl::Time now) {
  zwfw::v1::Rectification r;
  r.set_evaluation_id(c.evaluation_id);
  r.set_department_code(c.department_code);
  r.set_case_no(c.case_no);
  r.set_rating(static_cast<int>(c.rating));
  r.set_state(static_cast<zwfw::v1::RectificationState>(c.state));
  *r.mutable_opened_at() = ToProto(absl::FromUnixMicros(c.opened_at));
  const absl::Time due = absl::FromUnixMicros(c.due_at);
  *r.mutable_due_at() = ToProto(due);
  std::optional<absl::Time> rectified;
  if (c.rectified_at) {
    rectified = absl::FromUnixMicros(*c.rectified_at);
    *r.mutable_rectified_at() = ToProto(*rectified);
  }
  r.set_follow_up_rating(static_cast<int>(c.follow_up_rating));
  r.set_overdue(IsOverdue(r.state(), due, rectified, now));
  return r;
}

std::string ClockRunningSql() {
  return absl::StrCat("state IN (", StateList(kClockRunningStates), ")");
}

std::string OpenSql() {
  return absl::StrCat("state NOT IN (", StateList(kFinalStates), ")");
}

std::string LateByClockSql(absl::string_view now_param) {
  return absl::StrCat("(rectified_at IS NULL AND ", ClockRunningSql(),
                      " AND due_at < ", now_param, ")");
}

std::string OverdueSql(absl::string_view now_param) {
  return absl::StrCat(
      "((rectified_at IS NOT NULL AND rectified_at > due_at) OR ",
      LateByClockSql(now_param), ")");
}

std::string PeriodRecordsSql(absl::string_view table, absl::string_view key,
                             absl::string_view first, absl::string_view last,
                             absl::string_view extra,
                             absl::string_view department, int limit) {
  return absl::StrCat("SELECT record FROM ", table, " WHERE month >= ", first,
                      " AND month <= ", last, extra,
                      department.empty()
                          ? ""
                          : absl::StrCat(" AND department_code = ", department),
                      " ORDER BY ", key, " LIMIT ", limit);
}

}  // namespace zwfw::survey
