#include "services/common/proto_enum.h"

#include <gtest/gtest.h>

#include "zwfw/v1/bulletin.pb.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw {
namespace {

TEST(ProtoEnumTest, FullAndShortNames) {
  const auto* formats = zwfw::v1::BulletinFormat_descriptor();
  EXPECT_EQ(FindEnumValue(formats, "BULLETIN_FORMAT_PDF")->number(),
            zwfw::v1::BULLETIN_FORMAT_PDF);
  EXPECT_EQ(FindEnumValue(formats, "pdf")->number(),
            zwfw::v1::BULLETIN_FORMAT_PDF);
  EXPECT_EQ(FindEnumValue(formats, "Html")->number(),
            zwfw::v1::BULLETIN_FORMAT_HTML);
  EXPECT_EQ(
      FindEnumValue(zwfw::v1::RectificationState_descriptor(), "appeal_upheld")
          ->number(),
      zwfw::v1::RECTIFICATION_STATE_APPEAL_UPHELD);
  EXPECT_EQ(FindEnumValue(formats, "docx"), nullptr);
  EXPECT_EQ(FindEnumValue(formats, ""), nullptr);
}

}  // namespace
}  // namespace zwfw
