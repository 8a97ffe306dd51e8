#include "services/common/directory_index.h"

#include <gtest/gtest.h>

#include "tests/testing/test_util.h"

namespace zwfw {
namespace {

zwfw::v1::DirectorySnapshot Snapshot(const std::string& text) {
  return testing::ParseTextProto<zwfw::v1::DirectorySnapshot>(text);
}

const char kValid[] = R"pb(
  departments { code: "gaj" name: "区公安局" order: 20 aliases: "11500110" }
  departments {
    code: "scjgj"
    name: "区市场监管局"
    table_name: "区市场监督管理局"
    order: 10
  }
  windows { code: "w1" name: "公安窗口" department_code: "11500110" }
  staff { code: "s1" name: "李宇" window_code: "w1" }
  service_items {
    code: "i1"
    name: "居民身份证申领"
    department_code: "gaj"
    category: ITEM_CATEGORY_APPROVAL
    kind: ITEM_KIND_PROMISED
    promised_days: 20
  }
)pb";

// The error message of building `text`, or "OK".
std::string Error(const std::string& text) {
  auto index = DirectoryIndex::Build(Snapshot(text), 1);
  if (index.ok()) return "OK";
  EXPECT_EQ(index.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(index.status().message());
}

TEST(DirectoryIndexTest, IndexesAValidSnapshot) {
  auto index = DirectoryIndex::Build(Snapshot(kValid), 7);
  ASSERT_TRUE(index.ok()) << index.status();
  const DirectoryIndex& d = **index;
  EXPECT_EQ(d.version(), 7);
  // Display order.
  EXPECT_EQ(d.snapshot().departments(0).code(), "scjgj");
  EXPECT_EQ(d.FindDepartment("11500110")->code(), "gaj");
  EXPECT_EQ(d.FindDepartment("区市场监督管理局")->code(), "scjgj");
  EXPECT_EQ(d.FindDepartment("nobody"), nullptr);
  // The window's alias reference is stored as the code.
  EXPECT_EQ(d.FindWindow("w1")->department_code(), "gaj");
  EXPECT_EQ(d.FindStaff("s1")->name(), "李宇");
  EXPECT_EQ(d.FindServiceItem("i1")->promised_days(), 20);
}

TEST(DirectoryIndexTest, RefusesDuplicatesNamingTheEntry) {
  EXPECT_EQ(Error(R"pb(departments { code: "a" name: "A" }
                       departments { code: "a" name: "B" })pb"),
            "departments[1] (code \"a\"): code: is already the code or an "
            "alias of another department");
  EXPECT_EQ(Error(R"pb(departments { code: "a" name: "A" aliases: "x" }
                       departments { code: "b" name: "B" aliases: "x" })pb"),
            "departments[1] (code \"b\"): aliases: \"x\" already names "
            "another department or is repeated");
  EXPECT_EQ(
      Error(R"pb(departments { code: "a" name: "A" }
                 windows { code: "w" name: "W" department_code: "a" }
                 windows { code: "w" name: "V" department_code: "a" })pb"),
      "windows[1] (code \"w\"): code: is repeated");
}

TEST(DirectoryIndexTest, RefusesDanglingReferences) {
  EXPECT_EQ(
      Error(R"pb(departments { code: "a" name: "A" }
                 windows { code: "w" name: "W" department_code: "b" })pb"),
      "windows[0] (code \"w\"): department_code: no department \"b\" "
      "in the snapshot");
  EXPECT_EQ(Error(R"pb(departments { code: "a" name: "A" }
                       staff { code: "s" name: "S" window_code: "w9" })pb"),
            "staff[0] (code \"s\"): window_code: no window \"w9\" in the "
            "snapshot");
  EXPECT_EQ(Error(R"pb(departments { code: "a" name: "A" }
                       service_items {
                         code: "i"
                         name: "I"
                         department_code: "zz"
                         category: ITEM_CATEGORY_APPROVAL
                         kind: ITEM_KIND_INSTANT
                       })pb"),
            "service_items[0] (code \"i\"): department_code: no department "
            "\"zz\" in the snapshot");
}

TEST(DirectoryIndexTest, RefusesBadFields) {
  EXPECT_EQ(Error(R"pb(departments { code: "" name: "A" })pb"),
            "departments[0]: code: is empty");
  EXPECT_EQ(Error(R"pb(departments { code: "a b" name: "A" })pb"),
            "departments[0] (code \"a b\"): code: may contain only letters, "
            "digits, '_', '.' and '-'");
  EXPECT_EQ(Error(R"pb(departments { code: "a" })pb"),
            "departments[0] (code \"a\"): name: is empty");
  EXPECT_EQ(Error(std::string(R"pb(departments { code: "a" name: ")pb") +
                  std::string(300, 'x') + "\" }"),
            "departments[0] (code \"a\"): name: is longer than 256 bytes");
  const std::string item_head =
      R"pb(departments { code: "a" name: "A" }
           service_items { code: "i" name: "I" department_code: "a")pb";
  EXPECT_EQ(Error(item_head + "kind: ITEM_KIND_INSTANT }"),
            "service_items[0] (code \"i\"): category: must be "
            "ITEM_CATEGORY_APPROVAL or ITEM_CATEGORY_CONVENIENCE");
  EXPECT_EQ(Error(item_head + "category: ITEM_CATEGORY_APPROVAL }"),
            "service_items[0] (code \"i\"): kind: must be ITEM_KIND_INSTANT "
            "or ITEM_KIND_PROMISED");
  EXPECT_EQ(Error(item_head +
                  "category: ITEM_CATEGORY_APPROVAL kind: ITEM_KIND_PROMISED "
                  "promised_days: 0 }"),
            "service_items[0] (code \"i\"): promised_days: must be 1 to 365 "
            "working days for a promised item");
  EXPECT_EQ(Error(item_head +
                  "category: ITEM_CATEGORY_APPROVAL kind: ITEM_KIND_INSTANT "
                  "promised_days: 3 }"),
            "service_items[0] (code \"i\"): promised_days: must be 0 for an "
            "instant item");
}

TEST(DirectoryIndexTest, AnEmptyDirectoryIsValid) {
  auto index = DirectoryIndex::Build({}, 0);
  ASSERT_TRUE(index.ok());
  EXPECT_EQ((*index)->snapshot().departments_size(), 0);
}

}  // namespace
}  // namespace zwfw
