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

// The columns every rectification query selects, in this order.
constexpr char kRectificationColumns[] =
    "evaluation_id, department_code, case_no, rating, state, opened_at, "
    "due_at, rectified_at, follow_up_rating";

Rectification RowToRectification(const Statement& q, absl::Time now) {
  Rectification r;
  r.set_evaluation_id(q.ColumnText(0));
  r.set_department_code(q.ColumnText(1));
  r.set_case_no(q.ColumnText(2));
  r.set_rating(static_cast<int>(q.ColumnInt(3)));
  r.set_state(static_cast<zwfw::v1::RectificationState>(q.ColumnInt(4)));
  *r.mutable_opened_at() = ToProto(absl::FromUnixMicros(q.ColumnInt(5)));
  absl::Time due = absl::FromUnixMicros(q.ColumnInt(6));
  *r.mutable_due_at() = ToProto(due);
  std::optional<absl::Time> rectified;
  if (!q.ColumnIsNull(7)) {
    rectified = absl::FromUnixMicros(q.ColumnInt(7));
    *r.mutable_rectified_at() = ToProto(*rectified);
  }
  r.set_follow_up_rating(static_cast<int>(q.ColumnInt(8)));
  r.set_overdue(IsOverdue(r.state(), due, rectified, now));
  return r;
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
    conditions.push_back("month = ?");
    params.push_back(query.period->ToString());
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
