#include "services/intake/directory_catalog.h"

#include "absl/strings/str_cat.h"
#include "services/common/data_changes.h"

namespace zwfw::intake {

absl::StatusOr<std::unique_ptr<DirectoryCatalog>> DirectoryCatalog::Open(
    DirectoryStore* store) {
  absl::StatusOr<StoredDirectory> stored = store->Load();
  if (!stored.ok()) return stored.status();
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> index =
      DirectoryIndex::Build(std::move(stored->snapshot), stored->version);
  if (!index.ok()) {
    // Only validated snapshots are stored; this is a damaged database.
    return absl::DataLossError(absl::StrCat(
        "the stored directory is not valid: ", index.status().message()));
  }
  return std::unique_ptr<DirectoryCatalog>(
      new DirectoryCatalog(store, *std::move(index)));
}

absl::StatusOr<std::shared_ptr<const DirectoryIndex>> DirectoryCatalog::Import(
    zwfw::v1::DirectorySnapshot snapshot, const Actor& actor) {
  snapshot.DiscardUnknownFields();  // only what the schema names is stored
  absl::MutexLock import_lock(&import_mu_);
  // Imports are serialised, so the next version is the current one + 1.
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> index =
      DirectoryIndex::Build(std::move(snapshot), Current()->version() + 1);
  if (!index.ok()) return index.status();
  absl::Status s =
      store_->Replace((*index)->snapshot(), (*index)->version(), actor);
  if (!s.ok()) return s;
  {
    absl::MutexLock lock(&mu_);
    current_ = *index;
  }
  // The commit has already moved the data version, but whoever read the
  // directory between that and now got the old one from memory: announce
  // a change now that the new one is served (readers that follow intake,
  // caches keyed by its version).
  DataChanges::Process().Bump();
  return *index;
}

std::shared_ptr<const DirectoryIndex> DirectoryCatalog::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

}  // namespace zwfw::intake
