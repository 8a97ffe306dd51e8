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
constexpr size_t kMaxTokenBytes = 256;

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
  return contents.str();
}

bool SameTime(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

}  // namespace

std::string Principal::RoleName() const {
  switch (role) {
    case Role::kDepartment:
      return absl::StrCat(kDepartmentPrefix, department_code);
    case Role::kEvaluator:
      return "evaluator";
    case Role::kViewer:
      return "viewer";
    case Role::kAdmin:
      return "admin";
    case Role::kService:
      return "service";
  }
  return "unknown";
}

bool Principal::MayActFor(absl::string_view code) const {
  if (role == Role::kAdmin || role == Role::kService) return true;
  return role == Role::kDepartment && department_code == code;
}

absl::StatusOr<Principal> ParseRole(absl::string_view text) {
  Principal p;
  if (text == "admin") {
    p.role = Role::kAdmin;
  } else if (text == "service") {
    p.role = Role::kService;
  } else if (text == "viewer") {
    p.role = Role::kViewer;
  } else if (text == "evaluator") {
    p.role = Role::kEvaluator;
  } else if (absl::StartsWith(text, kDepartmentPrefix) &&
             text.size() > kDepartmentPrefix.size() && text.size() <= 64) {
    p.role = Role::kDepartment;
    p.department_code = std::string(text.substr(kDepartmentPrefix.size()));
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("role \"", text,
                     "\" is not one of admin, service, viewer, evaluator, "
                     "department:<code>"));
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
    const std::string& path, std::function<absl::Time()> now) {
  auto store =
      std::unique_ptr<TokenStore>(new TokenStore(path, std::move(now)));
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
  store->mtime_ = st.st_mtim;
  store->next_check_ = store->now_() + absl::Seconds(1);
  return store;
}

absl::StatusOr<std::unique_ptr<TokenStore>> TokenStore::FromContents(
    absl::string_view contents) {
  absl::StatusOr<Table> table = Parse(contents);
  if (!table.ok()) return table.status();
  auto store = std::unique_ptr<TokenStore>(new TokenStore("", nullptr));
  absl::MutexLock lock(&store->mu_);
  store->table_ = *std::move(table);
  store->next_check_ = absl::InfiniteFuture();
  return store;
}

void TokenStore::MaybeReload() {
  if (path_.empty()) return;
  absl::Time now = now_();
  if (now < next_check_) return;
  next_check_ = now + absl::Seconds(1);
  struct stat st;
  if (stat(path_.c_str(), &st) != 0 || SameTime(st.st_mtim, mtime_)) return;
  mtime_ = st.st_mtim;
  absl::StatusOr<std::string> contents = ReadFile(path_);
  absl::StatusOr<Table> table =
      contents.ok() ? Parse(*contents) : contents.status();
  if (!table.ok()) {
    LogError(absl::StrCat("token file ", path_, " not reloaded: ",
                          table.status().message(), "; keeping the last one"));
    return;
  }
  table_ = *std::move(table);
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
  return it->second;
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
