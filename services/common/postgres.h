// A thin layer over libpq for the stores on a shared PostgreSQL database
// (DESIGN.md, "Scaling out"): a pool of connections, parameterised
// statements, transactions retried on serialization failure and deadlock,
// numbered migrations that several replicas may run at once, and the
// service's data version kept in the database and announced with
// LISTEN/NOTIFY.
//
//   PgOptions options{.url = "postgresql://zwfw@db:5432/zwfw",
//                     .password_file = "/run/secrets/db", .schema =
//                     "bulletin"};
//   absl::StatusOr<std::unique_ptr<PgDatabase>> db =
//       PgDatabase::Open(options, {"CREATE TABLE t (k text PRIMARY KEY)"});
//   absl::Status s = (*db)->Write([&](PgConnection& c) {
//     return c.Run("INSERT INTO t VALUES ($1)", PgParams().Text("x"));
//   });
//
// Each service owns one schema: every connection's search_path is that
// schema alone, so its SQL names its tables unqualified and never reaches
// another service's. Standard SQL only, no extensions.
//
// Every Write takes the schema's version row first (one fixed lock order:
// writes of a service never deadlock on each other), bumps it and sends
// NOTIFY in the same transaction, and reports the committed version to
// DataChanges::Process() before returning. FollowVersion makes every other
// replica's DataChanges follow it too.
//
// PgDatabase is thread-safe; a PgConnection is not (one caller holds it at
// a time, inside Read or Write).
#ifndef ZWFW_SERVICES_COMMON_POSTGRES_H_
#define ZWFW_SERVICES_COMMON_POSTGRES_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

struct pg_conn;
struct pg_result;

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace zwfw {

class DataChanges;

// Parameters $1, $2, ... in order. Text and integers go as text; bytes as
// binary (bytea), unescaped.
class PgParams {
 public:
  PgParams& Text(absl::string_view text);
  PgParams& Int(int64_t value);
  PgParams& Bytes(absl::string_view bytes);
  PgParams& Null();

 private:
  friend class PgConnection;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> formats_;
};

// The rows of one statement, in text form.
class PgResult {
 public:
  int rows() const;
  std::string Text(int row, int column) const;
  int64_t Int(int row, int column) const;
  // A bytea column, unescaped.
  std::string Bytes(int row, int column) const;
  bool IsNull(int row, int column) const;

 private:
  friend class PgConnection;
  struct Clear {
    void operator()(pg_result* r) const;
  };
  explicit PgResult(pg_result* r) : result_(r) {}
  std::unique_ptr<pg_result, Clear> result_;
};

class PgConnection {
 public:
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Errors by SQLSTATE: ALREADY_EXISTS for a unique violation, ABORTED for
  // a serialization failure or deadlock (Write retries those), UNAVAILABLE
  // when the server cannot be reached or is shutting down,
  // RESOURCE_EXHAUSTED when it is out of room, INTERNAL otherwise; the
  // message names the database and the statement's first words.
  absl::StatusOr<PgResult> Exec(absl::string_view sql,
                                const PgParams& params = PgParams());
  // Exec for statements whose rows are not needed.
  absl::Status Run(absl::string_view sql, const PgParams& params = PgParams());
  // `copy` ("COPY t (a, b) FROM STDIN") fed `data`, rows in COPY's text
  // format (PgCopyRow): one round trip for any number of rows.
  absl::Status CopyIn(absl::string_view copy, absl::string_view data);

 private:
  friend class PgDatabase;
  PgConnection(pg_conn* conn, std::string described)
      : conn_(conn), described_(std::move(described)) {}
  bool Broken() const;
  absl::Status Reset();

  pg_conn* conn_;
  const std::string described_;
};

// The first row of `sql`, whose first column is a serialised `Message`
// (bytea), parsed into `out`: false when there is no row, DATA_LOSS naming
// `what` when it does not parse.
template <typename Message>
absl::StatusOr<bool> PgReadRecord(PgConnection& conn, absl::string_view sql,
                                  const PgParams& params, Message* out,
                                  absl::string_view what) {
  absl::StatusOr<PgResult> r = conn.Exec(sql, params);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return false;
  if (!out->ParseFromString(r->Bytes(0, 0))) {
    return absl::DataLossError(absl::StrCat(what, " cannot be parsed"));
  }
  return true;
}

// Appends one row in COPY's text format to `out`: fields tab-separated,
// nullopt as \N, the rest escaped.
void PgCopyRow(const std::vector<std::optional<std::string>>& fields,
               std::string* out);
// COPY text for a bytea value ("\\x" and hex).
std::string PgCopyBytes(absl::string_view bytes);

// An array literal ("{\"a\",\"b\"}") of `items`, for one parameter
// ("= ANY ($1::text[])", "unnest($1::bigint[])").
std::string PgArray(const std::vector<std::string>& items);
std::string PgArray(const std::vector<int64_t>& items);

struct PgOptions {
  // A libpq URI or conninfo (`sslmode` and the other libpq settings
  // honoured). A password in it is refused: it would show in the process
  // list; use password_file or libpq's own PGPASSFILE.
  std::string url;
  std::string password_file;  // empty: none (PGPASSFILE, trust, certs)
  std::string schema;         // the service's own: "intake", "bulletin"
  int connections = 4;        // the pool's size
  // Where the retry counter is registered; nullptr: nowhere.
  prometheus::Registry* metrics = nullptr;
  // Told every committed version; nullptr: DataChanges::Process().
  DataChanges* changes = nullptr;
};

class PgDatabase {
 public:
  // Connects, creates the schema when missing and applies migrations[v..]
  // under an advisory lock (replicas starting at once apply each one
  // once). FAILED_PRECONDITION when the schema is newer than the code;
  // INVALID_ARGUMENT for a bad url or schema name; UNAVAILABLE when the
  // server cannot be reached.
  static absl::StatusOr<std::unique_ptr<PgDatabase>> Open(
      const PgOptions& options, const std::vector<std::string>& migrations);
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  using Work = std::function<absl::Status(PgConnection&)>;
  // `work` in one read-only REPEATABLE READ transaction: its statements
  // see one snapshot.
  absl::Status Read(const Work& work);
  // `work` in one READ COMMITTED transaction that holds the version row
  // from its first statement and bumps it. A non-OK status from `work`
  // rolls back and is returned. Serialization failures and deadlocks are
  // retried (work runs again; counted in
  // zwfw_database_retries_total{schema}) up to five times.
  absl::Status Write(const Work& work);

  // Makes options.changes follow the database's version: now, and on
  // every NOTIFY of any replica's write, from a thread with a connection
  // of its own that reconnects when it is lost.
  absl::Status FollowVersion();

  // Inside a Write's work: once the transaction commits, every replica's
  // OnNotice(topic) callbacks run (before its data version moves). A topic
  // is a short word ("directory").
  absl::Status Notify(PgConnection& c, absl::string_view topic) const;
  // Runs `callback` on the thread FollowVersion starts, after each
  // committed Notify(topic) of any replica (this one included), and each
  // time that thread has (re)connected: notices sent while it was away are
  // lost. It must be quick (set a flag): it holds up the version's
  // following.
  void OnNotice(absl::string_view topic, std::function<void()> callback);

  // "host:port/dbname, schema s": for logs and errors (never a password).
  const std::string& described() const { return described_; }
  const std::string& schema() const { return schema_; }
  int64_t retries() const { return retries_.load(); }

 private:
  PgDatabase(PgOptions options, std::string described);
  absl::StatusOr<std::unique_ptr<PgConnection>> Connect() const;
  absl::Status Migrate(const std::vector<std::string>& migrations);
  absl::StatusOr<std::unique_ptr<PgConnection>> Acquire();
  void Release(std::unique_ptr<PgConnection> conn);
  absl::Status Transaction(const Work& work, bool write);
  absl::Status ReadVersion(PgConnection& conn);
  void Listen();
  void Notice(absl::string_view topic);  // "" : all (after a reconnect)

  const PgOptions options_;
  DataChanges* const changes_;
  const std::string schema_;
  const std::string described_;
  const std::string channel_;  // the NOTIFY channel of the schema
  std::atomic<int64_t> retries_{0};
  prometheus::Family<prometheus::Counter>* retry_family_ = nullptr;

  absl::Mutex mu_;
  std::vector<std::unique_ptr<PgConnection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle and lent out
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread listener_;

  absl::Mutex notice_mu_;
  std::vector<std::pair<std::string, std::function<void()>>> notices_
      ABSL_GUARDED_BY(notice_mu_);
};

// INVALID_ARGUMENT unless `schema` is a plain identifier: a lower-case
// letter, then lower-case letters, digits and '_', 48 at most.
absl::Status CheckSchemaName(absl::string_view schema);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_POSTGRES_H_
