// What the survey service needs from intake, behind small interfaces so
// tests can substitute fixed answers: the directory (to validate
// departments, windows and staff) and the month's case counts (for
// 主动评价率). IntakeClient reads both over gRPC with a service token.
#ifndef ZWFW_SERVICES_SURVEY_INTAKE_CLIENT_H_
#define ZWFW_SERVICES_SURVEY_INTAKE_CLIENT_H_

#include <map>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/directory_index.h"
#include "services/common/period.h"
#include "zwfw/v1/directory.grpc.pb.h"
#include "zwfw/v1/intake.grpc.pb.h"

namespace zwfw::survey {

class DirectorySource {
 public:
  virtual ~DirectorySource() = default;
  // The current directory; UNAVAILABLE when it cannot be had.
  virtual absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Current() = 0;
};

class CaseCountSource {
 public:
  virtual ~CaseCountSource() = default;
  // Cases (both categories) per department code in the month.
  virtual absl::StatusOr<std::map<std::string, int64_t>> CaseTotals(
      const Period& period) = 0;
};

// A fixed directory, for tests and tools.
class FixedDirectory : public DirectorySource {
 public:
  explicit FixedDirectory(std::shared_ptr<const DirectoryIndex> index)
      : index_(std::move(index)) {}
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Current() override {
    return index_;
  }

 private:
  std::shared_ptr<const DirectoryIndex> index_;
};

class IntakeClient : public DirectorySource, public CaseCountSource {
 public:
  // `token` is a service token. The directory is re-read when older than
  // `refresh`; while intake is unreachable the last one read is used.
  IntakeClient(std::shared_ptr<grpc::Channel> channel, std::string address,
               std::string token, absl::Duration refresh = absl::Seconds(30),
               absl::Duration deadline = absl::Seconds(5));

  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Current() override;
  absl::StatusOr<std::map<std::string, int64_t>> CaseTotals(
      const Period& period) override;

 private:
  std::unique_ptr<grpc::ClientContext> Context() const;
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Fetch();
  absl::Status Unavailable(const grpc::Status& s) const;

  std::unique_ptr<zwfw::v1::Directory::Stub> directory_;
  std::unique_ptr<zwfw::v1::CaseIntake::Stub> intake_;
  const std::string address_;
  const std::string token_;
  const absl::Duration refresh_;
  const absl::Duration deadline_;

  absl::Mutex mu_;
  std::shared_ptr<const DirectoryIndex> cached_ ABSL_GUARDED_BY(mu_);
  absl::Time fetched_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace zwfw::survey

#endif  // ZWFW_SERVICES_SURVEY_INTAKE_CLIENT_H_
