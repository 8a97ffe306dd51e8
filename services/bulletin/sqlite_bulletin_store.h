// The store in SQLite (one file, WAL, synchronous=FULL): one connection
// behind a mutex, so every method is one transaction that sees the last
// one's writes. Thread-safe.
#ifndef ZWFW_SERVICES_BULLETIN_SQLITE_BULLETIN_STORE_H_
#define ZWFW_SERVICES_BULLETIN_SQLITE_BULLETIN_STORE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/bulletin/bulletin_store.h"
#include "services/bulletin/publication_rules.h"
#include "services/common/sqlite.h"

namespace zwfw::bulletin {

class SqliteBulletinStore final : public BulletinStore {
 public:
  // Opens (creating and migrating when needed) the database at `path`.
  static absl::StatusOr<std::unique_ptr<SqliteBulletinStore>> Open(
      const std::string& path);

  absl::StatusOr<zwfw::v1::Draft> GetDraft(const std::string& period) override;
  absl::StatusOr<zwfw::v1::Draft> UpdateDraft(zwfw::v1::Draft draft,
                                              bool start_new_version) override;
  absl::StatusOr<zwfw::v1::PublishedVersion> Publish(
      zwfw::v1::PublishedVersion version,
      const std::map<int, zwfw::v1::RenderResponse>& renders) override;
  absl::StatusOr<zwfw::v1::RenderResponse> GetPublished(
      const std::string& period, int64_t version,
      zwfw::v1::BulletinFormat format) override;
  absl::StatusOr<std::vector<zwfw::v1::PublishedVersion>> ListPublished(
      const std::string& period) override;
  absl::StatusOr<zwfw::v1::BulletinTemplate> SetTemplate(
      zwfw::v1::BulletinTemplate t) override;
  absl::StatusOr<zwfw::v1::BulletinTemplate> GetTemplate(
      const std::string& name, int64_t version) override;

 private:
  explicit SqliteBulletinStore(std::unique_ptr<Database> db)
      : db_(std::move(db)) {}
  absl::StatusOr<StoredDraft> LoadDraft(const std::string& period)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  const std::unique_ptr<Database> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_SQLITE_BULLETIN_STORE_H_
