#include "services/common/auth.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace zwfw {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir ? dir : "/tmp", "/", name, ".", getpid());
}

TEST(AuthTest, Sha256OfAKnownString) {
  EXPECT_EQ(Sha256Hex("test"),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
}

TEST(AuthTest, NewTokensAreLongAndDifferent) {
  std::string a = NewToken();
  std::string b = NewToken();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.substr(0, 5), "zwfw_");
  EXPECT_GE(a.size(), 45u);
}

TEST(AuthTest, RolesParse) {
  EXPECT_EQ(ParseRole("admin")->role, Role::kAdmin);
  EXPECT_EQ(ParseRole("service")->role, Role::kService);
  EXPECT_EQ(ParseRole("viewer")->role, Role::kViewer);
  EXPECT_EQ(ParseRole("evaluator")->role, Role::kEvaluator);
  absl::StatusOr<Principal> d = ParseRole("department:11500110");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->role, Role::kDepartment);
  EXPECT_EQ(d->department_code, "11500110");
  EXPECT_EQ(d->RoleName(), "department:11500110");
  EXPECT_EQ(ParseRole("root").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRole("department:").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AuthTest, DepartmentsActOnlyForThemselves) {
  Principal dept = *ParseRole("department:A");
  EXPECT_TRUE(dept.MayActFor("A"));
  EXPECT_FALSE(dept.MayActFor("B"));
  EXPECT_TRUE(ParseRole("admin")->MayActFor("B"));
  EXPECT_TRUE(ParseRole("service")->MayActFor("B"));
  EXPECT_FALSE(ParseRole("viewer")->MayActFor("B"));
}

TEST(AuthTest, TheFileHoldsOnlyHashes) {
  std::string path = TempPath("tokens");
  unlink(path.c_str());
  std::string token = NewToken();
  ASSERT_TRUE(AddTokenToFile(path, token, "department:A").ok());
  std::ifstream in(path);
  std::string contents((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(contents.find(token), std::string::npos);
  EXPECT_NE(contents.find(Sha256Hex(token)), std::string::npos);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<Principal> who = (*store)->Authenticate(token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->RoleName(), "department:A");
  EXPECT_EQ(who->token_id, Sha256Hex(token).substr(0, 8));
  EXPECT_EQ((*store)->Authenticate("zwfw_wrong").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ((*store)->Authenticate("").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(AddTokenToFile(path, NewToken(), "superuser").code(),
            absl::StatusCode::kInvalidArgument);
  unlink(path.c_str());
}

TEST(AuthTest, TokensAddedWhileRunningAreSeen) {
  std::string path = TempPath("tokens-reload");
  unlink(path.c_str());
  ASSERT_TRUE(AddTokenToFile(path, "first", "viewer").ok());
  absl::Time now = absl::FromUnixSeconds(1600000000);
  absl::StatusOr<std::unique_ptr<TokenStore>> store =
      TokenStore::Open(path, [&now] { return now; });
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE((*store)->Authenticate("second").ok());
  ASSERT_TRUE(AddTokenToFile(path, "second", "admin").ok());
  // A change is seen by the modification time, which a fast test could
  // leave equal: set it a second later.
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  times[1].tv_sec += 1;
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  // Not re-read within the second...
  EXPECT_FALSE((*store)->Authenticate("second").ok());
  // ...and re-read once it has passed.
  now += absl::Seconds(1);
  absl::StatusOr<Principal> who = (*store)->Authenticate("second");
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->role, Role::kAdmin);
  unlink(path.c_str());
}

TEST(AuthTest, MalformedFilesAreRefusedWithTheLine) {
  absl::StatusOr<std::unique_ptr<TokenStore>> store =
      TokenStore::FromContents("# comment\n\nnot-a-hash admin\n");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("line 3"), std::string::npos);
  store = TokenStore::FromContents(absl::StrCat(Sha256Hex("x"), " root\n"));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TokenStore::Open("/nonexistent/tokens.txt").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace zwfw
