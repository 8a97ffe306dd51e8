#include "services/intake/sqlite_directory_store.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/audit_log.h"
#include "services/intake/intake_schema.h"

namespace zwfw::intake {

using zwfw::v1::DirectorySnapshot;

absl::StatusOr<std::unique_ptr<SqliteDirectoryStore>>
SqliteDirectoryStore::Open(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path);
  if (!db.ok()) return db.status();
  absl::Status s = (*db)->Migrate(IntakeMigrations());
  if (!s.ok()) return s;
  return std::unique_ptr<SqliteDirectoryStore>(
      new SqliteDirectoryStore(*std::move(db)));
}

absl::StatusOr<int64_t> SqliteDirectoryStore::Version() {
  absl::StatusOr<Statement> q =
      db_->Prepare("SELECT value FROM meta WHERE key = 'directory_version'");
  if (!q.ok()) return q.status();
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  return *row ? q->ColumnInt(0) : 0;
}

absl::StatusOr<int64_t> SqliteDirectoryStore::StoredVersion() {
  absl::MutexLock lock(&mu_);
  return Version();
}

absl::Status SqliteDirectoryStore::Replace(const DirectorySnapshot& snapshot,
                                           int64_t version,
                                           const Actor& actor) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::Status s = db_->Exec(
      "DELETE FROM staff; DELETE FROM windows; DELETE FROM service_items; "
      "DELETE FROM department_aliases; DELETE FROM departments;");
  if (!s.ok()) return s;

  absl::StatusOr<Statement> department = db_->Prepare(
      "INSERT INTO departments (code, name, grp, ord, table_name) "
      "VALUES (?, ?, ?, ?, ?)");
  absl::StatusOr<Statement> alias = db_->Prepare(
      "INSERT INTO department_aliases (alias, department_code, position) "
      "VALUES (?, ?, ?)");
  absl::StatusOr<Statement> window = db_->Prepare(
      "INSERT INTO windows (code, name, department_code, position) "
      "VALUES (?, ?, ?, ?)");
  absl::StatusOr<Statement> staff = db_->Prepare(
      "INSERT INTO staff (code, name, window_code, position) "
      "VALUES (?, ?, ?, ?)");
  absl::StatusOr<Statement> item = db_->Prepare(
      "INSERT INTO service_items (code, name, department_code, category, "
      "kind, promised_days, position) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const auto* stmt : {&department, &alias, &window, &staff, &item}) {
    if (!stmt->ok()) return stmt->status();
  }

  for (const auto& d : snapshot.departments()) {
    s = department->Bind(1, d.code())
            .Bind(2, d.name())
            .Bind(3, d.group())
            .Bind(4, d.order())
            .Bind(5, d.table_name())
            .Run();
    if (!s.ok()) return s;
    for (int i = 0; i < d.aliases_size(); ++i) {
      s = alias->Bind(1, d.aliases(i)).Bind(2, d.code()).Bind(3, i).Run();
      if (!s.ok()) return s;
    }
  }
  for (int i = 0; i < snapshot.windows_size(); ++i) {
    const auto& w = snapshot.windows(i);
    s = window->Bind(1, w.code())
            .Bind(2, w.name())
            .Bind(3, w.department_code())
            .Bind(4, i)
            .Run();
    if (!s.ok()) return s;
  }
  for (int i = 0; i < snapshot.staff_size(); ++i) {
    const auto& m = snapshot.staff(i);
    s = staff->Bind(1, m.code())
            .Bind(2, m.name())
            .Bind(3, m.window_code())
            .Bind(4, i)
            .Run();
    if (!s.ok()) return s;
  }
  for (int i = 0; i < snapshot.service_items_size(); ++i) {
    const auto& it = snapshot.service_items(i);
    s = item->Bind(1, it.code())
            .Bind(2, it.name())
            .Bind(3, it.department_code())
            .Bind(4, static_cast<int>(it.category()))
            .Bind(5, static_cast<int>(it.kind()))
            .Bind(6, it.promised_days())
            .Bind(7, i)
            .Run();
    if (!s.ok()) return s;
  }

  s = db_->Exec(absl::StrCat("UPDATE meta SET value = ", version,
                             " WHERE key = 'directory_version'"));
  if (s.ok()) {
    s = AppendAudit(*db_, actor, absl::Now(),
                    {absl::StrCat("directory version ", version)});
  }
  if (!s.ok()) return s;
  return tx->Commit();
}

absl::StatusOr<StoredDirectory> SqliteDirectoryStore::Load() {
  absl::MutexLock lock(&mu_);
  StoredDirectory out;
  absl::StatusOr<int64_t> version = Version();
  if (!version.ok()) return version.status();
  out.version = *version;
  DirectorySnapshot& snap = out.snapshot;

  absl::StatusOr<Statement> q = db_->Prepare(
      "SELECT code, name, grp, ord, table_name FROM departments "
      "ORDER BY ord, code");
  if (!q.ok()) return q.status();
  absl::flat_hash_map<std::string, zwfw::v1::Department*> by_code;
  absl::StatusOr<bool> row;
  while ((row = q->Step()).ok() && *row) {
    zwfw::v1::Department* d = snap.add_departments();
    d->set_code(q->ColumnText(0));
    d->set_name(q->ColumnText(1));
    d->set_group(q->ColumnText(2));
    d->set_order(static_cast<int32_t>(q->ColumnInt(3)));
    d->set_table_name(q->ColumnText(4));
    by_code[d->code()] = d;
  }
  if (!row.ok()) return row.status();

  q = db_->Prepare(
      "SELECT alias, department_code FROM department_aliases "
      "ORDER BY department_code, position");
  if (!q.ok()) return q.status();
  while ((row = q->Step()).ok() && *row) {
    auto it = by_code.find(q->ColumnText(1));
    if (it != by_code.end()) it->second->add_aliases(q->ColumnText(0));
  }
  if (!row.ok()) return row.status();

  q = db_->Prepare(
      "SELECT code, name, department_code FROM windows ORDER BY position");
  if (!q.ok()) return q.status();
  while ((row = q->Step()).ok() && *row) {
    zwfw::v1::Window* w = snap.add_windows();
    w->set_code(q->ColumnText(0));
    w->set_name(q->ColumnText(1));
    w->set_department_code(q->ColumnText(2));
  }
  if (!row.ok()) return row.status();

  q = db_->Prepare(
      "SELECT code, name, window_code FROM staff ORDER BY position");
  if (!q.ok()) return q.status();
  while ((row = q->Step()).ok() && *row) {
    zwfw::v1::Staff* m = snap.add_staff();
    m->set_code(q->ColumnText(0));
    m->set_name(q->ColumnText(1));
    m->set_window_code(q->ColumnText(2));
  }
  if (!row.ok()) return row.status();

  q = db_->Prepare(
      "SELECT code, name, department_code, category, kind, promised_days "
      "FROM service_items ORDER BY position");
  if (!q.ok()) return q.status();
  while ((row = q->Step()).ok() && *row) {
    zwfw::v1::ServiceItem* it = snap.add_service_items();
    it->set_code(q->ColumnText(0));
    it->set_name(q->ColumnText(1));
    it->set_department_code(q->ColumnText(2));
    it->set_category(static_cast<zwfw::v1::ItemCategory>(q->ColumnInt(3)));
    it->set_kind(static_cast<zwfw::v1::ItemKind>(q->ColumnInt(4)));
    it->set_promised_days(static_cast<int32_t>(q->ColumnInt(5)));
  }
  if (!row.ok()) return row.status();
  return out;
}

}  // namespace zwfw::intake
