#include "services/intake/case_query_sql.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/intake/intake_schema.h"

namespace zwfw::intake {

CaseQuerySql CaseQueryConditions(const CaseQuery& query, absl::Time now,
                                 SqlEngine engine, bool resume) {
  CaseQuerySql out;
  std::vector<std::string> where;
  // The next parameter: its name in the engine's SQL, its value kept.
  auto param = [&](std::variant<std::string, int64_t> value) {
    out.params.push_back(std::move(value));
    return absl::StrCat(engine == SqlEngine::kPostgres ? "$" : "?",
                        out.params.size());
  };
  if (query.period) {
    const std::string first = param(query.period->first().ToString());
    const std::string last = param(query.period->last().ToString());
    where.push_back(absl::StrCat("accepted_month >= ", first,
                                 " AND accepted_month <= ", last));
  }
  if (query.due_period) {
    const std::string start =
        param(absl::ToUnixMicros(query.due_period->start()));
    const std::string end = param(absl::ToUnixMicros(query.due_period->end()));
    where.push_back(absl::StrCat("due_at >= ", start, " AND due_at < ", end));
  }
  if (query.completed_period) {
    const std::string start =
        param(absl::ToUnixMicros(query.completed_period->start()));
    const std::string end =
        param(absl::ToUnixMicros(query.completed_period->end()));
    where.push_back(
        absl::StrCat("completed_at >= ", start, " AND completed_at < ", end));
  }
  if (query.counted_only) {
    where.push_back(absl::StrCat(
        "status != ", static_cast<int>(zwfw::v1::CASE_STATUS_REJECTED)));
  }
  if (!query.department_code.empty()) {
    where.push_back(
        absl::StrCat("department_code = ", param(query.department_code)));
  }
  if (query.status != zwfw::v1::CASE_STATUS_UNSPECIFIED) {
    where.push_back(
        absl::StrCat("status = ", param(static_cast<int64_t>(query.status))));
  }
  if (query.overtime_only) {
    // PostgreSQL cannot infer the type of a parameter compared inside the
    // expression: say it.
    const std::string at = param(absl::ToUnixMicros(now));
    where.push_back(OvertimeSql(
        engine == SqlEngine::kPostgres ? absl::StrCat(at, "::bigint") : at));
  }
  if (query.extended_only) {
    where.push_back(engine == SqlEngine::kPostgres ? "extended"
                                                   : "extended = 1");
  }
  if (resume && !query.after_department.empty()) {
    const std::string department = param(query.after_department);
    const std::string case_no = param(query.after_case_no);
    where.push_back(absl::StrCat("(department_code, case_no) > (", department,
                                 ", ", case_no, ")"));
  }
  if (!where.empty()) out.where = " WHERE " + absl::StrJoin(where, " AND ");
  return out;
}

}  // namespace zwfw::intake
