// The schema of the intake database (one SQLite file per service), as
// numbered migrations: migrations[i] takes the schema from version i to
// i + 1. Append, never edit a released migration.
#ifndef ZWFW_SERVICES_INTAKE_INTAKE_SCHEMA_H_
#define ZWFW_SERVICES_INTAKE_INTAKE_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace zwfw::intake {

const std::vector<std::string>& IntakeMigrations();

// The marker table a migration adds for BackfillCaseCells: present while
// the cells of the cases stored before it are still to be counted.
inline constexpr char kCellsBackfillTable[] = "backfill_case_cells";

// The rules of overtime.h as SQL conditions over the `cases` table's
// columns (status, due_at, completed_at in Unix microseconds), built from
// the rule's constants: every store that filters in SQL uses these.
//
// The clock runs: "status = <kClockRunningStatus>".
std::string ClockRunningSql();
// IsOvertime at the instant bound to the SQL parameter `now_param`
// (":now", "?", "$3").
std::string OvertimeSql(absl::string_view now_param);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_INTAKE_SCHEMA_H_
