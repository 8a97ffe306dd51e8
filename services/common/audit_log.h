// The audit trail (等保2.0 三级 asks for one): every write of every service
// — who (role and token id, never the token), when, which RPC, which
// records by key — appended in the very transaction that makes the write
// to `audit_log` in the service's own database, so a write without its
// entry cannot exist. The table is append-only (triggers refuse UPDATE and
// DELETE) and hash-chained: each entry's hash covers its fields and the
// hash before it, so VerifyAudit finds an entry edited or deleted behind
// the server's back (with the file and a SQLite shell). What it cannot see
// is the newest entries cut off the end: keep the head hash it reports
// somewhere else (a printed bulletin's evidence, another system) to check
// that too.
//
// Functions on a Database the caller owns; AppendAudit needs the caller's
// open transaction.
#ifndef ZWFW_SERVICES_COMMON_AUDIT_LOG_H_
#define ZWFW_SERVICES_COMMON_AUDIT_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/sqlite.h"

namespace zwfw {

// Who made a write, through which RPC ("department:qj-gaj a1b2c3d4",
// "SubmitCases").
struct Actor {
  std::string who;
  std::string rpc;
  // Why, when the write needed a reason (a correction of a published
  // month); empty otherwise.
  std::string reason = "";
  // When the caller made it, by the service's clock; InfinitePast: the
  // store takes the time of its commit.
  absl::Time at = absl::InfinitePast();
};

struct AuditEntry {
  int64_t seq = 0;
  absl::Time at;
  std::string who;
  std::string rpc;
  std::vector<std::string> keys;  // the records written, by key
  std::string reason;
  std::string prev_hash;  // hex; "" for the first
  std::string hash;       // hex SHA-256
};

struct AuditVerdict {
  int64_t entries = 0;
  std::string head_hash;  // the newest entry's hash
  // Empty when intact; else the first entry found edited or missing.
  std::string problem;
};

// The chain's rules, one home for every database the trail is kept in
// (SQLite here, PostgreSQL in pg_audit_log.h): a row as stored, keys
// joined.
struct AuditRow {
  int64_t seq = 0;
  int64_t at_micros = 0;
  std::string who;
  std::string rpc;
  std::string keys;
  std::string reason;
  std::string prev_hash;
  std::string hash;
};

// The row that follows the entry (seq - 1, prev_hash) for `actor`'s write
// of `keys` at `at`: keys cut at 10,000 (the count kept), hashed.
AuditRow NextAuditRow(int64_t seq, const std::string& prev_hash,
                      const Actor& actor, absl::Time at,
                      const std::vector<std::string>& keys);
AuditEntry ToAuditEntry(const AuditRow& row);

// Walks a chain row by row, oldest first.
class AuditChainCheck {
 public:
  // False once a row is found missing or edited (the verdict says which):
  // stop feeding.
  bool Add(const AuditRow& row);
  AuditVerdict Verdict() const;

 private:
  AuditVerdict verdict_;
  int64_t expected_seq_ = 1;
  std::string prev_;
};

// The migration each service appends to its own list: the table and the
// triggers that keep it append-only.
const std::string& AuditLogMigration();

// Appends one entry for `actor`'s write of `keys` at `at`, inside the
// transaction open on `db`. Keys are cut at 10,000 (the count is kept).
absl::Status AppendAudit(Database& db, const Actor& actor, absl::Time at,
                         const std::vector<std::string>& keys);

// Up to `limit` entries after `after_seq`, oldest first.
absl::StatusOr<std::vector<AuditEntry>> ListAudit(Database& db,
                                                  int64_t after_seq, int limit);

// Walks the whole chain.
absl::StatusOr<AuditVerdict> VerifyAudit(Database& db);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_AUDIT_LOG_H_
