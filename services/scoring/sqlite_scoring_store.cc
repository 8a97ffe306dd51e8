#include "services/scoring/sqlite_scoring_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/audit_log.h"
#include "services/common/proto_time.h"

namespace zwfw::scoring {
namespace {

const std::vector<std::string>& Migrations() {
  static const auto* const migrations =
      new std::vector<std::string>{R"sql(
CREATE TABLE rules (
  version INTEGER PRIMARY KEY,
  record BLOB NOT NULL
) STRICT;
CREATE TABLE adjustments (
  adjustment_id INTEGER PRIMARY KEY AUTOINCREMENT,
  period TEXT NOT NULL,
  department_code TEXT NOT NULL,
  removed INTEGER NOT NULL DEFAULT 0,
  record BLOB NOT NULL
) STRICT;
CREATE INDEX adjustments_by_period ON adjustments (period, department_code);
CREATE TABLE awards (
  period TEXT PRIMARY KEY,
  record BLOB NOT NULL
) STRICT;
CREATE TABLE frozen (
  period TEXT PRIMARY KEY,
  record BLOB NOT NULL
) STRICT;
CREATE TABLE period_versions (
  period TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT;
)sql",
                                   // 2: the audit trail.
                                   AuditLogMigration()};
  return *migrations;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteScoringStore>> SqliteScoringStore::Open(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path);
  if (!db.ok()) return db.status();
  absl::Status s = (*db)->Migrate(Migrations());
  if (!s.ok()) return s;
  return std::unique_ptr<SqliteScoringStore>(
      new SqliteScoringStore(*std::move(db)));
}

absl::Status SqliteScoringStore::CheckNotFrozen(const std::string& period) {
  absl::StatusOr<Statement> q =
      db_->Prepare("SELECT 1 FROM frozen WHERE period = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, period);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (*row) return FrozenPeriodError(period);
  return absl::OkStatus();
}

absl::Status SqliteScoringStore::Bump(const std::string& period) {
  absl::StatusOr<Statement> q = db_->Prepare(
      "INSERT INTO period_versions VALUES (?, 1) ON CONFLICT (period) "
      "DO UPDATE SET version = version + 1");
  if (!q.ok()) return q.status();
  return q->Bind(1, period).Run();
}

absl::StatusOr<zwfw::v1::ScoringRules> SqliteScoringStore::AddRules(
    zwfw::v1::ScoringRules rules) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::StatusOr<Statement> q =
      db_->Prepare("SELECT coalesce(max(version), 0) FROM rules");
  if (!q.ok()) return q.status();
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  rules.set_version(q->ColumnInt(0) + 1);
  absl::StatusOr<Statement> insert =
      db_->Prepare("INSERT INTO rules (version, record) VALUES (?, ?)");
  if (!insert.ok()) return insert.status();
  absl::Status s = insert->Bind(1, rules.version())
                       .BindBlob(2, rules.SerializeAsString())
                       .Run();
  if (s.ok()) {
    s = AppendAudit(*db_, {rules.set_by(), "SetRules"}, ToTime(rules.set_at()),
                    {absl::StrCat("rules version ", rules.version())});
  }
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) return s;
  return rules;
}

absl::StatusOr<std::optional<zwfw::v1::ScoringRules>>
SqliteScoringStore::GetRules(int64_t version) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Statement> q = db_->Prepare(
      version == 0 ? "SELECT record FROM rules ORDER BY version DESC LIMIT 1"
                   : "SELECT record FROM rules WHERE version = ?");
  if (!q.ok()) return q.status();
  if (version != 0) q->Bind(1, version);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<zwfw::v1::ScoringRules>();
  zwfw::v1::ScoringRules rules;
  if (!rules.ParseFromString(q->ColumnText(0))) {
    return absl::DataLossError("stored rules cannot be parsed");
  }
  return std::optional<zwfw::v1::ScoringRules>(std::move(rules));
}

absl::StatusOr<zwfw::v1::Adjustment> SqliteScoringStore::AddAdjustment(
    zwfw::v1::Adjustment adjustment) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::Status s = CheckNotFrozen(adjustment.period());
  if (!s.ok()) return s;
  absl::StatusOr<Statement> insert = db_->Prepare(
      "INSERT INTO adjustments (period, department_code, record) "
      "VALUES (?, ?, zeroblob(0))");
  if (!insert.ok()) return insert.status();
  s = insert->Bind(1, adjustment.period())
          .Bind(2, adjustment.department_code())
          .Run();
  if (!s.ok()) return s;
  adjustment.set_adjustment_id(db_->LastInsertRowId());
  absl::StatusOr<Statement> update =
      db_->Prepare("UPDATE adjustments SET record = ? WHERE adjustment_id = ?");
  if (!update.ok()) return update.status();
  s = update->BindBlob(1, adjustment.SerializeAsString())
          .Bind(2, adjustment.adjustment_id())
          .Run();
  if (s.ok()) s = Bump(adjustment.period());
  if (s.ok()) {
    s = AppendAudit(
        *db_, {adjustment.added_by(), "AddAdjustment"},
        ToTime(adjustment.added_at()),
        {absl::StrCat("adjustment ", adjustment.adjustment_id(), " ",
                      adjustment.period(), " ", adjustment.department_code())});
  }
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) return s;
  return adjustment;
}

absl::StatusOr<std::vector<zwfw::v1::Adjustment>>
SqliteScoringStore::ListAdjustments(const std::string& period,
                                    const std::string& department_code,
                                    bool include_removed) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Statement> q = db_->Prepare(
      "SELECT record FROM adjustments WHERE period = ?1 AND "
      "(?2 = '' OR department_code = ?2) AND (?3 OR removed = 0) "
      "ORDER BY adjustment_id");
  if (!q.ok()) return q.status();
  q->Bind(1, period).Bind(2, department_code).Bind(3, include_removed ? 1 : 0);
  std::vector<zwfw::v1::Adjustment> out;
  absl::StatusOr<bool> row;
  while ((row = q->Step()).ok() && *row) {
    out.emplace_back().ParseFromString(q->ColumnText(0));
  }
  if (!row.ok()) return row.status();
  return out;
}

absl::Status SqliteScoringStore::RemoveAdjustment(int64_t adjustment_id,
                                                  const std::string& who,
                                                  absl::Time when) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::StatusOr<Statement> q = db_->Prepare(
      "SELECT period, record FROM adjustments WHERE adjustment_id = ? AND "
      "removed = 0");
  if (!q.ok()) return q.status();
  q->Bind(1, adjustment_id);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::NotFoundError(
        absl::StrCat("adjustment ", adjustment_id, " not found"));
  }
  const std::string period = q->ColumnText(0);
  zwfw::v1::Adjustment record;
  record.ParseFromString(q->ColumnText(1));
  q->Reset();
  absl::Status s = CheckNotFrozen(period);
  if (!s.ok()) return s;
  record.set_removed_by(who);
  *record.mutable_removed_at() = ToProto(when);
  absl::StatusOr<Statement> remove = db_->Prepare(
      "UPDATE adjustments SET removed = 1, record = ? WHERE adjustment_id = ?");
  if (!remove.ok()) return remove.status();
  s = remove->BindBlob(1, record.SerializeAsString())
          .Bind(2, adjustment_id)
          .Run();
  if (s.ok()) s = Bump(period);
  if (s.ok()) {
    s = AppendAudit(*db_, {who, "RemoveAdjustment"}, when,
                    {absl::StrCat("adjustment ", adjustment_id)});
  }
  if (s.ok()) s = tx->Commit();
  return s;
}

absl::Status SqliteScoringStore::SetAwards(const std::string& period,
                                           const Awards& awards,
                                           const Actor& actor, absl::Time now) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::Status s = CheckNotFrozen(period);
  if (!s.ok()) return s;
  absl::StatusOr<Statement> q = db_->Prepare(
      "INSERT INTO awards VALUES (?, ?) ON CONFLICT (period) "
      "DO UPDATE SET record = excluded.record");
  if (!q.ok()) return q.status();
  s = q->Bind(1, period)
          .BindBlob(2, AwardsRecord(awards).SerializeAsString())
          .Run();
  if (s.ok()) s = Bump(period);
  if (s.ok())
    s = AppendAudit(*db_, actor, now, {absl::StrCat("awards ", period)});
  if (s.ok()) s = tx->Commit();
  return s;
}

absl::StatusOr<Awards> SqliteScoringStore::GetAwards(
    const std::string& period) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Statement> q =
      db_->Prepare("SELECT record FROM awards WHERE period = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, period);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Awards();
  zwfw::v1::Scorecard record;
  record.ParseFromString(q->ColumnText(0));
  return AwardsOf(record);
}

absl::StatusOr<zwfw::v1::Scorecard> SqliteScoringStore::Freeze(
    zwfw::v1::Scorecard scorecard, const Actor& actor) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::StatusOr<Statement> q = db_->Prepare(
      "INSERT INTO frozen VALUES (?, ?) ON CONFLICT (period) DO NOTHING");
  if (!q.ok()) return q.status();
  absl::Status s = q->Bind(1, scorecard.period())
                       .BindBlob(2, scorecard.SerializeAsString())
                       .Run();
  const bool newly = s.ok() && db_->Changes() > 0;
  if (s.ok()) s = Bump(scorecard.period());
  if (s.ok() && newly) {
    s = AppendAudit(*db_, actor, ToTime(scorecard.frozen_at()),
                    {absl::StrCat("scorecard ", scorecard.period())});
  }
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) return s;
  absl::StatusOr<Statement> read =
      db_->Prepare("SELECT record FROM frozen WHERE period = ?");
  if (!read.ok()) return read.status();
  read->Bind(1, scorecard.period());
  absl::StatusOr<bool> row = read->Step();
  if (!row.ok()) return row.status();
  zwfw::v1::Scorecard stored;
  stored.ParseFromString(read->ColumnText(0));
  return stored;
}

absl::StatusOr<std::optional<zwfw::v1::Scorecard>>
SqliteScoringStore::GetFrozen(const std::string& period) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Statement> q =
      db_->Prepare("SELECT record FROM frozen WHERE period = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, period);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<zwfw::v1::Scorecard>();
  zwfw::v1::Scorecard card;
  if (!card.ParseFromString(q->ColumnText(0))) {
    return absl::DataLossError(
        absl::StrCat("frozen scorecard of ", period, " cannot be parsed"));
  }
  return std::optional<zwfw::v1::Scorecard>(std::move(card));
}

absl::StatusOr<int64_t> SqliteScoringStore::PeriodVersion(
    const std::string& period) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Statement> q =
      db_->Prepare("SELECT version FROM period_versions WHERE period = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, period);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  return *row ? q->ColumnInt(0) : 0;
}

}  // namespace zwfw::scoring
