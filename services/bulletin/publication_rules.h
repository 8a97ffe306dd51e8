// When a draft may be edited and published: the rules every BulletinStore
// applies inside its transaction, against the draft as stored, so two
// writers (two replicas) racing decide by the database, not by what each
// read before.
#ifndef ZWFW_SERVICES_BULLETIN_PUBLICATION_RULES_H_
#define ZWFW_SERVICES_BULLETIN_PUBLICATION_RULES_H_

#include <cstdint>

#include "absl/status/status.h"
#include "zwfw/v1/bulletin.pb.h"

namespace zwfw::bulletin {

// The draft as stored: revision 0 when never written; `locked` once
// published until a new version is started.
struct StoredDraft {
  zwfw::v1::Draft draft;
  bool locked = false;
};

// ABORTED when `edit` was based on another revision than the stored one;
// FAILED_PRECONDITION when the period is published and the edit does not
// start a new version.
absl::Status CheckDraftEdit(const StoredDraft& stored,
                            const zwfw::v1::Draft& edit,
                            bool start_new_version);

// FAILED_PRECONDITION when the draft is locked (this revision is already
// published: a second publisher of the same period loses here); ABORTED
// when the draft moved past `rendered_revision` while the renders were
// made.
absl::Status CheckPublish(const StoredDraft& stored, int64_t rendered_revision);

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_PUBLICATION_RULES_H_
