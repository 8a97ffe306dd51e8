// The private redis-server tools/test starts for the suite: its address
// (ZWFW_TEST_REDIS) and the password it requires
// (ZWFW_TEST_REDIS_PASSWORD_FILE), as RedisOptions.
#ifndef ZWFW_TESTS_TESTING_SHARED_REDIS_H_
#define ZWFW_TESTS_TESTING_SHARED_REDIS_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "services/common/redis_cache.h"

namespace zwfw::testing {

// The address is empty when the suite was not started by tools/test.
inline RedisOptions SharedRedisOptions() {
  RedisOptions options;
  const char* address = std::getenv("ZWFW_TEST_REDIS");
  options.address = address != nullptr ? address : "";
  if (const char* file = std::getenv("ZWFW_TEST_REDIS_PASSWORD_FILE")) {
    std::ifstream in(file);
    std::stringstream contents;
    contents << in.rdbuf();
    options.password = std::string(absl::StripAsciiWhitespace(contents.str()));
  }
  return options;
}

}  // namespace zwfw::testing

#endif  // ZWFW_TESTS_TESTING_SHARED_REDIS_H_
