#include "services/intake/intake_schema.h"

namespace zwfw::intake {

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
      };
  return *migrations;
}

}  // namespace zwfw::intake
