// What a draft may hold: each limit refused with the field it is about.
#include "services/bulletin/draft_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace zwfw::bulletin {
namespace {

TEST(DraftRulesTest, ALimitIsRefusedNamingTheField) {
  zwfw::v1::Draft draft;
  draft.set_period("2020-07");
  draft.set_title(std::string(kMaxDraftFieldBytes, 'x'));
  EXPECT_TRUE(CheckDraft(draft).ok());

  draft.set_printing_office(std::string(kMaxDraftFieldBytes + 1, 'x'));
  absl::Status s = CheckDraft(draft);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "draft.printing_office: 2001 bytes, longer than 2000");
  draft.clear_printing_office();

  draft.add_work_progress()->set_lead("一是");
  draft.add_work_progress()->set_body(
      std::string(kMaxNarrativeBodyBytes + 1, 'x'));
  EXPECT_EQ(CheckDraft(draft).message(),
            "draft.work_progress[1].body: longer than 20000 bytes");
  draft.clear_work_progress();

  for (int i = 0; i <= kMaxNarrativeItems; ++i) {
    draft.add_typical_experience()->set_lead("经验");
  }
  EXPECT_EQ(CheckDraft(draft).message(),
            "draft.typical_experience: 51 items, more than 50");
}

}  // namespace
}  // namespace zwfw::bulletin
