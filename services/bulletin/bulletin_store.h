// Drafts and published versions of the bulletin, in SQLite. A published
// version is immutable; a published period's draft is locked until a new
// version is started explicitly.
#ifndef ZWFW_SERVICES_BULLETIN_BULLETIN_STORE_H_
#define ZWFW_SERVICES_BULLETIN_BULLETIN_STORE_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/sqlite.h"
#include "zwfw/v1/bulletin.pb.h"

namespace zwfw::bulletin {

class BulletinStore {
 public:
  static absl::StatusOr<std::unique_ptr<BulletinStore>> Open(
      const std::string& path);

  // The period's draft; revision 0 and empty when never written.
  absl::StatusOr<zwfw::v1::Draft> GetDraft(const std::string& period);

  // Stores `draft` as the next revision. ABORTED when draft.revision() is
  // not the stored revision; FAILED_PRECONDITION when the period is
  // published and `start_new_version` is false.
  absl::StatusOr<zwfw::v1::Draft> UpdateDraft(zwfw::v1::Draft draft,
                                              bool start_new_version);

  // Stores a new published version with its renders (format → response),
  // and locks the draft. Assigns version and the SHA-256 map.
  absl::StatusOr<zwfw::v1::PublishedVersion> Publish(
      zwfw::v1::PublishedVersion version,
      const std::map<int, zwfw::v1::RenderResponse>& renders);

  // NOT_FOUND when there is no such version or format.
  absl::StatusOr<zwfw::v1::RenderResponse> GetPublished(
      const std::string& period, int64_t version,
      zwfw::v1::BulletinFormat format);
  absl::StatusOr<std::vector<zwfw::v1::PublishedVersion>> ListPublished(
      const std::string& period);

 private:
  explicit BulletinStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  absl::StatusOr<std::pair<zwfw::v1::Draft, bool>> LoadDraft(
      const std::string& period) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  const std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_BULLETIN_STORE_H_
