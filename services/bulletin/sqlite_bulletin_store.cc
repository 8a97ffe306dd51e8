#include "services/bulletin/sqlite_bulletin_store.h"

#include "absl/strings/str_cat.h"
#include "services/bulletin/publication_rules.h"
#include "services/common/audit_log.h"
#include "services/common/proto_time.h"

namespace zwfw::bulletin {
namespace {

const std::vector<std::string>& Migrations() {
  static const auto* const migrations =
      new std::vector<std::string>{R"sql(
CREATE TABLE drafts (
  period TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  locked INTEGER NOT NULL,
  record BLOB NOT NULL
) STRICT;
CREATE TABLE published (
  period TEXT NOT NULL,
  version INTEGER NOT NULL,
  record BLOB NOT NULL,
  PRIMARY KEY (period, version)
) STRICT;
CREATE TABLE published_formats (
  period TEXT NOT NULL,
  version INTEGER NOT NULL,
  format INTEGER NOT NULL,
  record BLOB NOT NULL,
  PRIMARY KEY (period, version, format)
) STRICT;
)sql",
                                   // 2: the audit trail.
                                   AuditLogMigration(),
                                   // 3: the office's templates.
                                   R"sql(
CREATE TABLE templates (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  record BLOB NOT NULL,
  PRIMARY KEY (name, version)
) STRICT;
)sql"};
  return *migrations;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteBulletinStore>> SqliteBulletinStore::Open(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path);
  if (!db.ok()) return db.status();
  absl::Status s = (*db)->Migrate(Migrations());
  if (!s.ok()) return s;
  return std::unique_ptr<SqliteBulletinStore>(
      new SqliteBulletinStore(*std::move(db)));
}

absl::StatusOr<StoredDraft> SqliteBulletinStore::LoadDraft(
    const std::string& period) {
  absl::StatusOr<Statement> q =
      db_->Prepare("SELECT record, locked FROM drafts WHERE period = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, period);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  StoredDraft stored;
  stored.draft.set_period(period);
  if (!*row) return stored;
  if (!stored.draft.ParseFromString(q->ColumnText(0))) {
    return absl::DataLossError(
        absl::StrCat("draft of ", period, " cannot be parsed"));
  }
  stored.locked = q->ColumnInt(1) != 0;
  return stored;
}

absl::StatusOr<zwfw::v1::Draft> SqliteBulletinStore::GetDraft(
    const std::string& period) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<StoredDraft> loaded = LoadDraft(period);
  if (!loaded.ok()) return loaded.status();
  return loaded->draft;
}

absl::StatusOr<zwfw::v1::Draft> SqliteBulletinStore::UpdateDraft(
    zwfw::v1::Draft draft, bool start_new_version) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::StatusOr<StoredDraft> current = LoadDraft(draft.period());
  if (!current.ok()) return current.status();
  absl::Status allowed = CheckDraftEdit(*current, draft, start_new_version);
  if (!allowed.ok()) return allowed;
  draft.set_revision(current->draft.revision() + 1);
  draft.set_published_version(current->draft.published_version());
  absl::StatusOr<Statement> q = db_->Prepare(
      "INSERT INTO drafts VALUES (?1, ?2, 0, ?3) ON CONFLICT (period) DO "
      "UPDATE SET revision = ?2, locked = 0, record = ?3");
  if (!q.ok()) return q.status();
  absl::Status s = q->Bind(1, draft.period())
                       .Bind(2, draft.revision())
                       .BindBlob(3, draft.SerializeAsString())
                       .Run();
  if (s.ok()) {
    s = AppendAudit(*db_, {draft.updated_by(), "UpdateDraft"},
                    ToTime(draft.updated_at()),
                    {absl::StrCat("draft ", draft.period(), " revision ",
                                  draft.revision())});
  }
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) return s;
  return draft;
}

absl::StatusOr<zwfw::v1::PublishedVersion> SqliteBulletinStore::Publish(
    zwfw::v1::PublishedVersion version,
    const std::map<int, zwfw::v1::RenderResponse>& renders) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::StatusOr<StoredDraft> draft = LoadDraft(version.period());
  if (!draft.ok()) return draft.status();
  absl::Status allowed = CheckPublish(*draft, version.draft_revision());
  if (!allowed.ok()) return allowed;
  absl::StatusOr<Statement> q = db_->Prepare(
      "SELECT coalesce(max(version), 0) FROM published WHERE period = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, version.period());
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  version.set_version(q->ColumnInt(0) + 1);
  absl::StatusOr<Statement> format =
      db_->Prepare("INSERT INTO published_formats VALUES (?, ?, ?, ?)");
  if (!format.ok()) return format.status();
  for (const auto& [f, render] : renders) {
    (*version.mutable_sha256())[zwfw::v1::BulletinFormat_Name(f)] =
        render.sha256();
    absl::Status s = format->Bind(1, version.period())
                         .Bind(2, version.version())
                         .Bind(3, f)
                         .BindBlob(4, render.SerializeAsString())
                         .Run();
    if (!s.ok()) return s;
  }
  absl::StatusOr<Statement> insert =
      db_->Prepare("INSERT INTO published VALUES (?, ?, ?)");
  if (!insert.ok()) return insert.status();
  absl::Status s = insert->Bind(1, version.period())
                       .Bind(2, version.version())
                       .BindBlob(3, version.SerializeAsString())
                       .Run();
  if (!s.ok()) return s;
  draft->draft.set_published_version(version.version());
  absl::StatusOr<Statement> lock_draft = db_->Prepare(
      "INSERT INTO drafts VALUES (?1, ?2, 1, ?3) ON CONFLICT (period) DO "
      "UPDATE SET locked = 1, record = ?3");
  if (!lock_draft.ok()) return lock_draft.status();
  s = lock_draft->Bind(1, version.period())
          .Bind(2, draft->draft.revision())
          .BindBlob(3, draft->draft.SerializeAsString())
          .Run();
  if (s.ok()) {
    s = AppendAudit(*db_, {version.published_by(), "Publish"},
                    ToTime(version.published_at()),
                    {absl::StrCat("bulletin ", version.period(), " version ",
                                  version.version())});
  }
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) return s;
  return version;
}

absl::StatusOr<zwfw::v1::RenderResponse> SqliteBulletinStore::GetPublished(
    const std::string& period, int64_t version,
    zwfw::v1::BulletinFormat format) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Statement> q = db_->Prepare(
      "SELECT record FROM published_formats WHERE period = ?1 AND format = ?3 "
      "AND version = CASE WHEN ?2 > 0 THEN ?2 ELSE (SELECT max(version) FROM "
      "published WHERE period = ?1) END");
  if (!q.ok()) return q.status();
  q->Bind(1, period).Bind(2, version).Bind(3, static_cast<int>(format));
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::NotFoundError(absl::StrCat(
        "no published ", zwfw::v1::BulletinFormat_Name(format), " of ", period,
        version > 0 ? absl::StrCat(" version ", version) : ""));
  }
  zwfw::v1::RenderResponse response;
  if (!response.ParseFromString(q->ColumnText(0))) {
    return absl::DataLossError("a published render cannot be parsed");
  }
  return response;
}

absl::StatusOr<std::vector<zwfw::v1::PublishedVersion>>
SqliteBulletinStore::ListPublished(const std::string& period) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Statement> q = db_->Prepare(
      "SELECT record FROM published WHERE period = ? ORDER BY version");
  if (!q.ok()) return q.status();
  q->Bind(1, period);
  std::vector<zwfw::v1::PublishedVersion> out;
  absl::StatusOr<bool> row;
  while ((row = q->Step()).ok() && *row) {
    out.emplace_back().ParseFromString(q->ColumnText(0));
  }
  if (!row.ok()) return row.status();
  return out;
}

absl::StatusOr<zwfw::v1::BulletinTemplate> SqliteBulletinStore::SetTemplate(
    zwfw::v1::BulletinTemplate t) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::StatusOr<Statement> q = db_->Prepare(
      "SELECT coalesce(max(version), 0) FROM templates WHERE name = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, t.name());
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  t.set_version(q->ColumnInt(0) + 1);
  absl::StatusOr<Statement> insert =
      db_->Prepare("INSERT INTO templates VALUES (?, ?, ?)");
  if (!insert.ok()) return insert.status();
  absl::Status s = insert->Bind(1, t.name())
                       .Bind(2, t.version())
                       .BindBlob(3, t.SerializeAsString())
                       .Run();
  if (s.ok()) {
    s = AppendAudit(
        *db_, {t.set_by(), "SetTemplate"}, ToTime(t.set_at()),
        {absl::StrCat("template ", t.name(), " version ", t.version())});
  }
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) return s;
  return t;
}

absl::StatusOr<zwfw::v1::BulletinTemplate> SqliteBulletinStore::GetTemplate(
    const std::string& name, int64_t version) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Statement> q = db_->Prepare(
      "SELECT record FROM templates WHERE name = ?1 AND version = CASE WHEN "
      "?2 > 0 THEN ?2 ELSE (SELECT max(version) FROM templates WHERE name = "
      "?1) END");
  if (!q.ok()) return q.status();
  q->Bind(1, name).Bind(2, version);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return TemplateNotFound(name, version);
  zwfw::v1::BulletinTemplate t;
  if (!t.ParseFromString(q->ColumnText(0))) {
    return absl::DataLossError(
        absl::StrCat("template ", name, " cannot be parsed"));
  }
  return t;
}

}  // namespace zwfw::bulletin
