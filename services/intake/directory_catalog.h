// The directory as the intake server uses it: the store of record plus the
// current validated index, swapped atomically on every import. Reads never
// touch the store, unless it is shared by replicas (DirectoryStore::
// OnReplaced): then the first Current() after the store says another
// replica may have imported reloads it. Case writes cost no round trip.
//
// Thread-safe: Current() from any number of threads, never blocked by an
// import for longer than the swap; imports run one at a time.
#ifndef ZWFW_SERVICES_INTAKE_DIRECTORY_CATALOG_H_
#define ZWFW_SERVICES_INTAKE_DIRECTORY_CATALOG_H_

#include <atomic>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "services/common/directory_index.h"
#include "services/intake/directory_store.h"

namespace zwfw::intake {

class DirectoryCatalog {
 public:
  // Loads the stored directory. The store must outlive the catalog.
  static absl::StatusOr<std::unique_ptr<DirectoryCatalog>> Open(
      DirectoryStore* store);

  // Validates the snapshot as a unit and replaces the directory with it;
  // on any error nothing changes. Returns the new index.
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Import(
      zwfw::v1::DirectorySnapshot snapshot, const Actor& actor);

  // The current directory; never null. Holders keep a consistent view
  // while imports replace it.
  std::shared_ptr<const DirectoryIndex> Current() const;

  // Reloads when the store holds a newer version than the one served.
  absl::Status Refresh() const;

  // Current(), but when it lacks `department_code` and the store is shared,
  // asks the store first: another replica's import may have named it a
  // moment ago, its NOTIFY still on the way (a department system that
  // imports through one replica and sends cases through another).
  std::shared_ptr<const DirectoryIndex> CurrentNaming(
      absl::string_view department_code) const;

 private:
  DirectoryCatalog(DirectoryStore* store, bool shared,
                   std::shared_ptr<std::atomic<bool>> stale,
                   std::shared_ptr<const DirectoryIndex> current)
      : store_(store),
        shared_(shared),
        stale_(std::move(stale)),
        current_(std::move(current)) {}

  DirectoryStore* const store_;
  const bool shared_;  // OnReplaced said so
  // Set by the store's callback (which may outlive the catalog, hence
  // shared); Current() reloads when it finds it set.
  const std::shared_ptr<std::atomic<bool>> stale_;
  absl::Mutex import_mu_;  // one import at a time
  absl::BitGen jitter_ ABSL_GUARDED_BY(import_mu_);
  mutable absl::Mutex refresh_mu_;  // one reload at a time
  mutable absl::Mutex mu_;
  mutable std::shared_ptr<const DirectoryIndex> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_DIRECTORY_CATALOG_H_
