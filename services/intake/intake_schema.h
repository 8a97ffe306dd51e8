// The schema of the intake database (one SQLite file per service), as
// numbered migrations: migrations[i] takes the schema from version i to
// i + 1. Append, never edit a released migration.
#ifndef ZWFW_SERVICES_INTAKE_INTAKE_SCHEMA_H_
#define ZWFW_SERVICES_INTAKE_INTAKE_SCHEMA_H_

#include <string>
#include <vector>

namespace zwfw::intake {

const std::vector<std::string>& IntakeMigrations();

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_INTAKE_SCHEMA_H_
