#include "services/common/pg_audit_log.h"

#include "absl/strings/str_cat.h"

namespace zwfw {
namespace {

constexpr char kColumns[] =
    "seq, at, who, rpc, keys, reason, prev_hash, hash FROM audit_log";
// A page of VerifyAudit's walk: the chain is read in pieces, not at once.
constexpr int kVerifyPage = 5000;

AuditRow RowOf(const PgResult& r, int i) {
  AuditRow row;
  row.seq = r.Int(i, 0);
  row.at_micros = r.Int(i, 1);
  row.who = r.Text(i, 2);
  row.rpc = r.Text(i, 3);
  row.keys = r.Text(i, 4);
  row.reason = r.Text(i, 5);
  row.prev_hash = r.Text(i, 6);
  row.hash = r.Text(i, 7);
  return row;
}

absl::StatusOr<PgResult> Page(PgConnection& c, int64_t after_seq, int limit) {
  return c.Exec(absl::StrCat("SELECT ", kColumns,
                             " WHERE seq > $1 ORDER BY seq LIMIT $2"),
                PgParams().Int(after_seq).Int(limit));
}

}  // namespace

const std::string& PgAuditLogMigration() {
  static const auto* const sql = new std::string(R"sql(
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at bigint NOT NULL,
  who text NOT NULL,
  rpc text NOT NULL,
  keys text NOT NULL,
  reason text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
)sql");
  return *sql;
}

absl::Status AppendPgAudit(PgConnection& conn, const Actor& actor,
                           absl::Time at,
                           const std::vector<std::string>& keys) {
  absl::StatusOr<PgResult> last =
      conn.Exec("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!last.ok()) return last.status();
  const bool first = last->rows() == 0;
  const AuditRow row =
      NextAuditRow(first ? 1 : last->Int(0, 0) + 1,
                   first ? "" : last->Text(0, 1), actor, at, keys);
  return conn.Run(
      "INSERT INTO audit_log (seq, at, who, rpc, keys, reason, prev_hash, "
      "hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      PgParams()
          .Int(row.seq)
          .Int(row.at_micros)
          .Text(row.who)
          .Text(row.rpc)
          .Text(row.keys)
          .Text(row.reason)
          .Text(row.prev_hash)
          .Text(row.hash));
}

absl::StatusOr<std::vector<AuditEntry>> PgAuditTrail::List(int64_t after_seq,
                                                           int limit) {
  std::vector<AuditEntry> out;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    out.clear();
    absl::StatusOr<PgResult> page = Page(c, after_seq, limit);
    if (!page.ok()) return page.status();
    for (int i = 0; i < page->rows(); ++i) {
      out.push_back(ToAuditEntry(RowOf(*page, i)));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<AuditVerdict> PgAuditTrail::Verify() {
  AuditChainCheck check;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    check = AuditChainCheck();
    int64_t after = 0;
    for (;;) {
      absl::StatusOr<PgResult> page = Page(c, after, kVerifyPage);
      if (!page.ok()) return page.status();
      for (int i = 0; i < page->rows(); ++i) {
        const AuditRow row = RowOf(*page, i);
        if (!check.Add(row)) return absl::OkStatus();
        after = row.seq;
      }
      if (page->rows() < kVerifyPage) return absl::OkStatus();
    }
  });
  if (!s.ok()) return s;
  return check.Verdict();
}

}  // namespace zwfw
