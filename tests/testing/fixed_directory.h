// A DirectorySource (intake_client.h) that always answers the same
// directory, for the services' tests. Thread-safe (immutable).
#ifndef ZWFW_TESTS_TESTING_FIXED_DIRECTORY_H_
#define ZWFW_TESTS_TESTING_FIXED_DIRECTORY_H_

#include <memory>
#include <utility>

#include "services/common/directory_index.h"
#include "services/common/intake_client.h"

namespace zwfw::testing {

class FixedDirectory : public DirectorySource {
 public:
  explicit FixedDirectory(std::shared_ptr<const DirectoryIndex> index)
      : index_(std::move(index)) {}
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> Current() override {
    return index_;
  }

 private:
  const std::shared_ptr<const DirectoryIndex> index_;
};

}  // namespace zwfw::testing

#endif  // ZWFW_TESTS_TESTING_FIXED_DIRECTORY_H_
