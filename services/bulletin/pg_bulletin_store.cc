#include "services/bulletin/pg_bulletin_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/pg_audit_log.h"
#include "services/common/proto_time.h"

namespace zwfw::bulletin {
namespace {

const std::vector<std::string>& Migrations() {
  static const auto* const migrations =
      new std::vector<std::string>{R"sql(
CREATE TABLE drafts (
  period text PRIMARY KEY,
  revision bigint NOT NULL,
  locked boolean NOT NULL,
  record bytea NOT NULL
);
CREATE TABLE published (
  period text NOT NULL,
  version bigint NOT NULL,
  record bytea NOT NULL,
  PRIMARY KEY (period, version)
);
CREATE TABLE published_formats (
  period text NOT NULL,
  version bigint NOT NULL,
  format integer NOT NULL,
  record bytea NOT NULL,
  PRIMARY KEY (period, version, format)
);
)sql",
                                   // 2: the audit trail.
                                   PgAuditLogMigration(),
                                   // 3: the office's templates.
                                   R"sql(
CREATE TABLE templates (
  name text NOT NULL,
  version bigint NOT NULL,
  record bytea NOT NULL,
  PRIMARY KEY (name, version)
);
)sql"};
  return *migrations;
}

absl::StatusOr<StoredDraft> LoadDraft(PgConnection& c,
                                      const std::string& period) {
  absl::StatusOr<PgResult> r =
      c.Exec("SELECT record, locked FROM drafts WHERE period = $1",
             PgParams().Text(period));
  if (!r.ok()) return r.status();
  StoredDraft stored;
  stored.draft.set_period(period);
  if (r->rows() == 0) return stored;
  if (!stored.draft.ParseFromString(r->Bytes(0, 0))) {
    return absl::DataLossError(
        absl::StrCat("draft of ", period, " cannot be parsed"));
  }
  stored.locked = r->Text(0, 1) == "t";
  return stored;
}

absl::Status StoreDraft(PgConnection& c, const zwfw::v1::Draft& draft,
                        bool locked) {
  return c.Run(
      "INSERT INTO drafts VALUES ($1, $2, $3, $4) ON CONFLICT (period) DO "
      "UPDATE SET revision = $2, locked = $3, record = $4",
      PgParams()
          .Text(draft.period())
          .Int(draft.revision())
          .Text(locked ? "true" : "false")
          .Bytes(draft.SerializeAsString()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgBulletinStore>> PgBulletinStore::Open(
    const PgOptions& options) {
  absl::StatusOr<std::unique_ptr<PgDatabase>> db =
      PgDatabase::Open(options, Migrations());
  if (!db.ok()) return db.status();
  return std::unique_ptr<PgBulletinStore>(new PgBulletinStore(*std::move(db)));
}

absl::StatusOr<zwfw::v1::Draft> PgBulletinStore::GetDraft(
    const std::string& period) {
  StoredDraft stored;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<StoredDraft> loaded = LoadDraft(c, period);
    if (!loaded.ok()) return loaded.status();
    stored = *std::move(loaded);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return stored.draft;
}

absl::StatusOr<zwfw::v1::Draft> PgBulletinStore::UpdateDraft(
    zwfw::v1::Draft draft, bool start_new_version) {
  zwfw::v1::Draft stored_as;
  absl::Status s = db_->Write([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<StoredDraft> current = LoadDraft(c, draft.period());
    if (!current.ok()) return current.status();
    absl::Status allowed = CheckDraftEdit(*current, draft, start_new_version);
    if (!allowed.ok()) return allowed;
    stored_as = draft;
    stored_as.set_revision(current->draft.revision() + 1);
    stored_as.set_published_version(current->draft.published_version());
    absl::Status w = StoreDraft(c, stored_as, /*locked=*/false);
    if (!w.ok()) return w;
    return AppendPgAudit(c, {draft.updated_by(), "UpdateDraft"},
                         ToTime(draft.updated_at()),
                         {absl::StrCat("draft ", draft.period(), " revision ",
                                       stored_as.revision())});
  });
  if (!s.ok()) return s;
  return stored_as;
}

absl::StatusOr<zwfw::v1::PublishedVersion> PgBulletinStore::Publish(
    zwfw::v1::PublishedVersion version,
    const std::map<int, zwfw::v1::RenderResponse>& renders) {
  zwfw::v1::PublishedVersion stored;
  absl::Status s = db_->Write([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<StoredDraft> draft = LoadDraft(c, version.period());
    if (!draft.ok()) return draft.status();
    absl::Status allowed = CheckPublish(*draft, version.draft_revision());
    if (!allowed.ok()) return allowed;
    absl::StatusOr<PgResult> last = c.Exec(
        "SELECT coalesce(max(version), 0) FROM published WHERE period = $1",
        PgParams().Text(version.period()));
    if (!last.ok()) return last.status();
    stored = version;
    stored.set_version(last->Int(0, 0) + 1);
    for (const auto& [f, render] : renders) {
      (*stored.mutable_sha256())[zwfw::v1::BulletinFormat_Name(f)] =
          render.sha256();
      absl::Status w =
          c.Run("INSERT INTO published_formats VALUES ($1, $2, $3, $4)",
                PgParams()
                    .Text(stored.period())
                    .Int(stored.version())
                    .Int(f)
                    .Bytes(render.SerializeAsString()));
      if (!w.ok()) return w;
    }
    absl::Status w = c.Run("INSERT INTO published VALUES ($1, $2, $3)",
                           PgParams()
                               .Text(stored.period())
                               .Int(stored.version())
                               .Bytes(stored.SerializeAsString()));
    if (!w.ok()) return w;
    draft->draft.set_published_version(stored.version());
    w = StoreDraft(c, draft->draft, /*locked=*/true);
    if (!w.ok()) return w;
    return AppendPgAudit(c, {stored.published_by(), "Publish"},
                         ToTime(stored.published_at()),
                         {absl::StrCat("bulletin ", stored.period(),
                                       " version ", stored.version())});
  });
  if (!s.ok()) return s;
  return stored;
}

absl::StatusOr<zwfw::v1::RenderResponse> PgBulletinStore::GetPublished(
    const std::string& period, int64_t version,
    zwfw::v1::BulletinFormat format) {
  zwfw::v1::RenderResponse response;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<bool> found = PgReadRecord(
        c,
        "SELECT record FROM published_formats WHERE period = $1 AND format = "
        "$3 AND version = CASE WHEN $2::bigint > 0 THEN $2::bigint ELSE "
        "(SELECT max(version) FROM published WHERE period = $1) END",
        PgParams().Text(period).Int(version).Int(format), &response,
        "a published render");
    if (!found.ok()) return found.status();
    if (!*found) {
      return absl::NotFoundError(absl::StrCat(
          "no published ", zwfw::v1::BulletinFormat_Name(format), " of ",
          period, version > 0 ? absl::StrCat(" version ", version) : ""));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return response;
}

absl::StatusOr<std::vector<zwfw::v1::PublishedVersion>>
PgBulletinStore::ListPublished(const std::string& period) {
  std::vector<zwfw::v1::PublishedVersion> out;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    out.clear();
    absl::StatusOr<PgResult> r = c.Exec(
        "SELECT record FROM published WHERE period = $1 ORDER BY version",
        PgParams().Text(period));
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      out.emplace_back().ParseFromString(r->Bytes(i, 0));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<zwfw::v1::BulletinTemplate> PgBulletinStore::SetTemplate(
    zwfw::v1::BulletinTemplate t) {
  absl::Status s = db_->Write([&](PgConnection& c) -> absl::Status {
    // Two replicas setting one name at once: the primary key refuses the
    // second (ALREADY_EXISTS), nothing of it written; setting it again
    // stores the next version.
    absl::StatusOr<PgResult> last = c.Exec(
        "SELECT coalesce(max(version), 0) FROM templates WHERE name = $1",
        PgParams().Text(t.name()));
    if (!last.ok()) return last.status();
    t.set_version(last->Int(0, 0) + 1);
    absl::Status w = c.Run("INSERT INTO templates VALUES ($1, $2, $3)",
                           PgParams()
                               .Text(t.name())
                               .Int(t.version())
                               .Bytes(t.SerializeAsString()));
    if (!w.ok()) return w;
    return AppendPgAudit(
        c, {t.set_by(), "SetTemplate"}, ToTime(t.set_at()),
        {absl::StrCat("template ", t.name(), " version ", t.version())});
  });
  if (!s.ok()) return s;
  return t;
}

absl::StatusOr<zwfw::v1::BulletinTemplate> PgBulletinStore::GetTemplate(
    const std::string& name, int64_t version) {
  zwfw::v1::BulletinTemplate t;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    absl::StatusOr<bool> found = PgReadRecord(
        c,
        "SELECT record FROM templates WHERE name = $1 AND version = CASE WHEN "
        "$2::bigint > 0 THEN $2::bigint ELSE (SELECT max(version) FROM "
        "templates WHERE name = $1) END",
        PgParams().Text(name).Int(version), &t, "a template");
    if (!found.ok()) return found.status();
    if (!*found) return TemplateNotFound(name, version);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return t;
}

}  // namespace zwfw::bulletin
