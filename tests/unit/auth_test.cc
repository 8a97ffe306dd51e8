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
  EXPECT_EQ(ParseRole("office")->role, Role::kOffice);
  EXPECT_EQ(ParseRole("office")->RoleName(), "office");
  EXPECT_EQ(ParseRole("evaluator")->role, Role::kEvaluator);
  absl::StatusOr<Principal> w = ParseRole("evaluator:W01");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->role, Role::kEvaluator);
  EXPECT_EQ(w->window_code, "W01");
  EXPECT_EQ(w->RoleName(), "evaluator:W01");
  absl::StatusOr<Principal> c = ParseRole("channel:online");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->role, Role::kChannel);
  EXPECT_EQ(c->channel, "online");
  EXPECT_EQ(c->RoleName(), "channel:online");
  EXPECT_FALSE(c->MayActFor("A"));
  EXPECT_EQ(ParseRole("channel:").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRole("evaluator:").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRole(absl::StrCat("channel:", std::string(100, 'x')))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
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
  // The office reads every department's records and acts for none.
  EXPECT_FALSE(ParseRole("office")->MayActFor("B"));
  EXPECT_TRUE(ParseRole("office")->MayRead("B"));
  EXPECT_FALSE(ParseRole("viewer")->MayRead("B"));
  EXPECT_TRUE(dept.MayRead("A"));
  EXPECT_FALSE(dept.MayRead("B"));
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

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::trunc);
  out << contents;
}

// A token file whose re-reads a test drives with its own clock.
class TokenFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = TempPath("tokens-reload");
    unlink(path_.c_str());
    ASSERT_TRUE(AddTokenToFile(path_, "first", "viewer").ok());
  }
  void TearDown() override { unlink(path_.c_str()); }
  std::unique_ptr<TokenStore> Open(TokenStoreOptions options = {}) {
    options.now = [this] { return now_; };
    absl::StatusOr<std::unique_ptr<TokenStore>> store =
        TokenStore::Open(path_, std::move(options));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }
  std::string path_;
  absl::Time now_ = absl::FromUnixSeconds(1600000000);
};

TEST_F(TokenFileTest, TokensAddedWhileRunningAreSeenWithinASecond) {
  std::unique_ptr<TokenStore> store = Open();
  EXPECT_FALSE(store->Authenticate("second").ok());
  ASSERT_TRUE(AddTokenToFile(path_, "second", "admin").ok());
  // Not re-read within the second...
  EXPECT_FALSE(store->Authenticate("second").ok());
  // ...and re-read once it has passed.
  now_ += absl::Seconds(1);
  absl::StatusOr<Principal> who = store->Authenticate("second");
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->role, Role::kAdmin);
}

TEST_F(TokenFileTest, ARevocationIsSeenEvenWithTheSameModificationTime) {
  ASSERT_TRUE(AddTokenToFile(path_, "second", "admin").ok());
  std::unique_ptr<TokenStore> store = Open();
  ASSERT_TRUE(store->Authenticate("second").ok());
  struct stat before;
  ASSERT_EQ(stat(path_.c_str(), &before), 0);
  WriteFile(path_, absl::StrCat(Sha256Hex("first"), " viewer\n"));
  // The old store compared modification times only: put it back.
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(utimensat(AT_FDCWD, path_.c_str(), times, 0), 0);
  now_ += absl::Seconds(1);
  EXPECT_EQ(store->Authenticate("second").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(store->Authenticate("first").ok());
}

TEST_F(TokenFileTest, AMissingOrBrokenFileFailsClosedUntilMended) {
  std::unique_ptr<TokenStore> store = Open();
  ASSERT_TRUE(store->Authenticate("first").ok());
  std::string good;
  {
    std::ifstream in(path_);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  unlink(path_.c_str());
  now_ += absl::Seconds(1);
  EXPECT_EQ(store->Authenticate("first").status().code(),
            absl::StatusCode::kUnauthenticated);
  WriteFile(path_, good + "not-a-hash admin\n");
  now_ += absl::Seconds(1);
  EXPECT_FALSE(store->Authenticate("first").ok());
  WriteFile(path_, good);
  now_ += absl::Seconds(1);
  EXPECT_TRUE(store->Authenticate("first").ok());
}

TEST_F(TokenFileTest, UnboundEvaluatorsAreRefusedUnlessAllowed) {
  ASSERT_TRUE(AddTokenToFile(path_, "device", "evaluator").ok());
  ASSERT_TRUE(AddTokenToFile(path_, "window", "evaluator:W01").ok());
  std::unique_ptr<TokenStore> strict = Open();
  absl::StatusOr<Principal> refused = strict->Authenticate("device");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(refused.status().message().find("evaluator:<window_code>"),
            std::string::npos);
  EXPECT_TRUE(strict->Authenticate("window").ok());
  EXPECT_EQ(strict->UnboundEvaluators(),
            std::vector<std::string>{Sha256Hex("device").substr(0, 8)});
  std::unique_ptr<TokenStore> lenient =
      Open({.allow_unbound_evaluators = true});
  EXPECT_TRUE(lenient->Authenticate("device").ok());
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
