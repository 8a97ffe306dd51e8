// Bearer-token authentication and role-based authorisation.
//
// Every RPC carries `authorization: Bearer <token>` metadata. Tokens are
// kept in a token file that stores only their SHA-256 hashes, one per line:
//
//   # sha256-of-token                                            role
//   9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 admin
//   2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
//   department:11500110
//
// Roles: `department:<code>` (its own department's data only), `evaluator`
// (window devices), `viewer` (read-only dashboards), `admin` (office staff),
// `service` (calls between services).
//
//   absl::StatusOr<Principal> who =
//       Authorize(*tokens, context, "SetRules", {Role::kAdmin});
//   if (!who.ok()) return ToGrpcStatus(who.status());
#ifndef ZWFW_SERVICES_COMMON_AUTH_H_
#define ZWFW_SERVICES_COMMON_AUTH_H_

#include <grpcpp/server_context.h>
#include <sys/types.h>

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace zwfw {

enum class Role { kDepartment, kEvaluator, kViewer, kAdmin, kService };

// Who is calling.
struct Principal {
  Role role = Role::kViewer;
  std::string department_code;  // set for Role::kDepartment only
  // First 8 hex digits of the token's hash: names the token in logs without
  // revealing it.
  std::string token_id;

  // "admin", "department:11500110", ...
  std::string RoleName() const;
  // Whether this principal may act on `department_code`'s data: admin and
  // service may act for any department, a department only for itself.
  bool MayActFor(absl::string_view department_code) const;
};

// Parses "admin", "department:11500110", ...; INVALID_ARGUMENT otherwise.
absl::StatusOr<Principal> ParseRole(absl::string_view text);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

// A new random token: "zwfw_" followed by 43 base64url characters (256 bits).
std::string NewToken();

// Appends the hash of `token` with `role` to the token file, creating it
// with mode 0600 when missing. INVALID_ARGUMENT for a bad role.
absl::Status AddTokenToFile(const std::string& path, absl::string_view token,
                            absl::string_view role);

// The token file, in memory. Thread-safe. Re-reads the file when its
// modification time changes (checked at most once a second), so tokens can
// be added or revoked without a restart; a file that turns bad keeps the
// last good contents and logs why.
class TokenStore {
 public:
  // Reads the file; NOT_FOUND when missing, INVALID_ARGUMENT naming the line
  // when a line is malformed. `now` is the clock the once-a-second check
  // reads (tests pass their own).
  static absl::StatusOr<std::unique_ptr<TokenStore>> Open(
      const std::string& path,
      std::function<absl::Time()> now = [] { return absl::Now(); });
  // From the contents of a token file, never re-read (for tests).
  static absl::StatusOr<std::unique_ptr<TokenStore>> FromContents(
      absl::string_view contents);

  // The principal a bearer token belongs to; UNAUTHENTICATED when unknown.
  absl::StatusOr<Principal> Authenticate(absl::string_view token);

 private:
  using Table = absl::flat_hash_map<std::string, Principal>;  // by hash
  TokenStore(std::string path, std::function<absl::Time()> now)
      : path_(std::move(path)), now_(std::move(now)) {}
  static absl::StatusOr<Table> Parse(absl::string_view contents);
  void MaybeReload() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;  // empty: never reload
  const std::function<absl::Time()> now_;
  absl::Mutex mu_;
  Table table_ ABSL_GUARDED_BY(mu_);
  struct timespec mtime_ ABSL_GUARDED_BY(mu_) = {};
  absl::Time next_check_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// The bearer token of a call's metadata; UNAUTHENTICATED when missing.
absl::StatusOr<std::string> BearerToken(const grpc::ServerContextBase& context);

// Authenticates the call to `rpc` (named in errors) and checks that its
// role is one of `allowed`:
// UNAUTHENTICATED for a missing or unknown token, PERMISSION_DENIED for a
// role not allowed.
absl::StatusOr<Principal> Authorize(TokenStore& tokens,
                                    const grpc::ServerContextBase& context,
                                    absl::string_view rpc,
                                    std::initializer_list<Role> allowed);

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_AUTH_H_
