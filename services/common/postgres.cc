#include "services/common/postgres.h"

#include <libpq-fe.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>
#include <sys/select.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/data_changes.h"
#include "services/common/log.h"

namespace zwfw {
namespace {

// Marks a status Write may retry: the transaction lost a serialization
// race or a deadlock and nothing of it was kept.
constexpr char kRetryPayload[] = "type.zwfw/postgres-retry";
constexpr int kMaxAttempts = 6;

// Marks a NOTIFY payload as Notify's topic, not a data version (whose
// epoch is hex digits).
constexpr absl::string_view kNoticePrefix = "topic:";
constexpr size_t kMaxSchemaName = 48;
// pg_advisory_lock's key space is shared by everything in the database:
// ours are this constant plus a hash of the schema.
constexpr int64_t kMigrationLockBase = 0x7a776677'00000000;

std::string FirstWords(absl::string_view sql) {
  sql = absl::StripLeadingAsciiWhitespace(sql);
  const size_t end = sql.find_first_of("\n(");
  return std::string(sql.substr(0, std::min<size_t>(end, 48)));
}

// The error of `result` (or of the connection when there is none), by
// SQLSTATE. Only the primary message: a DETAIL line may quote the row's
// values, which may be personal data.
absl::Status ErrorOf(pg_conn* conn, const pg_result* result,
                     absl::string_view described, absl::string_view sql) {
  const char* state =
      result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary =
      result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message(primary != nullptr ? primary : PQerrorMessage(conn));
  absl::StripTrailingAsciiWhitespace(&message);
  const std::string code = state != nullptr ? state : "";
  const std::string text =
      absl::StrCat(described, ": ", FirstWords(sql), ": ", message,
                   code.empty() ? "" : absl::StrCat(" (SQLSTATE ", code, ")"));
  if (code == "40001" || code == "40P01") {
    absl::Status s = absl::AbortedError(text);
    s.SetPayload(kRetryPayload, absl::Cord(code));
    return s;
  }
  if (code == "23505") return absl::AlreadyExistsError(text);
  if (code.empty() || code.rfind("08", 0) == 0 || code.rfind("57P", 0) == 0 ||
      PQstatus(conn) == CONNECTION_BAD) {
    return absl::UnavailableError(text);
  }
  if (code.rfind("53", 0) == 0) return absl::ResourceExhaustedError(text);
  return absl::InternalError(text);
}

bool Retryable(const absl::Status& s) {
  return s.GetPayload(kRetryPayload).has_value();
}

int64_t SchemaHash(absl::string_view schema) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : schema) h = (h ^ c) * 16777619u;
  return kMigrationLockBase + h;
}

absl::StatusOr<std::string> ReadPassword(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--database_password_file: cannot read ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string password = text.str();
  absl::StripTrailingAsciiWhitespace(&password);
  if (password.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--database_password_file: ", path, " is empty"));
  }
  return password;
}

// "user@host:port/dbname" of a URI or conninfo, refusing one that holds a
// password.
absl::StatusOr<std::string> Describe(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "cannot be parsed";
    PQfreemem(error);
    absl::StripTrailingAsciiWhitespace(&message);
    return absl::InvalidArgumentError(absl::StrCat("--database: ", message));
  }
  std::string user, host = "localhost", port = "5432", dbname;
  bool password = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    const absl::string_view key = o->keyword;
    if (key == "password") password = true;
    if (key == "user") user = o->val;
    if (key == "host" || (key == "hostaddr" && host == "localhost")) {
      host = o->val;
    }
    if (key == "port") port = o->val;
    if (key == "dbname") dbname = o->val;
  }
  PQconninfoFree(options);
  for (absl::string_view p : absl::StrSplit(port, ',')) {
    int number = 0;
    if (!absl::SimpleAtoi(p, &number) || number < 1 || number > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("--database: port \"", p, "\" is not a port number"));
    }
  }
  if (password) {
    return absl::InvalidArgumentError(
        "--database: holds a password, which would show in the process "
        "list and the logs; put it in --database_password_file or "
        "PGPASSFILE");
  }
  return absl::StrCat(user.empty() ? "" : absl::StrCat(user, "@"), host, ":",
                      port, "/", dbname.empty() ? user : dbname);
}

}  // namespace

absl::Status CheckSchemaName(absl::string_view schema) {
  bool ok = !schema.empty() && schema.size() <= kMaxSchemaName &&
            absl::ascii_islower(schema[0]);
  for (char c : schema) {
    ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_');
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "schema \"", schema, "\": a lower-case letter, then lower-case ",
      "letters, digits or '_', at most ", kMaxSchemaName));
}

PgParams& PgParams::Text(absl::string_view text) {
  values_.emplace_back(text);
  null_.push_back(false);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Int(int64_t value) { return Text(absl::StrCat(value)); }

PgParams& PgParams::Bytes(absl::string_view bytes) {
  values_.emplace_back(bytes);
  null_.push_back(false);
  formats_.push_back(1);
  return *this;
}

PgParams& PgParams::Null() {
  values_.emplace_back();
  null_.push_back(true);
  formats_.push_back(0);
  return *this;
}

void PgResult::Clear::operator()(pg_result* r) const { PQclear(r); }

int PgResult::rows() const { return PQntuples(result_.get()); }

std::string PgResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     PQgetlength(result_.get(), row, column));
}

int64_t PgResult::Int(int row, int column) const {
  int64_t v = 0;
  (void)absl::SimpleAtoi(PQgetvalue(result_.get(), row, column), &v);
  return v;
}

std::string PgResult::Bytes(int row, int column) const {
  size_t length = 0;
  unsigned char* bytes =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(
                          PQgetvalue(result_.get(), row, column)),
                      &length);
  if (bytes == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return out;
}

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

absl::Status PgConnection::Reset() {
  PQreset(conn_);
  if (!Broken()) return absl::OkStatus();
  return ErrorOf(conn_, nullptr, described_, "connect");
}

absl::StatusOr<PgResult> PgConnection::Exec(absl::string_view sql,
                                            const PgParams& params) {
  const int n = static_cast<int>(params.values_.size());
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  for (int i = 0; i < n; ++i) {
    values[i] = params.null_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  const std::string statement(sql);
  // Without parameters, several statements may go at once (migrations).
  PgResult result(n == 0 ? PQexec(conn_, statement.c_str())
                         : PQexecParams(conn_, statement.c_str(), n, nullptr,
                                        values.data(), lengths.data(),
                                        params.formats_.data(),
                                        /*resultFormat=*/0));
  const ExecStatusType status = result.result_ == nullptr
                                    ? PGRES_FATAL_ERROR
                                    : PQresultStatus(result.result_.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return ErrorOf(conn_, result.result_.get(), described_, sql);
  }
  return result;
}

absl::Status PgConnection::Run(absl::string_view sql, const PgParams& params) {
  absl::StatusOr<PgResult> r = Exec(sql, params);
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::Status PgConnection::CopyIn(absl::string_view copy,
                                  absl::string_view data) {
  absl::Status s;
  {
    PgResult start(PQexec(conn_, std::string(copy).c_str()));
    if (start.result_ == nullptr ||
        PQresultStatus(start.result_.get()) != PGRES_COPY_IN) {
      return ErrorOf(conn_, start.result_.get(), described_, copy);
    }
  }
  // In pieces: libpq queues what it is given whole.
  constexpr size_t kPiece = 1 << 20;
  for (size_t at = 0; at < data.size(); at += kPiece) {
    const absl::string_view piece = data.substr(at, kPiece);
    if (PQputCopyData(conn_, piece.data(), static_cast<int>(piece.size())) !=
        1) {
      s = ErrorOf(conn_, nullptr, described_, copy);
      break;
    }
  }
  if (PQputCopyEnd(conn_, s.ok() ? nullptr : "abandoned") != 1 && s.ok()) {
    s = ErrorOf(conn_, nullptr, described_, copy);
  }
  // The COPY's own result, then the end of results.
  while (pg_result* r = PQgetResult(conn_)) {
    PgResult result(r);
    if (s.ok() && PQresultStatus(r) != PGRES_COMMAND_OK) {
      s = ErrorOf(conn_, r, described_, copy);
    }
  }
  return s;
}

void PgCopyRow(const std::vector<std::optional<std::string>>& fields,
               std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back('\t');
    if (!fields[i]) {
      out->append("\\N");
      continue;
    }
    for (char c : *fields[i]) {
      switch (c) {
        case '\\':
          out->append("\\\\");
          break;
        case '\t':
          out->append("\\t");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        default:
          out->push_back(c);
      }
    }
  }
  out->push_back('\n');
}

std::string PgCopyBytes(absl::string_view bytes) {
  // bytea's hex form; PgCopyRow escapes its backslash.
  return absl::StrCat("\\x", absl::BytesToHexString(bytes));
}

std::string PgArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::string PgArray(const std::vector<int64_t>& items) {
  return absl::StrCat("{", absl::StrJoin(items, ","), "}");
}

PgDatabase::PgDatabase(PgOptions options, std::string described)
    : options_(std::move(options)),
      changes_(options_.changes != nullptr ? options_.changes
                                           : &DataChanges::Process()),
      schema_(options_.schema),
      described_(std::move(described)),
      channel_(absl::StrCat("zwfw_changes_", options_.schema)) {
  if (options_.metrics != nullptr) {
    retry_family_ = &prometheus::BuildCounter()
                         .Name("zwfw_database_retries_total")
                         .Help(
                             "Transactions run again after a "
                             "serialization failure or deadlock")
                         .Register(*options_.metrics);
  }
}

PgDatabase::~PgDatabase() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (listener_.joinable()) listener_.join();
}

absl::StatusOr<std::unique_ptr<PgDatabase>> PgDatabase::Open(
    const PgOptions& options, const std::vector<std::string>& migrations) {
  absl::Status s = CheckSchemaName(options.schema);
  if (!s.ok()) return s;
  if (options.connections < 1 || options.connections > 256) {
    return absl::InvalidArgumentError(
        "--database_connections: must be 1 to 256");
  }
  absl::StatusOr<std::string> described = Describe(options.url);
  if (!described.ok()) return described.status();
  auto db = std::unique_ptr<PgDatabase>(new PgDatabase(
      options, absl::StrCat(*described, ", schema ", options.schema)));
  s = db->Migrate(migrations);
  if (!s.ok()) return s;
  return db;
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgDatabase::Connect() const {
  // Read at every new connection, not once: a rotated password is taken
  // up without a restart (connections are made rarely: the pool keeps
  // them).
  std::string password;
  if (!options_.password_file.empty()) {
    absl::StatusOr<std::string> read = ReadPassword(options_.password_file);
    if (!read.ok()) return read.status();
    password = *std::move(read);
  }
  // The search path is the service's schema alone; set at connection, so
  // it holds for every statement, including the first.
  const std::string search_path =
      absl::StrCat("-c search_path=", schema_,
                   " -c client_encoding=UTF8 -c client_min_messages=warning");
  std::vector<const char*> keys = {"dbname", "options", "application_name"};
  std::vector<const char*> values = {options_.url.c_str(), search_path.c_str(),
                                     "zwfw"};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  pg_conn* conn =
      PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) {
    return absl::ResourceExhaustedError("out of memory for a connection");
  }
  auto connection =
      std::unique_ptr<PgConnection>(new PgConnection(conn, described_));
  if (connection->Broken()) {
    return ErrorOf(conn, nullptr, described_, "connect");
  }
  return connection;
}

absl::Status PgDatabase::Migrate(const std::vector<std::string>& migrations) {
  absl::StatusOr<std::unique_ptr<PgConnection>> conn = Connect();
  if (!conn.ok()) return conn.status();
  PgConnection& c = **conn;
  const PgParams key = PgParams().Int(SchemaHash(schema_));
  // Replicas starting at once wait here for each other; the lock goes
  // with the connection if this process dies.
  absl::Status s = c.Run("SELECT pg_advisory_lock($1)", key);
  if (!s.ok()) return s;
  s = c.Run(absl::StrCat(
      "CREATE SCHEMA IF NOT EXISTS ", schema_, ";\n",
      "CREATE TABLE IF NOT EXISTS zwfw_migrations (version integer PRIMARY "
      "KEY, applied_at timestamptz NOT NULL DEFAULT now());\n"
      "CREATE TABLE IF NOT EXISTS zwfw_data_version (id integer PRIMARY KEY "
      "CHECK (id = 1), epoch text NOT NULL, counter bigint NOT NULL);\n"
      "INSERT INTO zwfw_data_version VALUES (1, substr(md5(random()::text || "
      "clock_timestamp()::text), 1, 16), 0) ON CONFLICT (id) DO NOTHING"));
  absl::StatusOr<PgResult> at =
      s.ok() ? c.Exec("SELECT coalesce(max(version), 0) FROM zwfw_migrations")
             : absl::StatusOr<PgResult>(s);
  if (at.ok()) {
    const int64_t version = at->Int(0, 0);
    if (version > static_cast<int64_t>(migrations.size())) {
      s = absl::FailedPreconditionError(absl::StrCat(
          described_, " is at schema version ", version, "; this build knows ",
          migrations.size(), ": upgrade the server"));
    }
    for (size_t v = version; s.ok() && v < migrations.size(); ++v) {
      s = c.Run("BEGIN");
      if (s.ok()) s = c.Run(migrations[v]);
      if (s.ok()) {
        s = c.Run("INSERT INTO zwfw_migrations (version) VALUES ($1)",
                  PgParams().Int(v + 1));
      }
      if (s.ok()) s = c.Run("COMMIT");
      if (!s.ok()) {
        (void)c.Run("ROLLBACK");
        s = absl::Status(s.code(), absl::StrCat("migration ", v + 1, " of ",
                                                schema_, ": ", s.message()));
      }
    }
  } else {
    s = at.status();
  }
  (void)c.Run("SELECT pg_advisory_unlock($1)", key);
  if (!s.ok()) return s;
  s = ReadVersion(c);
  if (!s.ok()) return s;
  absl::MutexLock lock(&mu_);
  idle_.push_back(*std::move(conn));
  ++open_;
  return absl::OkStatus();
}

absl::Status PgDatabase::ReadVersion(PgConnection& conn) {
  absl::StatusOr<PgResult> v =
      conn.Exec("SELECT epoch, counter FROM zwfw_data_version WHERE id = 1");
  if (!v.ok()) return v.status();
  if (v->rows() != 1) {
    return absl::DataLossError(
        absl::StrCat(described_, ": zwfw_data_version has no row"));
  }
  changes_->Observe(v->Text(0, 0), v->Int(0, 1));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<PgConnection>> PgDatabase::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.connections;
    };
    mu_.Await(absl::Condition(&available));
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (!conn->Broken()) return conn;
      // Lost since its last use (a restart of the server): once more.
      absl::Status s = conn->Reset();
      if (s.ok()) return conn;
      --open_;
      return s;
    }
    ++open_;
  }
  absl::StatusOr<std::unique_ptr<PgConnection>> conn = Connect();
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
  }
  return conn;
}

void PgDatabase::Release(std::unique_ptr<PgConnection> conn) {
  absl::MutexLock lock(&mu_);
  if (conn->Broken()) {
    --open_;  // a new one is made when needed
    return;
  }
  idle_.push_back(std::move(conn));
}

absl::Status PgDatabase::Read(const Work& work) {
  return Transaction(work, /*write=*/false);
}

absl::Status PgDatabase::Write(const Work& work) {
  return Transaction(work, /*write=*/true);
}

absl::Status PgDatabase::Transaction(const Work& work, bool write) {
  absl::Status s;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    absl::StatusOr<std::unique_ptr<PgConnection>> acquired = Acquire();
    if (!acquired.ok()) return acquired.status();
    PgConnection& c = **acquired;
    const char* begin =
        write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    s = c.Run(begin);
    if (!s.ok() && c.Broken() && c.Reset().ok()) {
      // The server went away between uses: nothing was sent yet.
      s = c.Run(begin);
    }
    std::string epoch;
    int64_t counter = 0;
    if (s.ok() && write) {
      // The version row first: one lock order for every write.
      absl::StatusOr<PgResult> v = c.Exec(
          "UPDATE zwfw_data_version SET counter = counter + 1 WHERE id = 1 "
          "RETURNING epoch, counter");
      if (v.ok() && v->rows() == 1) {
        epoch = v->Text(0, 0);
        counter = v->Int(0, 1);
      } else {
        s = v.ok() ? absl::DataLossError(absl::StrCat(
                         described_, ": zwfw_data_version has no row"))
                   : v.status();
      }
    }
    if (s.ok()) s = work(c);
    if (s.ok() && write) {
      s = c.Run(
          "SELECT pg_notify($1, $2)",
          PgParams().Text(channel_).Text(absl::StrCat(epoch, ".", counter)));
    }
    if (s.ok()) {
      s = c.Run("COMMIT");
    } else if (!c.Broken()) {
      (void)c.Run("ROLLBACK");
    }
    Release(*std::move(acquired));
    if (s.ok()) {
      if (write) changes_->Observe(epoch, counter);
      return s;
    }
    if (!Retryable(s) || attempt == kMaxAttempts) break;
    retries_.fetch_add(1);
    if (retry_family_ != nullptr) {
      retry_family_->Add({{"schema", schema_}}).Increment();
    }
  }
  return s;
}

absl::Status PgDatabase::Notify(PgConnection& c,
                                absl::string_view topic) const {
  return c.Run(
      "SELECT pg_notify($1, $2)",
      PgParams().Text(channel_).Text(absl::StrCat(kNoticePrefix, topic)));
}

void PgDatabase::OnNotice(absl::string_view topic,
                          std::function<void()> callback) {
  absl::MutexLock lock(&notice_mu_);
  notices_.emplace_back(std::string(topic), std::move(callback));
}

void PgDatabase::Notice(absl::string_view topic) {
  absl::MutexLock lock(&notice_mu_);
  for (const auto& [name, callback] : notices_) {
    if (topic.empty() || name == topic) callback();
  }
}

absl::Status PgDatabase::FollowVersion() {
  absl::MutexLock lock(&mu_);
  if (listener_.joinable()) return absl::OkStatus();
  listener_ = std::thread([this] { Listen(); });
  return absl::OkStatus();
}

void PgDatabase::Listen() {
  auto stopping = [this] {
    absl::MutexLock lock(&mu_);
    return stopping_;
  };
  bool lost_logged = false;
  while (!stopping()) {
    absl::StatusOr<std::unique_ptr<PgConnection>> conn = Connect();
    absl::Status s = conn.ok() ? (*conn)->Run(absl::StrCat("LISTEN ", channel_))
                               : conn.status();
    // Read after LISTEN: a write committed in between is in one or the
    // other.
    if (s.ok()) s = ReadVersion(**conn);
    if (!s.ok()) {
      if (!std::exchange(lost_logged, true)) {
        LogWarning(absl::StrCat("not following ", described_,
                                "'s data version (", s.message(),
                                "): retrying every second"));
      }
      for (int i = 0; i < 4 && !stopping(); ++i) {
        absl::SleepFor(absl::Milliseconds(250));
      }
      continue;
    }
    if (std::exchange(lost_logged, false)) {
      LogInfo(absl::StrCat("following ", described_, "'s data version again"));
    }
    Notice("");  // whatever was sent before LISTEN is unknown
    pg_conn* c = (*conn)->conn_;
    while (!stopping()) {
      const int fd = PQsocket(c);
      if (fd < 0) break;
      fd_set read;
      FD_ZERO(&read);
      FD_SET(fd, &read);
      timeval wait{0, 250 * 1000};  // notices stopping_ four times a second
      if (select(fd + 1, &read, nullptr, nullptr, &wait) < 0) break;
      if (PQconsumeInput(c) == 0) break;
      while (PGnotify* n = PQnotifies(c)) {
        // "topic:NAME" from Notify, or "EPOCH.COUNTER" from a write.
        absl::string_view payload(n->extra);
        if (absl::ConsumePrefix(&payload, kNoticePrefix)) {
          if (!payload.empty()) Notice(payload);
        } else {
          const size_t dot = payload.rfind('.');
          int64_t counter = 0;
          if (dot != absl::string_view::npos &&
              absl::SimpleAtoi(payload.substr(dot + 1), &counter)) {
            changes_->Observe(std::string(payload.substr(0, dot)), counter);
          }
        }
        PQfreemem(n);
      }
    }
  }
}

}  // namespace zwfw
