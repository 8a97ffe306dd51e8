#include "services/common/audit_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/auth.h"

namespace zwfw {
namespace {

constexpr size_t kMaxKeys = 10000;
constexpr char kKeySeparator = '\x1f';  // unit separator: never in a key

std::string HashOf(const std::string& prev_hash, int64_t seq, int64_t at,
                   const std::string& who, const std::string& rpc,
                   const std::string& keys, const std::string& reason) {
  return Sha256Hex(absl::StrCat(prev_hash, "\n", seq, "\n", at, "\n", who, "\n",
                                rpc, "\n", keys, "\n", reason));
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
  std::vector<std::string> kept(keys.begin(),
                                keys.begin() + std::min(keys.size(), kMaxKeys));
  if (keys.size() > kMaxKeys) {
    kept.push_back(absl::StrCat("… ", keys.size() - kMaxKeys, " more"));
  }
  const std::string joined = absl::StrJoin(kept, std::string(1, kKeySeparator));
  const int64_t micros = absl::ToUnixMicros(at);
  absl::StatusOr<Statement*> insert = db.Cached(
      "INSERT INTO audit_log (seq, at, who, rpc, keys, reason, prev_hash, "
      "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.status();
  return (*insert)
      ->Bind(1, seq)
      .Bind(2, micros)
      .Bind(3, actor.who)
      .Bind(4, actor.rpc)
      .Bind(5, joined)
      .Bind(6, actor.reason)
      .Bind(7, prev_hash)
      .Bind(8, HashOf(prev_hash, seq, micros, actor.who, actor.rpc, joined,
                      actor.reason))
      .Run();
}

absl::StatusOr<std::vector<AuditEntry>> ListAudit(Database& db,
                                                  int64_t after_seq,
                                                  int limit) {
  absl::StatusOr<Statement> list = db.Prepare(
      "SELECT seq, at, who, rpc, keys, prev_hash, hash, reason FROM audit_log "
      "WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!list.ok()) return list.status();
  list->Bind(1, after_seq).Bind(2, static_cast<int64_t>(limit));
  std::vector<AuditEntry> out;
  absl::StatusOr<bool> row;
  while ((row = list->Step()).ok() && *row) {
    AuditEntry& e = out.emplace_back();
    e.seq = list->ColumnInt(0);
    e.at = absl::FromUnixMicros(list->ColumnInt(1));
    e.who = list->ColumnText(2);
    e.rpc = list->ColumnText(3);
    const std::string keys = list->ColumnText(4);
    if (!keys.empty()) e.keys = absl::StrSplit(keys, kKeySeparator);
    e.prev_hash = list->ColumnText(5);
    e.hash = list->ColumnText(6);
    e.reason = list->ColumnText(7);
  }
  if (!row.ok()) return row.status();
  return out;
}

absl::StatusOr<AuditVerdict> VerifyAudit(Database& db) {
  absl::StatusOr<Statement> all = db.Prepare(
      "SELECT seq, at, who, rpc, keys, prev_hash, hash, reason FROM audit_log "
      "ORDER BY seq");
  if (!all.ok()) return all.status();
  AuditVerdict verdict;
  int64_t expected_seq = 1;
  std::string prev;
  absl::StatusOr<bool> row;
  while ((row = all->Step()).ok() && *row) {
    const int64_t seq = all->ColumnInt(0);
    const std::string stored_prev = all->ColumnText(5);
    const std::string hash = all->ColumnText(6);
    if (seq != expected_seq || stored_prev != prev) {
      verdict.problem =
          seq != expected_seq
              ? absl::StrCat("entry ", expected_seq, " is missing (deleted)")
              : absl::StrCat("entry ", seq,
                             ": the hash before it does not match (entry ",
                             seq - 1, " was replaced)");
      break;
    }
    if (HashOf(stored_prev, seq, all->ColumnInt(1), all->ColumnText(2),
               all->ColumnText(3), all->ColumnText(4),
               all->ColumnText(7)) != hash) {
      verdict.problem =
          absl::StrCat("entry ", seq, ": edited (its hash does not match)");
      break;
    }
    ++verdict.entries;
    ++expected_seq;
    prev = hash;
  }
  if (!row.ok()) return row.status();
  verdict.head_hash = prev;
  return verdict;
}

}  // namespace zwfw
