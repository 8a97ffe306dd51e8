// Drafts and published versions of the bulletin, in SQLite. A published
// version is immutable; a published period's draft is locked until a new
// version is started explicitly.
//
// Every method is one transaction, and the rules of publication_rules.h
// are decided inside it. Implementations are thread-safe:
// SqliteBulletinStore (sqlite_bulletin_store.h) and PgBulletinStore
// (pg_bulletin_store.h), which several replicas share.
#ifndef ZWFW_SERVICES_BULLETIN_BULLETIN_STORE_H_
#define ZWFW_SERVICES_BULLETIN_BULLETIN_STORE_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "zwfw/v1/bulletin.pb.h"

namespace zwfw::bulletin {

class BulletinStore {
 public:
  virtual ~BulletinStore() = default;

  // The period's draft; revision 0 and empty when never written.
  virtual absl::StatusOr<zwfw::v1::Draft> GetDraft(
      const std::string& period) = 0;

  // Stores `draft` as the next revision. ABORTED when draft.revision() is
  // not the stored revision; FAILED_PRECONDITION when the period is
  // published and `start_new_version` is false.
  virtual absl::StatusOr<zwfw::v1::Draft> UpdateDraft(
      zwfw::v1::Draft draft, bool start_new_version) = 0;

  // Stores a new published version with its renders (format → response),
  // and locks the draft. Assigns version and the SHA-256 map.
  // FAILED_PRECONDITION when the draft is locked (already published);
  // ABORTED when it is no longer at version.draft_revision().
  virtual absl::StatusOr<zwfw::v1::PublishedVersion> Publish(
      zwfw::v1::PublishedVersion version,
      const std::map<int, zwfw::v1::RenderResponse>& renders) = 0;

  // NOT_FOUND when there is no such version or format.
  virtual absl::StatusOr<zwfw::v1::RenderResponse> GetPublished(
      const std::string& period, int64_t version,
      zwfw::v1::BulletinFormat format) = 0;
  virtual absl::StatusOr<std::vector<zwfw::v1::PublishedVersion>> ListPublished(
      const std::string& period) = 0;

  // Stores `t` as its name's next version (assigned), with an audit entry.
  virtual absl::StatusOr<zwfw::v1::BulletinTemplate> SetTemplate(
      zwfw::v1::BulletinTemplate t) = 0;
  // `version` 0: the latest. NOT_FOUND naming the template.
  virtual absl::StatusOr<zwfw::v1::BulletinTemplate> GetTemplate(
      const std::string& name, int64_t version) = 0;
};

// NOT_FOUND for a template name (and version) that was never set.
inline absl::Status TemplateNotFound(const std::string& name, int64_t version) {
  return absl::NotFoundError(
      version > 0 ? absl::StrCat("template ", name, " has no version ", version)
                  : absl::StrCat("template ", name, " is not set"));
}

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_BULLETIN_STORE_H_
