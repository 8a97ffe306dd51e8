// Helpers shared by the tests.
#ifndef ZWFW_TESTS_TESTING_TEST_UTIL_H_
#define ZWFW_TESTS_TESTING_TEST_UTIL_H_

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/common/bearer.h"
#include "services/common/period.h"
#include "zwfw/v1/directory.pb.h"

namespace zwfw::testing {

// A client context presenting `token` as its bearer token (no
// authorization header when empty).
inline std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) {
    AddBearerToken(context.get(), token);
  }
  return context;
}

// A message of type M from protobuf text format; a parse error fails the
// calling test.
template <typename M>
M ParseTextProto(const std::string& text) {
  M m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

// An instant given in China Standard Time.
inline absl::Time Cst(int year, int month, int day, int hour = 10,
                      int minute = 0) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute),
                         ChinaTimeZone());
}

// A path for a new SQLite file, private to the running test: nothing of a
// previous run (nor its -wal and -shm) is left there.
inline std::string FreshDbPath(const std::string& label) {
  const char* dir = std::getenv("TEST_TMPDIR");
  // A parameterised test's name has a '/' ("Name/Transient").
  std::string test =
      ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(test.begin(), test.end(), '/', '-');
  std::string path = absl::StrCat(dir ? dir : "/tmp", "/", label, "-", getpid(),
                                  "-", test, ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    unlink((path + suffix).c_str());
  }
  return path;
}

// deploy/demo/qijiang-directory.json: the Qijiang office's 34 departments.
inline zwfw::v1::DirectorySnapshot QijiangDirectory() {
  std::ifstream in(ZWFW_SOURCE_DIR "/deploy/demo/qijiang-directory.json");
  std::stringstream text;
  text << in.rdbuf();
  zwfw::v1::DirectorySnapshot snapshot;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(text.str(), &snapshot).ok());
  return snapshot;
}

}  // namespace zwfw::testing

#endif  // ZWFW_TESTS_TESTING_TEST_UTIL_H_
