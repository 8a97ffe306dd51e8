// The store in a shared PostgreSQL database (postgres.h): the schema
// "bulletin", the same tables as in SQLite. Every write runs under the
// schema's version row, so two replicas publishing one period at once
// publish once: the second finds the draft locked (FAILED_PRECONDITION).
// Thread-safe.
#ifndef ZWFW_SERVICES_BULLETIN_PG_BULLETIN_STORE_H_
#define ZWFW_SERVICES_BULLETIN_PG_BULLETIN_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/bulletin/bulletin_store.h"
#include "services/bulletin/publication_rules.h"
#include "services/common/postgres.h"

namespace zwfw::bulletin {

class PgBulletinStore final : public BulletinStore {
 public:
  // Connects and migrates (postgres.h, PgDatabase::Open).
  static absl::StatusOr<std::unique_ptr<PgBulletinStore>> Open(
      const PgOptions& options);

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

  PgDatabase& database() { return *db_; }

 private:
  explicit PgBulletinStore(std::unique_ptr<PgDatabase> db)
      : db_(std::move(db)) {}

  const std::unique_ptr<PgDatabase> db_;
};

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_PG_BULLETIN_STORE_H_
