#include "services/intake/directory_catalog.h"

#include "absl/random/distributions.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/data_changes.h"
#include "services/common/log.h"

namespace zwfw::intake {
namespace {

// Imports through one replica, each losing its version to another's, before
// the caller is told ABORTED (imports are an office's few a day).
constexpr int kImportAttempts = 20;

}  // namespace

absl::StatusOr<std::unique_ptr<DirectoryCatalog>> DirectoryCatalog::Open(
    DirectoryStore* store) {
  // Listening before loading: an import in between is reloaded.
  auto stale = std::make_shared<std::atomic<bool>>(false);
  const bool shared = store->OnReplaced([stale] { stale->store(true); });
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
      new DirectoryCatalog(store, shared, std::move(stale), *std::move(index)));
}

absl::StatusOr<std::shared_ptr<const DirectoryIndex>> DirectoryCatalog::Import(
    zwfw::v1::DirectorySnapshot snapshot, const Actor& actor) {
  snapshot.DiscardUnknownFields();  // only what the schema names is stored
  absl::MutexLock import_lock(&import_mu_);
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> index;
  // Imports of this process are serialised, so the next version is the
  // current one + 1; on a shared store another replica may have taken it
  // (ABORTED): reload, wait a random moment (so that replicas importing at
  // once fall out of step) and number the import after that one.
  for (int attempt = 1;; ++attempt) {
    index = DirectoryIndex::Build(snapshot, Current()->version() + 1);
    if (!index.ok()) return index.status();
    absl::Status s =
        store_->Replace((*index)->snapshot(), (*index)->version(), actor);
    if (s.ok()) break;
    if (!absl::IsAborted(s) || attempt == kImportAttempts) return s;
    absl::SleepFor(absl::Milliseconds(absl::Uniform(jitter_, 5, 50)));
    s = Refresh();
    if (!s.ok()) return s;
  }
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

absl::Status DirectoryCatalog::Refresh() const {
  absl::MutexLock refresh_lock(&refresh_mu_);
  absl::StatusOr<int64_t> stored = store_->StoredVersion();
  if (!stored.ok()) return stored.status();
  {
    absl::MutexLock lock(&mu_);
    if (*stored <= current_->version()) return absl::OkStatus();
  }
  absl::StatusOr<StoredDirectory> loaded = store_->Load();
  if (!loaded.ok()) return loaded.status();
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> index =
      DirectoryIndex::Build(std::move(loaded->snapshot), loaded->version);
  if (!index.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the stored directory is not valid: ", index.status().message()));
  }
  absl::MutexLock lock(&mu_);
  if ((*index)->version() > current_->version()) current_ = *index;
  return absl::OkStatus();
}

std::shared_ptr<const DirectoryIndex> DirectoryCatalog::CurrentNaming(
    absl::string_view department_code) const {
  std::shared_ptr<const DirectoryIndex> current = Current();
  if (!shared_ || current->FindDepartment(department_code) != nullptr) {
    return current;
  }
  absl::Status s = Refresh();
  if (!s.ok()) LogWarning(absl::StrCat("directory: ", s.message()));
  return Current();
}

std::shared_ptr<const DirectoryIndex> DirectoryCatalog::Current() const {
  // A plain load first: every batch passes here, and a notice is rare.
  if (stale_->load(std::memory_order_relaxed) && stale_->exchange(false)) {
    absl::Status s = Refresh();
    if (!s.ok()) {
      stale_->store(true);  // look again next time
      LogWarning(absl::StrCat("directory: ", s.message()));
    }
  }
  absl::MutexLock lock(&mu_);
  return current_;
}

}  // namespace zwfw::intake
