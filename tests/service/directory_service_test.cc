// The Directory service served in-process over its real stores (SQLite and
// PostgreSQL, with the same assertions), and over a store that fails on
// demand; two replicas' catalogs over one PostgreSQL schema, and a shared
// store's round trips counted.
#include "services/intake/directory_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"
#include "services/common/data_changes.h"
#include "services/intake/directory_catalog.h"
#include "services/intake/pg_intake_store.h"
#include "services/intake/sqlite_directory_store.h"
#include "tests/testing/service_fixture.h"
#include "tests/testing/shared_postgres.h"
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
  absl::StatusOr<int64_t> StoredVersion() override {
    return real_->StoredVersion();
  }
  bool fail_next_replace = false;
  int64_t version_after_commit = -1;

 private:
  DirectoryStore* real_;
};

// Every test on both stores, with the same assertions.
class DirectoryServiceTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    tokens_ = testing::TokensFor({{"admin-token", "admin"},
                                  {"viewer-token", "viewer"},
                                  {"dept-token", "department:gaj"}});
    if (GetParam() == testing::Backend::kPostgres) {
      std::optional<PgOptions> pg = testing::SharedPostgres("directory");
      if (!pg) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
      absl::StatusOr<std::unique_ptr<PgIntakeStore>> store =
          PgIntakeStore::Open(*pg);
      ASSERT_TRUE(store.ok()) << store.status();
      real_ = *std::move(store);
    } else {
      real_ = *SqliteDirectoryStore::Open(":memory:");
    }
    store_ = std::make_unique<FaultyDirectoryStore>(real_.get());
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
  std::unique_ptr<DirectoryStore> real_;
  std::unique_ptr<FaultyDirectoryStore> store_;
  std::unique_ptr<DirectoryCatalog> catalog_;
  std::unique_ptr<DirectoryService> service_;
  std::unique_ptr<testing::InProcessServer> server_;
  std::unique_ptr<Directory::Stub> stub_;
};

INSTANTIATE_TEST_SUITE_P(Stores, DirectoryServiceTest, testing::kEveryBackend,
                         testing::BackendName);

TEST_P(DirectoryServiceTest, ImportThenListInDisplayOrder) {
  EXPECT_EQ(Departments(), "");
  ASSERT_TRUE(Import(TwoDepartments()).ok());
  EXPECT_EQ(Departments(), "swj gaj");
  EXPECT_EQ(Departments("dept-token"), "swj gaj");
}

TEST_P(DirectoryServiceTest, TheDirectorySurvivesARestart) {
  ASSERT_TRUE(Import(TwoDepartments()).ok());
  Start();
  EXPECT_EQ(Departments(), "swj gaj");
  zwfw::v1::ListDepartmentsResponse response;
  ASSERT_TRUE(
      stub_->ListDepartments(As("viewer-token").get(), {}, &response).ok());
  EXPECT_EQ(response.directory_version(), 1);
  EXPECT_EQ(response.departments(1).aliases(0), "区公安分局");
}

TEST_P(DirectoryServiceTest, OnlyAdminsImport) {
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

TEST_P(DirectoryServiceTest, ReadsNeedAToken) {
  EXPECT_EQ(Departments(""), absl::StrCat("error ", grpc::UNAUTHENTICATED));
}

TEST_P(DirectoryServiceTest, AnInvalidSnapshotChangesNothing) {
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

TEST_P(DirectoryServiceTest, AFailingStoreChangesNothing) {
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

TEST_P(DirectoryServiceTest, AChangeIsAnnouncedOnceTheNewDirectoryIsServed) {
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

TEST_P(DirectoryServiceTest, ResolveByCodeOrAlias) {
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

TEST_P(DirectoryServiceTest, WindowsAndStaffFilterByDepartment) {
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

// Two intake replicas over one PostgreSQL schema, each with its catalog
// following the shared store, as main.cc wires them.
class DirectoryReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<PgOptions> pg = testing::SharedPostgres("directory_replicas");
    if (!pg) GTEST_SKIP() << "no ZWFW_TEST_POSTGRES: run tools/test";
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<std::unique_ptr<PgIntakeStore>> store =
          PgIntakeStore::Open(*pg);
      ASSERT_TRUE(store.ok()) << store.status();
      ASSERT_TRUE((*store)->database().FollowVersion().ok());
      stores_[i] = *std::move(store);
      catalogs_[i] = *DirectoryCatalog::Open(stores_[i].get());
    }
  }

  static zwfw::v1::DirectorySnapshot Named(const std::string& code) {
    zwfw::v1::DirectorySnapshot s;
    auto* d = s.add_departments();
    d->set_code(code);
    d->set_name(absl::StrCat("部门", code));
    return s;
  }

  // Waits (up to 10 s) for `catalog` to serve `version`.
  static int64_t AwaitVersion(const DirectoryCatalog& catalog,
                              int64_t version) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (catalog.Current()->version() < version && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    return catalog.Current()->version();
  }

  std::unique_ptr<PgIntakeStore> stores_[2];
  std::unique_ptr<DirectoryCatalog> catalogs_[2];
};

TEST_F(DirectoryReplicasTest, AnImportThroughOneIsServedByTheOther) {
  ASSERT_TRUE(
      catalogs_[0]->Import(Named("gaj"), {"admin test", "Import"}).ok());
  EXPECT_EQ(AwaitVersion(*catalogs_[1], 1), 1);
  EXPECT_TRUE(catalogs_[1]->Current()->FindDepartment("gaj") != nullptr);
  // The other replica numbers its own import after the one it did not make.
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> second =
      catalogs_[1]->Import(Named("swj"), {"admin test", "Import"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->version(), 2);
  EXPECT_EQ(AwaitVersion(*catalogs_[0], 2), 2);
  EXPECT_TRUE(catalogs_[0]->Current()->FindDepartment("swj") != nullptr);
}

// Imports through both replicas at once: every import is stored under a
// version of its own, none is lost to another, and both end on the last.
TEST_F(DirectoryReplicasTest, ImportsAtOnceGetDistinctVersions) {
  constexpr int kEach = 5;
  std::vector<int64_t> versions[2];
  std::vector<std::thread> threads;
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([this, r, &versions] {
      for (int i = 0; i < kEach; ++i) {
        absl::StatusOr<std::shared_ptr<const DirectoryIndex>> index =
            catalogs_[r]->Import(Named(absl::StrCat("d", r, "-", i)),
                                 {"admin test", "Import"});
        ASSERT_TRUE(index.ok()) << index.status();
        versions[r].push_back((*index)->version());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<int64_t> all(versions[0].begin(), versions[0].end());
  all.insert(versions[1].begin(), versions[1].end());
  EXPECT_EQ(all.size(), 2u * kEach);
  EXPECT_EQ(*all.rbegin(), 2 * kEach);
  EXPECT_EQ(AwaitVersion(*catalogs_[0], 2 * kEach), 2 * kEach);
  EXPECT_EQ(AwaitVersion(*catalogs_[1], 2 * kEach), 2 * kEach);
  EXPECT_EQ(*stores_[0]->StoredVersion(), 2 * kEach);
}

// A store that says it is shared, over a real one: counts the round trips
// the catalog makes and lets the test play the other replica's notice.
class CountingSharedStore : public DirectoryStore {
 public:
  explicit CountingSharedStore(DirectoryStore* real) : real_(real) {}
  absl::Status Replace(const zwfw::v1::DirectorySnapshot& snapshot,
                       int64_t version, const Actor& actor) override {
    return real_->Replace(snapshot, version, actor);
  }
  absl::StatusOr<StoredDirectory> Load() override { return real_->Load(); }
  absl::StatusOr<int64_t> StoredVersion() override {
    ++asked;
    if (unreachable) return absl::UnavailableError("database away");
    return real_->StoredVersion();
  }
  bool OnReplaced(std::function<void()> callback) override {
    replaced = std::move(callback);
    return true;
  }
  int asked = 0;
  bool unreachable = false;
  std::function<void()> replaced;

 private:
  DirectoryStore* real_;
};

TEST(SharedDirectoryCatalogTest, AsksTheStoreOnlyAfterItsNotice) {
  std::unique_ptr<SqliteDirectoryStore> real =
      *SqliteDirectoryStore::Open(":memory:");
  CountingSharedStore store(real.get());
  std::unique_ptr<DirectoryCatalog> catalog = *DirectoryCatalog::Open(&store);
  ASSERT_TRUE(store.replaced != nullptr);
  // Case writes move the data version: no round trip for the directory.
  for (int i = 0; i < 5; ++i) {
    DataChanges::Process().Bump();
    EXPECT_EQ(catalog->Current()->version(), 0);
  }
  EXPECT_EQ(store.asked, 0);

  // Another replica imports: its notice makes the next Current() reload,
  // once.
  zwfw::v1::DirectorySnapshot snapshot;
  snapshot.add_departments()->set_code("gaj");
  snapshot.mutable_departments(0)->set_name("区公安分局");
  ASSERT_TRUE(real->Replace(snapshot, 1, {"admin test", "Import"}).ok());
  EXPECT_EQ(catalog->Current()->version(), 0);
  store.replaced();
  EXPECT_EQ(catalog->Current()->version(), 1);
  EXPECT_EQ(catalog->Current()->version(), 1);
  EXPECT_EQ(store.asked, 1);

  // A reload that fails is tried again on the next Current().
  snapshot.mutable_departments(0)->set_code("swj");
  ASSERT_TRUE(real->Replace(snapshot, 2, {"admin test", "Import"}).ok());
  store.unreachable = true;
  store.replaced();
  EXPECT_EQ(catalog->Current()->version(), 1);
  store.unreachable = false;
  EXPECT_EQ(catalog->Current()->version(), 2);
  EXPECT_EQ(store.asked, 3);
}

}  // namespace
}  // namespace zwfw::intake
