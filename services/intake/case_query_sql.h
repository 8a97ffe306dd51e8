// A case query (CaseQuery, case_store.h) as SQL over the `cases` table,
// for both stores: the conditions once, the engines differing only in how
// they name a parameter. A page of the list and its count read the same
// cases, by construction.
//
//   CaseQuerySql q = CaseQueryConditions(query, now, SqlEngine::kSqlite,
//                                        /*resume=*/true);
//   sql = "SELECT record FROM cases" + q.where + " ORDER BY …";
//   bind q.params[k] as parameter k + 1
#ifndef ZWFW_SERVICES_INTAKE_CASE_QUERY_SQL_H_
#define ZWFW_SERVICES_INTAKE_CASE_QUERY_SQL_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "services/intake/case_store.h"

namespace zwfw::intake {

enum class SqlEngine {
  kSqlite,    // parameters ?1, ?2, …; booleans 0/1
  kPostgres,  // parameters $1, $2, …; booleans
};

struct CaseQuerySql {
  std::string where;  // "" or " WHERE …"
  // The parameters' values in order (the k-th is parameter k + 1): text or
  // an integer.
  std::vector<std::variant<std::string, int64_t>> params;
};

// The query's conditions at `now` (overtime_only is judged then); with
// `resume`, also "after (after_department, after_case_no)" when set — a
// page; without, every case of the query — a count. The limit is the
// caller's.
CaseQuerySql CaseQueryConditions(const CaseQuery& query, absl::Time now,
                                 SqlEngine engine, bool resume);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_CASE_QUERY_SQL_H_
