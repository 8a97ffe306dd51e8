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

#include "absl/status/statusor.h"
#include "absl/time/time.h"
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

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_PG_MONTH_BOOK_H_
