#include "services/bulletin/publication_rules.h"

#include "absl/strings/str_cat.h"

namespace zwfw::bulletin {

absl::Status CheckDraftEdit(const StoredDraft& stored,
                            const zwfw::v1::Draft& edit,
                            bool start_new_version) {
  if (edit.revision() != stored.draft.revision()) {
    return absl::AbortedError(absl::StrCat(
        "draft of ", edit.period(), " is at revision ", stored.draft.revision(),
        "; this edit was based on revision ", edit.revision(),
        ": reload the draft and edit again"));
  }
  if (stored.locked && !start_new_version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the bulletin of ", edit.period(), " is published (version ",
        stored.draft.published_version(),
        "); start a new version to edit its draft"));
  }
  return absl::OkStatus();
}

absl::Status CheckPublish(const StoredDraft& stored,
                          int64_t rendered_revision) {
  const zwfw::v1::Draft& d = stored.draft;
  if (stored.locked) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the bulletin of ", d.period(), " is already published as version ",
        d.published_version(), " (draft revision ", d.revision(),
        "); start a new version of the draft to publish again"));
  }
  if (d.revision() != rendered_revision) {
    return absl::AbortedError(absl::StrCat(
        "the draft of ", d.period(), " moved to revision ", d.revision(),
        " while revision ", rendered_revision, " was rendered: publish again"));
  }
  return absl::OkStatus();
}

}  // namespace zwfw::bulletin
