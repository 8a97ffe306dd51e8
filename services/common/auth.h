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
// Roles (DESIGN.md, "Who may say what"): `department:<code>` (its own
// department's cases; never ratings), `evaluator:<window_code>` (a window
// device: rates for that window only), `channel:<name>` (a rating channel's
// integration: rates cases intake knows), `viewer` (read-only dashboards),
// `admin` (office staff), `service` (calls between services). A bare
// `evaluator` (bound to no window) is refused unless the store is opened
// with `allow_unbound_evaluators`, for a migration period.
//
//   absl::StatusOr<Principal> who =
//       Authorize(*tokens, context, "SetRules", {Role::kAdmin});
//   if (!who.ok()) return ToGrpcStatus(who.status());
#ifndef ZWFW_SERVICES_COMMON_AUTH_H_
#define ZWFW_SERVICES_COMMON_AUTH_H_

#include <grpcpp/server_context.h>

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace zwfw {

enum class Role {
  kDepartment,
  kEvaluator,
  kChannel,
  kViewer,
  kAdmin,
  kService,
  // The office's staff reading: every department's cases, ratings,
  // rectifications and scorecards, as admin reads them; writes nothing
  // (the dashboard's records, without an admin token in a browser).
  kOffice
};

// Who is calling.
struct Principal {
  Role role = Role::kViewer;
  std::string department_code;  // set for Role::kDepartment only
  // Set for Role::kEvaluator bound to a window (`evaluator:<window_code>`);
  // empty for a legacy unbound `evaluator`.
  std::string window_code;
  std::string channel;  // set for Role::kChannel only
  // First 8 hex digits of the token's hash: names the token in logs without
  // revealing it.
  std::string token_id;

  // "admin", "department:11500110", "evaluator:W01", "channel:online", ...
  std::string RoleName() const;
  // "<role> <token id>": who made a change, in records and the audit trail.
  std::string Who() const;
  // Whether this principal may act on `department_code`'s data: admin and
  // service may act for any department, a department only for itself.
  bool MayActFor(absl::string_view department_code) const;
  // Whether it may read `department_code`'s records: those who may act for
  // it, and the office.
  bool MayRead(absl::string_view department_code) const;
};

// Parses "admin", "department:11500110", "evaluator:W01", "channel:sms",
// ...; INVALID_ARGUMENT otherwise.
absl::StatusOr<Principal> ParseRole(absl::string_view text);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

// A new random token: "zwfw_" followed by 43 base64url characters (256 bits).
std::string NewToken();

// Appends the hash of `token` with `role` to the token file, creating it
// with mode 0600 when missing. INVALID_ARGUMENT for a bad role.
absl::Status AddTokenToFile(const std::string& path, absl::string_view token,
                            absl::string_view role);

struct TokenStoreOptions {
  // Accept bare `evaluator` tokens (bound to no window), as before window
  // binding; for a migration period only.
  bool allow_unbound_evaluators = false;
  // The clock of the once-a-second re-read (tests pass their own).
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

// The token file, in memory. Thread-safe. Re-reads the file at most twice
// a second and compares its contents (not its modification time), so a token
// added or revoked takes effect within a second without a restart. A file
// that goes missing, cannot be read or turns malformed fails closed: every
// token is refused, with an error log line, until the file is good again.
class TokenStore {
 public:
  // Reads the file; NOT_FOUND when missing, INVALID_ARGUMENT naming the line
  // when a line is malformed.
  static absl::StatusOr<std::unique_ptr<TokenStore>> Open(
      const std::string& path, TokenStoreOptions options = {});
  // From the contents of a token file, never re-read (for tests).
  static absl::StatusOr<std::unique_ptr<TokenStore>> FromContents(
      absl::string_view contents, TokenStoreOptions options = {});

  // The principal a bearer token belongs to; UNAUTHENTICATED when unknown,
  // revoked, or an unbound evaluator the options do not allow.
  absl::StatusOr<Principal> Authenticate(absl::string_view token);

  // The token ids of bare `evaluator` tokens in the file (for the start-up
  // log: they are refused unless allowed).
  std::vector<std::string> UnboundEvaluators();

 private:
  using Table = absl::flat_hash_map<std::string, Principal>;  // by hash
  TokenStore(std::string path, TokenStoreOptions options)
      : path_(std::move(path)), options_(std::move(options)) {}
  static absl::StatusOr<Table> Parse(absl::string_view contents);
  void MaybeReload() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;  // empty: never reload
  const TokenStoreOptions options_;
  absl::Mutex mu_;
  Table table_ ABSL_GUARDED_BY(mu_);
  std::string contents_hash_ ABSL_GUARDED_BY(mu_);  // of the file last read
  bool failed_closed_ ABSL_GUARDED_BY(mu_) = false;
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
