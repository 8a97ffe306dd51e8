// The Directory service served in-process over its real SQLite store, and
// over a store that fails on demand.
#include "services/intake/directory_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"
#include "services/common/data_changes.h"
#include "services/intake/directory_catalog.h"
#include "services/intake/sqlite_directory_store.h"
#include "tests/testing/service_fixture.h"
#include "tests/testing/test_util.h"

namespace zwfw::intake {
namespace {

using zwfw::testing::As;
using zwfw::v1::Directory;

// Wraps a real store; Replace fails while `fail_next_replace` is set, and
// notes the process's data version once its commit has returned.
class FaultyDirectoryStore : public DirectoryStore {
 public:
  explicit FaultyDirectoryStore(DirectoryStore* real) : real_(real) {}
  absl::Status Replace(const zwfw::v1::DirectorySnapshot& snapshot,
                       int64_t version, const Actor& actor) override {
    if (fail_next_replace) return absl::UnavailableError("disk on fire");
    absl::Status s = real_->Replace(snapshot, version, actor);
    version_after_commit = DataChanges::Process().Current().counter;
    return s;
  }
  absl::StatusOr<StoredDirectory> Load() override { return real_->Load(); }
  bool fail_next_replace = false;
  int64_t version_after_commit = -1;

 private:
  DirectoryStore* real_;
};

class DirectoryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tokens_ = testing::TokensFor({{"admin-token", "admin"},
                                  {"viewer-token", "viewer"},
                                  {"dept-token", "department:gaj"}});
    sqlite_ = *SqliteDirectoryStore::Open(":memory:");
    store_ = std::make_unique<FaultyDirectoryStore>(sqlite_.get());
    Start();
  }

  // (Re)starts the service on the same store, as a restarted server would.
  void Start() {
    server_.reset();
    catalog_ = *DirectoryCatalog::Open(store_.get());
    service_ =
        std::make_unique<DirectoryService>(catalog_.get(), tokens_.get());
    server_ = std::make_unique<testing::InProcessServer>(service_.get());
    stub_ = Directory::NewStub(server_->channel());
  }

  grpc::Status Import(const zwfw::v1::DirectorySnapshot& snapshot,
                      const std::string& token = "admin-token") {
    zwfw::v1::ImportDirectoryRequest request;
    *request.mutable_snapshot() = snapshot;
    zwfw::v1::ImportDirectoryResponse response;
    return stub_->ImportDirectory(As(token).get(), request, &response);
  }

  // Department codes in listed order, joined by spaces.
  std::string Departments(const std::string& token = "viewer-token") {
    zwfw::v1::ListDepartmentsResponse response;
    grpc::Status s = stub_->ListDepartments(As(token).get(), {}, &response);
    if (!s.ok()) return absl::StrCat("error ", s.error_code());
    std::string out;
    for (const auto& d : response.departments()) {
      absl::StrAppend(&out, out.empty() ? "" : " ", d.code());
    }
    return out;
  }

  static zwfw::v1::DirectorySnapshot TwoDepartments() {
    zwfw::v1::DirectorySnapshot s;
    auto* a = s.add_departments();
    a->set_code("gaj");
    a->set_name("区公安局");
    a->set_order(2);
    a->add_aliases("区公安分局");
    auto* b = s.add_departments();
    b->set_code("swj");
    b->set_name("区税务局");
    b->set_order(1);
    auto* w = s.add_windows();
    w->set_code("w1");
    w->set_name("公安窗口");
    w->set_department_code("区公安分局");
    auto* m = s.add_staff();
    m->set_code("s1");
    m->set_name("李宇");
    m->set_window_code("w1");
    return s;
  }

  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<SqliteDirectoryStore> sqlite_;
  std::unique_ptr<FaultyDirectoryStore> store_;
  std::unique_ptr<DirectoryCatalog> catalog_;
  std::unique_ptr<DirectoryService> service_;
  std::unique_ptr<testing::InProcessServer> server_;
  std::unique_ptr<Directory::Stub> stub_;
};

TEST_F(DirectoryServiceTest, ImportThenListInDisplayOrder) {
  EXPECT_EQ(Departments(), "");
  ASSERT_TRUE(Import(TwoDepartments()).ok());
  EXPECT_EQ(Departments(), "swj gaj");
  EXPECT_EQ(Departments("dept-token"), "swj gaj");
}

TEST_F(DirectoryServiceTest, TheDirectorySurvivesARestart) {
  ASSERT_TRUE(Import(TwoDepartments()).ok());
  Start();
  EXPECT_EQ(Departments(), "swj gaj");
  zwfw::v1::ListDepartmentsResponse response;
  ASSERT_TRUE(
      stub_->ListDepartments(As("viewer-token").get(), {}, &response).ok());
  EXPECT_EQ(response.directory_version(), 1);
  EXPECT_EQ(response.departments(1).aliases(0), "区公安分局");
}

TEST_F(DirectoryServiceTest, OnlyAdminsImport) {
  grpc::Status s = Import(TwoDepartments(), "viewer-token");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(), "role viewer may not call ImportDirectory");
  EXPECT_EQ(Import(TwoDepartments(), "dept-token").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Import(TwoDepartments(), "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Import(TwoDepartments(), "guessed").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Departments(), "");
}

TEST_F(DirectoryServiceTest, ReadsNeedAToken) {
  EXPECT_EQ(Departments(""), absl::StrCat("error ", grpc::UNAUTHENTICATED));
}

TEST_F(DirectoryServiceTest, AnInvalidSnapshotChangesNothing) {
  ASSERT_TRUE(Import(TwoDepartments()).ok());
  zwfw::v1::DirectorySnapshot bad = TwoDepartments();
  bad.mutable_departments(1)->set_code("gaj");  // duplicate
  grpc::Status s = Import(bad);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("departments[1] (code \"gaj\")"),
            std::string::npos)
      << s.error_message();
  EXPECT_EQ(Departments(), "swj gaj");
}

TEST_F(DirectoryServiceTest, AFailingStoreChangesNothing) {
  ASSERT_TRUE(Import(TwoDepartments()).ok());
  zwfw::v1::DirectorySnapshot other;
  other.add_departments()->set_code("x");
  other.mutable_departments(0)->set_name("X");
  store_->fail_next_replace = true;
  EXPECT_EQ(Import(other).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Departments(), "swj gaj");
  store_->fail_next_replace = false;
  Start();
  EXPECT_EQ(Departments(), "swj gaj");
}

TEST_F(DirectoryServiceTest, AChangeIsAnnouncedOnceTheNewDirectoryIsServed) {
  // The commit moves the data version; a reader told of it (another
  // service re-reading its copy, a cache) may still have been answered
  // from the old directory in memory. Another change must follow, once the
  // new directory is the one served.
  ASSERT_TRUE(Import(TwoDepartments()).ok());
  ASSERT_GE(store_->version_after_commit, 0);
  EXPECT_GT(DataChanges::Process().Current().counter,
            store_->version_after_commit);
  EXPECT_EQ(Departments(), "swj gaj");
}

TEST_F(DirectoryServiceTest, ResolveByCodeOrAlias) {
  ASSERT_TRUE(Import(TwoDepartments()).ok());
  zwfw::v1::ResolveDepartmentRequest request;
  zwfw::v1::ResolveDepartmentResponse response;
  request.set_name_or_code("区公安分局");
  ASSERT_TRUE(
      stub_->ResolveDepartment(As("viewer-token").get(), request, &response)
          .ok());
  EXPECT_EQ(response.department().code(), "gaj");
  request.set_name_or_code("区不存在局");
  grpc::Status s =
      stub_->ResolveDepartment(As("viewer-token").get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(),
            "department \"区不存在局\" not found in the directory");
  request.set_name_or_code("");
  EXPECT_EQ(
      stub_->ResolveDepartment(As("viewer-token").get(), request, &response)
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DirectoryServiceTest, WindowsAndStaffFilterByDepartment) {
  ASSERT_TRUE(Import(TwoDepartments()).ok());
  zwfw::v1::ListWindowsRequest windows;
  zwfw::v1::ListWindowsResponse listed;
  windows.set_department_code("gaj");
  ASSERT_TRUE(
      stub_->ListWindows(As("viewer-token").get(), windows, &listed).ok());
  ASSERT_EQ(listed.windows_size(), 1);
  EXPECT_EQ(listed.windows(0).department_code(), "gaj");
  windows.set_department_code("swj");
  listed.Clear();
  ASSERT_TRUE(
      stub_->ListWindows(As("viewer-token").get(), windows, &listed).ok());
  EXPECT_EQ(listed.windows_size(), 0);

  zwfw::v1::ListStaffRequest staff;
  zwfw::v1::ListStaffResponse people;
  staff.set_department_code("区公安分局");
  ASSERT_TRUE(stub_->ListStaff(As("viewer-token").get(), staff, &people).ok());
  ASSERT_EQ(people.staff_size(), 1);
  EXPECT_EQ(people.staff(0).name(), "李宇");
  staff.Clear();
  staff.set_window_code("w9");
  EXPECT_EQ(
      stub_->ListStaff(As("viewer-token").get(), staff, &people).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace zwfw::intake
