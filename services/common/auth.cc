#include "services/common/auth.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/common/bearer.h"
#include "services/common/log.h"

namespace zwfw {
namespace {

constexpr absl::string_view kDepartmentPrefix = "department:";
constexpr absl::string_view kEvaluatorPrefix = "evaluator:";
constexpr absl::string_view kChannelPrefix = "channel:";
constexpr size_t kMaxTokenBytes = 256;
constexpr size_t kMaxRoleBytes = 64;
// How often the token file is read again: a revoked token, and the streams
// it holds (re-checked at least as often), stop within a second.
constexpr absl::Duration kRereadInterval = absl::Milliseconds(500);

bool IsHexSha256(absl::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("token file ", path, " cannot be read"));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::UnavailableError(
        absl::StrCat("token file ", path, " cannot be read"));
  }
  return contents.str();
}

// The part of `text` after `prefix`, when `text` starts with it and the
// rest is not empty.
std::optional<std::string> Scoped(absl::string_view text,
                                  absl::string_view prefix) {
  if (!absl::StartsWith(text, prefix) || text.size() == prefix.size()) {
    return std::nullopt;
  }
  return std::string(text.substr(prefix.size()));
}

}  // namespace

std::string Principal::RoleName() const {
  switch (role) {
    case Role::kDepartment:
      return absl::StrCat(kDepartmentPrefix, department_code);
    case Role::kEvaluator:
      return window_code.empty() ? "evaluator"
                                 : absl::StrCat(kEvaluatorPrefix, window_code);
    case Role::kChannel:
      return absl::StrCat(kChannelPrefix, channel);
    case Role::kViewer:
      return "viewer";
    case Role::kAdmin:
      return "admin";
    case Role::kService:
      return "service";
    case Role::kOffice:
      return "office";
  }
  return "unknown";
}

std::string Principal::Who() const {
  return absl::StrCat(RoleName(), " ", token_id);
}

bool Principal::MayActFor(absl::string_view code) const {
  if (role == Role::kAdmin || role == Role::kService) return true;
  return role == Role::kDepartment && department_code == code;
}

bool Principal::MayRead(absl::string_view code) const {
  return role == Role::kOffice || MayActFor(code);
}

absl::StatusOr<Principal> ParseRole(absl::string_view text) {
  Principal p;
  std::optional<std::string> scope;
  if (text == "admin") {
    p.role = Role::kAdmin;
  } else if (text == "service") {
    p.role = Role::kService;
  } else if (text == "viewer") {
    p.role = Role::kViewer;
  } else if (text == "office") {
    p.role = Role::kOffice;
  } else if (text == "evaluator") {
    p.role = Role::kEvaluator;
  } else if (text.size() <= kMaxRoleBytes &&
             (scope = Scoped(text, kDepartmentPrefix))) {
    p.role = Role::kDepartment;
    p.department_code = *std::move(scope);
  } else if (text.size() <= kMaxRoleBytes &&
             (scope = Scoped(text, kEvaluatorPrefix))) {
    p.role = Role::kEvaluator;
    p.window_code = *std::move(scope);
  } else if (text.size() <= kMaxRoleBytes &&
             (scope = Scoped(text, kChannelPrefix))) {
    p.role = Role::kChannel;
    p.channel = *std::move(scope);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "role \"", text.substr(0, kMaxRoleBytes),
        "\" is not one of admin, service, viewer, office, department:<code>, "
        "evaluator:<window_code>, channel:<name>"));
  }
  return p;
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string NewToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // OpenSSL's generator does not fail once seeded; if it ever does, a
    // predictable token is worse than stopping.
    LogError("RAND_bytes failed: cannot create a token");
    std::abort();
  }
  std::string encoded;
  absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes),
      &encoded);
  return absl::StrCat("zwfw_", encoded);
}

absl::Status AddTokenToFile(const std::string& path, absl::string_view token,
                            absl::string_view role) {
  absl::StatusOr<Principal> principal = ParseRole(role);
  if (!principal.ok()) return principal.status();
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat(
        "token file ", path, " cannot be opened: ", std::strerror(errno)));
  }
  std::string line = absl::StrCat(Sha256Hex(token), " ", role, "\n");
  ssize_t written = write(fd, line.data(), line.size());
  int fsync_result = fsync(fd);
  close(fd);
  if (written != static_cast<ssize_t>(line.size()) || fsync_result != 0) {
    return absl::DataLossError(
        absl::StrCat("token file ", path, " could not be written"));
  }
  return absl::OkStatus();
}

absl::StatusOr<TokenStore::Table> TokenStore::Parse(
    absl::string_view contents) {
  Table table;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.size() < 2 || !IsHexSha256(words[0])) {
      return absl::InvalidArgumentError(
          absl::StrCat("token file line ", line_no,
                       ": expected a lower-case hex SHA-256 and a role"));
    }
    absl::StatusOr<Principal> principal = ParseRole(words[1]);
    if (!principal.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "token file line ", line_no, ": ", principal.status().message()));
    }
    principal->token_id = std::string(words[0].substr(0, 8));
    table[words[0]] = *std::move(principal);
  }
  return table;
}

absl::StatusOr<std::unique_ptr<TokenStore>> TokenStore::Open(
    const std::string& path, TokenStoreOptions options) {
  auto store =
      std::unique_ptr<TokenStore>(new TokenStore(path, std::move(options)));
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(
        absl::StrCat("token file ", path, " does not exist"));
  }
  absl::StatusOr<std::string> contents = ReadFile(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<Table> table = Parse(*contents);
  if (!table.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", table.status().message()));
  }
  absl::MutexLock lock(&store->mu_);
  store->table_ = *std::move(table);
  store->contents_hash_ = Sha256Hex(*contents);
  store->next_check_ = store->options_.now() + kRereadInterval;
  return store;
}

absl::StatusOr<std::unique_ptr<TokenStore>> TokenStore::FromContents(
    absl::string_view contents, TokenStoreOptions options) {
  absl::StatusOr<Table> table = Parse(contents);
  if (!table.ok()) return table.status();
  auto store =
      std::unique_ptr<TokenStore>(new TokenStore("", std::move(options)));
  absl::MutexLock lock(&store->mu_);
  store->table_ = *std::move(table);
  store->next_check_ = absl::InfiniteFuture();
  return store;
}

void TokenStore::MaybeReload() {
  if (path_.empty()) return;
  absl::Time now = options_.now();
  if (now < next_check_) return;
  next_check_ = now + kRereadInterval;
  // The contents, not the modification time: a change within the clock's
  // resolution, or one made between a stat and a read, is still seen.
  absl::StatusOr<std::string> contents = ReadFile(path_);
  if (contents.ok() && Sha256Hex(*contents) == contents_hash_ &&
      !failed_closed_) {
    return;
  }
  absl::StatusOr<Table> table =
      contents.ok() ? Parse(*contents) : contents.status();
  if (!table.ok()) {
    // Fail closed: a token revoked by an edit that broke the file must not
    // stay valid because the old contents were kept.
    if (!failed_closed_ || !table_.empty()) {
      LogError(absl::StrCat("token file ", path_, " is unusable (",
                            table.status().message(),
                            "): every token is refused until it is mended"));
    }
    table_.clear();
    contents_hash_.clear();
    failed_closed_ = true;
    return;
  }
  table_ = *std::move(table);
  contents_hash_ = Sha256Hex(*contents);
  failed_closed_ = false;
  LogInfo(absl::StrCat("token file ", path_, " reloaded: ", table_.size(),
                       " tokens"));
}

absl::StatusOr<Principal> TokenStore::Authenticate(absl::string_view token) {
  if (token.empty() || token.size() > kMaxTokenBytes) {
    return absl::UnauthenticatedError("invalid bearer token");
  }
  std::string hash = Sha256Hex(token);
  absl::MutexLock lock(&mu_);
  MaybeReload();
  auto it = table_.find(hash);
  if (it == table_.end()) {
    return absl::UnauthenticatedError("unknown bearer token");
  }
  const Principal& who = it->second;
  if (who.role == Role::kEvaluator && who.window_code.empty() &&
      !options_.allow_unbound_evaluators) {
    return absl::UnauthenticatedError(absl::StrCat(
        "evaluator token ", who.token_id,
        " is bound to no window: issue evaluator:<window_code> tokens "
        "(or start the server with --allow_unbound_evaluators)"));
  }
  return who;
}

std::vector<std::string> TokenStore::UnboundEvaluators() {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> ids;
  for (const auto& [hash, who] : table_) {
    if (who.role == Role::kEvaluator && who.window_code.empty()) {
      ids.push_back(who.token_id);
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<std::string> BearerToken(
    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kAuthorizationKey);
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "missing \"authorization: Bearer <token>\" metadata");
  }
  std::optional<std::string> token =
      ParseBearer(absl::string_view(it->second.data(), it->second.size()));
  if (!token.has_value()) {
    return absl::UnauthenticatedError(
        "authorization metadata is not \"Bearer <token>\"");
  }
  return *std::move(token);
}

absl::StatusOr<Principal> Authorize(TokenStore& tokens,
                                    const grpc::ServerContextBase& context,
                                    absl::string_view rpc,
                                    std::initializer_list<Role> allowed) {
  absl::StatusOr<std::string> token = BearerToken(context);
  if (!token.ok()) return token.status();
  absl::StatusOr<Principal> principal = tokens.Authenticate(*token);
  if (!principal.ok()) return principal.status();
  if (std::find(allowed.begin(), allowed.end(), principal->role) ==
      allowed.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat("role ", principal->RoleName(), " may not call ", rpc));
  }
  return principal;
}

}  // namespace zwfw
