#include "services/intake/intake_schema.h"

#include "absl/strings/str_cat.h"
#include "services/common/audit_log.h"
#include "services/intake/overtime.h"

namespace zwfw::intake {

// Released migrations spell the enum numbers of their time; these fix them.
static_assert(kClockRunningStatus == 1,
              "the index cases_open_by_due (migration 2) is on status = 1");

const std::vector<std::string>& IntakeMigrations() {
  static const std::vector<std::string>* const migrations =
      new std::vector<std::string>{
          // 1: the directory.
          R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;
INSERT INTO meta (key, value) VALUES ('directory_version', 0);
CREATE TABLE departments (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  grp TEXT NOT NULL,
  ord INTEGER NOT NULL,
  table_name TEXT NOT NULL
) STRICT;
CREATE TABLE department_aliases (
  alias TEXT PRIMARY KEY,
  department_code TEXT NOT NULL REFERENCES departments (code),
  position INTEGER NOT NULL
) STRICT;
CREATE TABLE windows (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  department_code TEXT NOT NULL REFERENCES departments (code),
  position INTEGER NOT NULL
) STRICT;
CREATE TABLE staff (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  window_code TEXT NOT NULL REFERENCES windows (code),
  position INTEGER NOT NULL
) STRICT;
CREATE TABLE service_items (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  department_code TEXT NOT NULL REFERENCES departments (code),
  category INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  promised_days INTEGER NOT NULL,
  position INTEGER NOT NULL
) STRICT;
)sql",
          // 2: cases and their month counters.
          R"sql(
CREATE TABLE cases (
  department_code TEXT NOT NULL,
  case_no TEXT NOT NULL,
  category INTEGER NOT NULL,
  accepted_month TEXT NOT NULL,
  status INTEGER NOT NULL,
  due_at INTEGER,
  completed_at INTEGER,
  record BLOB NOT NULL,
  PRIMARY KEY (department_code, case_no)
) STRICT, WITHOUT ROWID;
CREATE INDEX cases_by_month ON cases (accepted_month, department_code, case_no);
CREATE INDEX cases_open_by_due ON cases (due_at) WHERE status = 1;
CREATE TABLE case_counters (
  month TEXT NOT NULL,
  department_code TEXT NOT NULL,
  category INTEGER NOT NULL,
  total INTEGER NOT NULL DEFAULT 0,
  instant INTEGER NOT NULL DEFAULT 0,
  center INTEGER NOT NULL DEFAULT 0,
  department_site INTEGER NOT NULL DEFAULT 0,
  grassroots INTEGER NOT NULL DEFAULT 0,
  online INTEGER NOT NULL DEFAULT 0,
  completed INTEGER NOT NULL DEFAULT 0,
  completed_in_center INTEGER NOT NULL DEFAULT 0,
  center_same_day INTEGER NOT NULL DEFAULT 0,
  center_completed INTEGER NOT NULL DEFAULT 0,
  overtime_completed INTEGER NOT NULL DEFAULT 0,
  open_due INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (month, department_code, category)
) STRICT;
CREATE TABLE month_versions (
  month TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT;
)sql",
          // 3: months closed by publication (closed_periods.h).
          R"sql(
CREATE TABLE closed_months (
  month TEXT PRIMARY KEY,
  closed_at INTEGER NOT NULL,
  closed_by TEXT NOT NULL
) STRICT;
CREATE TABLE corrections (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  made_in TEXT NOT NULL,
  corrected_month TEXT NOT NULL,
  department_code TEXT NOT NULL,
  case_no TEXT NOT NULL,
  reason TEXT NOT NULL,
  by TEXT NOT NULL
) STRICT;
CREATE INDEX corrections_by_month ON corrections (made_in, seq);
ALTER TABLE cases ADD COLUMN extended INTEGER NOT NULL DEFAULT 0;
)sql",
          // 4: the audit trail (audit_log.h).
          AuditLogMigration(),
          // 5: the indicator cells (case_cells.h), filled from the cases
          // stored before it once (BackfillCaseCells).
          absl::StrCat(R"sql(
CREATE TABLE case_cells (
  month TEXT NOT NULL,
  basis INTEGER NOT NULL,
  department_code TEXT NOT NULL,
  cells BLOB NOT NULL,
  PRIMARY KEY (month, basis, department_code)
) STRICT, WITHOUT ROWID;
CREATE TABLE )sql",
                       kCellsBackfillTable,
                       R"sql( (pending INTEGER NOT NULL) STRICT;
)sql"),
      };
  return *migrations;
}

std::string ClockRunningSql() {
  return absl::StrCat("status = ", static_cast<int>(kClockRunningStatus));
}

std::string OvertimeSql(absl::string_view now_param) {
  return absl::StrCat(
      "due_at IS NOT NULL AND ((status = ", static_cast<int>(kFinishedStatus),
      " AND completed_at > due_at) OR (", ClockRunningSql(), " AND due_at < ",
      now_param, "))");
}

}  // namespace zwfw::intake
