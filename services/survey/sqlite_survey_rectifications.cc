// SqliteSurveyStore's rectifications: reading them, with their overdue
// flag at `now`. The rest of the store is in sqlite_survey_store.cc.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/proto_time.h"
#include "services/survey/rectification_rules.h"
#include "services/survey/sqlite_survey_store.h"
#include "services/survey/survey_schema.h"

namespace zwfw::survey {
namespace {

using zwfw::v1::Rectification;

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

Rectification RowToRectification(const Statement& q, absl::Time now) {
  RectificationColumns c;
  c.evaluation_id = q.ColumnText(0);
  c.department_code = q.ColumnText(1);
  c.case_no = q.ColumnText(2);
  c.rating = q.ColumnInt(3);
  c.state = q.ColumnInt(4);
  c.opened_at = q.ColumnInt(5);
  c.due_at = q.ColumnInt(6);
  if (!q.ColumnIsNull(7)) c.rectified_at = q.ColumnInt(7);
  c.follow_up_rating = q.ColumnInt(8);
  return ToRectification(c, now);
}

}  // namespace

absl::StatusOr<std::vector<Rectification>> SqliteSurveyStore::Query(
    const std::string& where, const std::vector<std::string>& params, int limit,
    absl::Time now, bool with_events) {
  // Params bind in order; "?now" placeholders for overdue come last.
  std::string sql =
      absl::StrCat("SELECT ", kRectificationColumns, " FROM rectifications",
                   where, " ORDER BY opened_at, evaluation_id LIMIT ", limit);
  absl::StatusOr<Statement> q = db_->Prepare(sql);
  if (!q.ok()) return q.status();
  int index = 1;
  for (const std::string& p : params) q->Bind(index++, p);
  if (where.find(OverdueSql("?")) != std::string::npos) {
    q->Bind(index++, Micros(now));
  }
  std::vector<Rectification> out;
  absl::StatusOr<bool> row;
  while ((row = q->Step()).ok() && *row) {
    out.push_back(RowToRectification(*q, now));
  }
  if (!row.ok()) return row.status();
  if (!with_events) return out;
  absl::StatusOr<Statement> events = db_->Prepare(
      "SELECT record FROM rectification_events WHERE evaluation_id = ? "
      "ORDER BY seq");
  if (!events.ok()) return events.status();
  for (Rectification& r : out) {
    events->Bind(1, r.evaluation_id());
    while ((row = events->Step()).ok() && *row) {
      r.add_events()->ParseFromString(events->ColumnText(0));
    }
    events->Reset();
    if (!row.ok()) return row.status();
  }
  return out;
}

absl::StatusOr<std::optional<Rectification>>
SqliteSurveyStore::GetRectification(const std::string& evaluation_id,
                                    absl::Time now) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<Rectification>> found =
      Query(" WHERE evaluation_id = ?", {evaluation_id}, 1, now, true);
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<Rectification>();
  return std::optional<Rectification>(std::move(found->front()));
}

absl::StatusOr<std::vector<Rectification>>
SqliteSurveyStore::ListRectifications(const RectificationQuery& query,
                                      absl::Time now) {
  std::vector<std::string> conditions, params;
  if (query.period) {
    conditions.push_back("month >= ? AND month <= ?");
    params.push_back(query.period->first().ToString());
    params.push_back(query.period->last().ToString());
  }
  if (!query.department_code.empty()) {
    conditions.push_back("department_code = ?");
    params.push_back(query.department_code);
  }
  if (query.state != zwfw::v1::RECTIFICATION_STATE_UNSPECIFIED) {
    conditions.push_back(
        absl::StrCat("state = ", static_cast<int>(query.state)));
  }
  if (query.overdue_only) conditions.push_back(OverdueSql("?"));
  std::string where =
      conditions.empty()
          ? ""
          : absl::StrCat(" WHERE ", absl::StrJoin(conditions, " AND "));
  absl::MutexLock lock(&mu_);
  return Query(where, params, query.limit, now, true);
}

}  // namespace zwfw::survey
