#include "tools/zwfw/command_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace zwfw::cli {
namespace {

TEST(CommandTableTest, EveryGroupOfTheUsageIsDispatchedAndNoOtherIs) {
  std::set<std::string> listed, dispatched;
  for (const CommandLine& line : CommandLines()) listed.insert(line.group);
  for (const CommandGroup& group : CommandGroups()) {
    EXPECT_TRUE(dispatched.insert(group.name).second) << group.name;
  }
  dispatched.insert("tokens");  // run by main before client options
  EXPECT_EQ(listed, dispatched);
}

TEST(CommandTableTest, UsagesAreBuiltFromTheTable) {
  EXPECT_EQ(GroupUsage("scores"),
            "usage: zwfw scores compute --period P [--json]\n"
            "       zwfw scores explain --period P --department D\n"
            "       zwfw scores freeze --period P\n");
  const std::string full = FullUsage();
  for (const CommandLine& line : CommandLines()) {
    EXPECT_NE(full.find(std::string(line.group) + " " + line.synopsis),
              std::string::npos)
        << line.group << " " << line.synopsis;
  }
  EXPECT_EQ(GroupUsage("nonsense"), "");
}

}  // namespace
}  // namespace zwfw::cli
