// The private PostgreSQL cluster tools/test starts for the suite
// (tools/postgres): its URL (ZWFW_TEST_POSTGRES) and password file
// (ZWFW_TEST_POSTGRES_PASSWORD_FILE), as PgOptions on a schema of the
// test's own, so tests share the cluster and never each other's tables.
#ifndef ZWFW_TESTS_TESTING_SHARED_POSTGRES_H_
#define ZWFW_TESTS_TESTING_SHARED_POSTGRES_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/postgres.h"

namespace zwfw::testing {

// nullopt when the suite was not started by tools/test.
inline std::optional<PgOptions> SharedPostgres(const std::string& prefix) {
  const char* url = std::getenv("ZWFW_TEST_POSTGRES");
  if (url == nullptr || *url == '\0') return std::nullopt;
  static std::atomic<int> next{0};
  PgOptions options;
  options.url = url;
  if (const char* file = std::getenv("ZWFW_TEST_POSTGRES_PASSWORD_FILE")) {
    options.password_file = file;
  }
  options.schema =
      absl::StrCat("t_", prefix, "_", getpid(), "_", next.fetch_add(1));
  return options;
}

// The stores a store-backed test runs on, with the same assertions:
//   INSTANTIATE_TEST_SUITE_P(Stores, FooTest, testing::kEveryBackend,
//                            testing::BackendName);
enum class Backend { kSqlite, kPostgres };
inline const auto kEveryBackend =
    ::testing::Values(Backend::kSqlite, Backend::kPostgres);
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace zwfw::testing

#endif  // ZWFW_TESTS_TESTING_SHARED_POSTGRES_H_
