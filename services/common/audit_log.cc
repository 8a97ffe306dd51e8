#include "services/common/audit_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/auth.h"

namespace zwfw {
namespace {

constexpr size_t kMaxKeys = 10000;
constexpr char kKeySeparator = '\x1f';  // unit separator: never in a key

std::string HashOf(const AuditRow& r) {
  return Sha256Hex(absl::StrCat(r.prev_hash, "\n", r.seq, "\n", r.at_micros,
                                "\n", r.who, "\n", r.rpc, "\n", r.keys, "\n",
                                r.reason));
}

}  // namespace

const std::string& AuditLogMigration() {
  static const auto* const sql = new std::string(R"sql(
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  who TEXT NOT NULL,
  rpc TEXT NOT NULL,
  keys TEXT NOT NULL,
  reason TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql");
  return *sql;
}

AuditRow NextAuditRow(int64_t seq, const std::string& prev_hash,
                      const Actor& actor, absl::Time at,
                      const std::vector<std::string>& keys) {
  std::vector<std::string> kept(keys.begin(),
                                keys.begin() + std::min(keys.size(), kMaxKeys));
  if (keys.size() > kMaxKeys) {
    kept.push_back(absl::StrCat("… ", keys.size() - kMaxKeys, " more"));
  }
  AuditRow row;
  row.seq = seq;
  row.at_micros = absl::ToUnixMicros(at);
  row.who = actor.who;
  row.rpc = actor.rpc;
  row.keys = absl::StrJoin(kept, std::string(1, kKeySeparator));
  row.reason = actor.reason;
  row.prev_hash = prev_hash;
  row.hash = HashOf(row);
  return row;
}

AuditEntry ToAuditEntry(const AuditRow& row) {
  AuditEntry e;
  e.seq = row.seq;
  e.at = absl::FromUnixMicros(row.at_micros);
  e.who = row.who;
  e.rpc = row.rpc;
  if (!row.keys.empty()) e.keys = absl::StrSplit(row.keys, kKeySeparator);
  e.reason = row.reason;
  e.prev_hash = row.prev_hash;
  e.hash = row.hash;
  return e;
}

bool AuditChainCheck::Add(const AuditRow& row) {
  if (!verdict_.problem.empty()) return false;
  if (row.seq != expected_seq_ || row.prev_hash != prev_) {
    verdict_.problem =
        row.seq != expected_seq_
            ? absl::StrCat("entry ", expected_seq_, " is missing (deleted)")
            : absl::StrCat("entry ", row.seq,
                           ": the hash before it does not match (entry ",
                           row.seq - 1, " was replaced)");
    return false;
  }
  if (HashOf(row) != row.hash) {
    verdict_.problem =
        absl::StrCat("entry ", row.seq, ": edited (its hash does not match)");
    return false;
  }
  ++verdict_.entries;
  ++expected_seq_;
  prev_ = row.hash;
  verdict_.head_hash = prev_;
  return true;
}

AuditVerdict AuditChainCheck::Verdict() const { return verdict_; }

namespace {

constexpr char kColumns[] =
    "seq, at, who, rpc, keys, reason, prev_hash, hash FROM audit_log";

AuditRow RowOf(const Statement& q) {
  AuditRow row;
  row.seq = q.ColumnInt(0);
  row.at_micros = q.ColumnInt(1);
  row.who = q.ColumnText(2);
  row.rpc = q.ColumnText(3);
  row.keys = q.ColumnText(4);
  row.reason = q.ColumnText(5);
  row.prev_hash = q.ColumnText(6);
  row.hash = q.ColumnText(7);
  return row;
}

}  // namespace

absl::Status AppendAudit(Database& db, const Actor& actor, absl::Time at,
                         const std::vector<std::string>& keys) {
  absl::StatusOr<Statement*> last =
      db.Cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!last.ok()) return last.status();
  absl::StatusOr<bool> row = (*last)->Step();
  const int64_t seq = row.ok() && *row ? (*last)->ColumnInt(0) + 1 : 1;
  const std::string prev_hash = row.ok() && *row ? (*last)->ColumnText(1) : "";
  (*last)->Reset();
  if (!row.ok()) return row.status();
  const AuditRow next = NextAuditRow(seq, prev_hash, actor, at, keys);
  absl::StatusOr<Statement*> insert = db.Cached(
      "INSERT INTO audit_log (seq, at, who, rpc, keys, reason, prev_hash, "
      "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.status();
  return (*insert)
      ->Bind(1, next.seq)
      .Bind(2, next.at_micros)
      .Bind(3, next.who)
      .Bind(4, next.rpc)
      .Bind(5, next.keys)
      .Bind(6, next.reason)
      .Bind(7, next.prev_hash)
      .Bind(8, next.hash)
      .Run();
}

absl::StatusOr<std::vector<AuditEntry>> ListAudit(Database& db,
                                                  int64_t after_seq,
                                                  int limit) {
  absl::StatusOr<Statement> list = db.Prepare(
      absl::StrCat("SELECT ", kColumns, " WHERE seq > ? ORDER BY seq LIMIT ?"));
  if (!list.ok()) return list.status();
  list->Bind(1, after_seq).Bind(2, static_cast<int64_t>(limit));
  std::vector<AuditEntry> out;
  absl::StatusOr<bool> row;
  while ((row = list->Step()).ok() && *row) {
    out.push_back(ToAuditEntry(RowOf(*list)));
  }
  if (!row.ok()) return row.status();
  return out;
}

absl::StatusOr<AuditVerdict> VerifyAudit(Database& db) {
  absl::StatusOr<Statement> all =
      db.Prepare(absl::StrCat("SELECT ", kColumns, " ORDER BY seq"));
  if (!all.ok()) return all.status();
  AuditChainCheck check;
  absl::StatusOr<bool> row;
  while ((row = all->Step()).ok() && *row && check.Add(RowOf(*all))) {
  }
  if (!row.ok()) return row.status();
  return check.Verdict();
}

}  // namespace zwfw
