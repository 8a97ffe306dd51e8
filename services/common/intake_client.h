// What other services read from intake, behind small interfaces so tests
// can substitute fixed answers: the directory (to validate departments,
// windows and staff) and the month's case figures. IntakeClient reads them
// over gRPC with a service token, a deadline on every call, and an
// UNAVAILABLE naming intake when it cannot.
//
// Thread-safe: implementations of DirectorySource and CaseCountSource may
// be called from any thread (the services' handlers do). IntakeClient
// keeps its directory copy under a mutex; a reader holds the index it was
// given for as long as it likes, while a newer one replaces it.
#ifndef ZWFW_SERVICES_COMMON_INTAKE_CLIENT_H_
#define ZWFW_SERVICES_COMMON_INTAKE_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/change_follower.h"
#include "services/common/directory_index.h"
#include "services/common/period.h"
#include "services/common/server.h"
#include "zwfw/v1/directory.grpc.pb.h"
#include "zwfw/v1/intake.grpc.pb.h"

namespace zwfw {

class DirectorySource {
 public:
  virtual ~DirectorySource() = default;
  // The current directory; UNAVAILABLE when it cannot be had.
  virtual absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Current() = 0;
};

class CaseCountSource {
 public:
  virtual ~CaseCountSource() = default;
  // Cases (both categories) per department code in the period.
  virtual absl::StatusOr<std::map<std::string, int64_t>> CaseTotals(
      const ReportPeriod& period) = 0;
};

// Whether cases exist in intake and when they were accepted.
class CaseFactSource {
 public:
  virtual ~CaseFactSource() = default;
  // One answer per key, in order: the case's accepted_at, or nullopt when
  // intake does not know it. At most 1,000 keys a call. UNAVAILABLE when
  // intake cannot be asked.
  virtual absl::StatusOr<std::vector<std::optional<absl::Time>>> AcceptedAt(
      const std::vector<zwfw::v1::CaseKey>& keys) = 0;
};

class IntakeClient : public DirectorySource,
                     public CaseCountSource,
                     public CaseFactSource {
 public:
  // `token` is a service token. The directory is re-read when older than
  // `refresh`; while intake is unreachable the last one read is used.
  IntakeClient(std::shared_ptr<grpc::Channel> channel, std::string address,
               std::string token, absl::Duration refresh = absl::Seconds(30),
               absl::Duration deadline = absl::Seconds(5));

  // The intake client of a zwfw server: a channel to --intake (over TLS
  // when configured) presenting `service_token`, with the directory
  // followed (FollowDirectory) so that this process's data version
  // (DataChanges::Process()) moves when intake's directory changes — its
  // answers built from the directory change with it.
  static absl::StatusOr<std::unique_ptr<IntakeClient>> ForServer(
      const ServerConfig& config, const std::string& service_token);

  // Stops following intake (FollowDirectory).
  ~IntakeClient() override;

  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Current() override;
  absl::StatusOr<std::map<std::string, int64_t>> CaseTotals(
      const ReportPeriod& period) override;
  // Closes the month in intake (Publish).
  absl::Status ClosePeriod(const Period& period);
  // One LookupCases call.
  absl::StatusOr<std::vector<std::optional<absl::Time>>> AcceptedAt(
      const std::vector<zwfw::v1::CaseKey>& keys) override;

  // Follows intake's data version (zwfw.v1.Changes) and, when it moves,
  // checks the directory's version — at most once per `min_interval` — and
  // re-reads the directory when it changed, so a changed directory is used
  // within about `min_interval` instead of after `refresh`.
  // `on_change` runs whenever the directory read replaces one of another
  // version (here or in Current): the owner's answers have changed, e.g.
  // DataChanges::Process().Bump() so caches in front stop serving them.
  void FollowDirectory(std::function<void()> on_change,
                       absl::Duration min_interval = absl::Milliseconds(200));

  // The period's GetCaseSums of `measures`.
  absl::StatusOr<zwfw::v1::GetCaseSumsResponse> CaseSums(
      const ReportPeriod& period,
      const std::vector<zwfw::v1::CaseMeasure>& measures);
  // The period's GetCaseStats.
  absl::StatusOr<zwfw::v1::GetCaseStatsResponse> CaseStats(
      const ReportPeriod& period);
  // The period's cases (due in it) whose due time an approved extension
  // moved, up to `limit`, every department's.
  absl::StatusOr<std::vector<zwfw::v1::Case>> ExtendedCases(
      const ReportPeriod& period, int limit);
  // Up to `limit` case numbers of a department's overtime cases due in the
  // period.
  absl::StatusOr<std::vector<std::string>> OvertimeCases(
      const ReportPeriod& period, const std::string& department_code,
      int limit);

 private:
  std::unique_ptr<grpc::ClientContext> Context() const;
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Fetch();
  // UNAVAILABLE naming intake when unreachable, its refusal otherwise.
  absl::Status Failed(const grpc::Status& s) const;
  // Keeps `fresh` (read from intake) unless it is older than what is
  // cached; runs on_change_ when its version differs.
  void Keep(std::shared_ptr<const DirectoryIndex> fresh)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Intake changed: re-reads the directory if its version moved.
  void Recheck(absl::Duration min_interval);

  const std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<zwfw::v1::Directory::Stub> directory_;
  std::unique_ptr<zwfw::v1::CaseIntake::Stub> intake_;
  const std::string address_;
  const std::string token_;
  const absl::Duration refresh_;
  const absl::Duration deadline_;

  absl::Mutex mu_;
  std::shared_ptr<const DirectoryIndex> cached_ ABSL_GUARDED_BY(mu_);
  absl::Time fetched_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::function<void()> on_change_ ABSL_GUARDED_BY(mu_);
  absl::Time checked_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool following_ = false;  // used by the follower's thread only
  // Last: stopped first on destruction.
  std::unique_ptr<ChangeFollower> follower_;
};

}  // namespace zwfw

#endif  // ZWFW_SERVICES_COMMON_INTAKE_CLIENT_H_
