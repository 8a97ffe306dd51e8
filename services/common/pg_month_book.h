// What intake and survey keep per month in their PostgreSQL schemas beside
// the figures: how many writes the month has had (its data version,
// month_version.h) and whether it is closed to back-dated records
// (closed_periods.h). Both tables come from PgMonthBookTables(), spliced
// into each store's first migration; PgBumpMonth and PgMonthWrites run
// inside the caller's PgDatabase::Write or Read.
#ifndef ZWFW_SERVICES_COMMON_PG_MONTH_BOOK_H_
#define ZWFW_SERVICES_COMMON_PG_MONTH_BOOK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/pg_audit_log.h"
#include "services/common/postgres.h"

namespace zwfw {

// CREATE TABLE month_versions (...); CREATE TABLE closed_months (...);
const char* PgMonthBookTables();

// One more write to `month`, in the writing transaction.
absl::Status PgBumpMonth(PgConnection& conn, const std::string& month);

// The writes `month` has had so far (0 before its first).
absl::StatusOr<int64_t> PgMonthWrites(PgConnection& conn,
                                      const std::string& month);

// Closes `month` in a write of its own, audited under `by`; false when it
// was closed already (nothing written then).
absl::StatusOr<bool> PgCloseMonth(PgDatabase& db, const std::string& month,
                                  const std::string& by, absl::Time now);

// The month book's and the audit trail's part of a store's writer
// interface (BumpMonth and Audit of case_writes.h and survey_writes.h) on
// the connection of one Write; the store's writer derives from
// PgBookWriter<ItsInterface> and writes the rest on c_.
template <typename Writer>
class PgBookWriter : public Writer {
 public:
  explicit PgBookWriter(PgConnection& c) : c_(c) {}

  absl::Status BumpMonth(const std::string& month) final {
    return PgBumpMonth(c_, month);
  }
  absl::Status Audit(const Actor& actor, absl::Time at,
                     const std::vector<std::string>& keys) final {
    return AppendPgAudit(c_, actor, at, keys);
  }

 protected:
  PgConnection& c_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_PG_MONTH_BOOK_H_
