#include "services/common/pg_month_book.h"

#include "services/common/pg_audit_log.h"

namespace zwfw {

const char* PgMonthBookTables() {
  return R"sql(
CREATE TABLE month_versions (
  month text PRIMARY KEY,
  version bigint NOT NULL
);
CREATE TABLE closed_months (
  month text PRIMARY KEY,
  closed_at bigint NOT NULL,
  closed_by text NOT NULL
);
)sql";
}

absl::Status PgBumpMonth(PgConnection& conn, const std::string& month) {
  return conn.Run(
      "INSERT INTO month_versions VALUES ($1, 1) ON CONFLICT (month) "
      "DO UPDATE SET version = month_versions.version + 1",
      PgParams().Text(month));
}

absl::StatusOr<int64_t> PgMonthWrites(PgConnection& conn,
                                      const std::string& month) {
  absl::StatusOr<PgResult> r =
      conn.Exec("SELECT version FROM month_versions WHERE month = $1",
                PgParams().Text(month));
  if (!r.ok()) return r.status();
  return r->rows() > 0 ? r->Int(0, 0) : 0;
}

absl::StatusOr<bool> PgCloseMonth(PgDatabase& db, const std::string& month,
                                  const std::string& by, absl::Time now) {
  bool newly = false;
  absl::Status s = db.Write([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<PgResult> r = c.Exec(
        "INSERT INTO closed_months (month, closed_at, closed_by) VALUES ($1, "
        "$2, $3) ON CONFLICT DO NOTHING RETURNING 1",
        PgParams().Text(month).Int(absl::ToUnixMicros(now)).Text(by));
    if (!r.ok()) return r.status();
    newly = r->rows() > 0;
    if (!newly) return absl::OkStatus();
    return AppendPgAudit(c, {by, "ClosePeriod"}, now, {month});
  });
  if (!s.ok()) return s;
  return newly;
}

}  // namespace zwfw
