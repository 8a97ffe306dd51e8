// Who may rate (rating_sources.h), one rule a test, on the Qijiang
// directory: windows qj-w01 and qj-w02 serve qj-gaj, qj-w03 qj-scjgj.
#include "services/survey/rating_sources.h"

#include <gtest/gtest.h>

#include "services/common/proto_time.h"
#include "tests/testing/test_util.h"

namespace zwfw::survey {
namespace {

using zwfw::testing::Cst;
using zwfw::v1::Evaluation;

class RatingSourcesTest : public ::testing::Test {
 protected:
  RatingSourcesTest()
      : directory_(*DirectoryIndex::Build(testing::QijiangDirectory(), 1)) {}

  absl::Status Apply(const std::string& role, Evaluation* e) {
    return ApplyRatingSource(*ParseRole(role), *directory_, e);
  }
  static Evaluation Rating(const std::string& department,
                           const std::string& window,
                           const std::string& case_no) {
    Evaluation e;
    e.set_department_code(department);
    e.set_window_code(window);
    e.set_case_no(case_no);
    *e.mutable_evaluated_at() = ToProto(Cst(2020, 7, 3, 10));
    return e;
  }

  std::shared_ptr<const DirectoryIndex> directory_;
};

TEST_F(RatingSourcesTest, ADepartmentNeverRatesItself) {
  Evaluation own = Rating("qj-gaj", "", "c1");
  absl::Status s = Apply("department:qj-gaj", &own);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("never rates itself"), std::string::npos) << s;
  EXPECT_EQ(MayRate(*ParseRole("department:qj-gaj")).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(MayRate(*ParseRole("viewer")).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(MayRate(*ParseRole("channel:sms")).ok());
}

TEST_F(RatingSourcesTest, AWindowDeviceRatesForItsWindowOnly) {
  // Department and window from the token when the request leaves them out.
  Evaluation bare = Rating("", "", "c1");
  ASSERT_TRUE(Apply("evaluator:qj-w01", &bare).ok());
  EXPECT_EQ(bare.department_code(), "qj-gaj");
  EXPECT_EQ(bare.window_code(), "qj-w01");
  // The same when the request names them, by alias or code.
  Evaluation named = Rating("qj-gaj", "qj-w01", "c1");
  EXPECT_TRUE(Apply("evaluator:qj-w01", &named).ok());
  // Another window of the same department, or another department: refused.
  Evaluation other_window = Rating("qj-gaj", "qj-w02", "c1");
  EXPECT_EQ(Apply("evaluator:qj-w01", &other_window).code(),
            absl::StatusCode::kPermissionDenied);
  Evaluation other_department = Rating("qj-scjgj", "", "c1");
  EXPECT_EQ(Apply("evaluator:qj-w01", &other_department).code(),
            absl::StatusCode::kPermissionDenied);
  // A token for a window the directory does not have rates nothing.
  Evaluation unknown = Rating("", "", "c1");
  EXPECT_EQ(Apply("evaluator:qj-w99", &unknown).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(RatingSourcesTest, ChannelsRateCasesOnly) {
  Evaluation walk_in = Rating("qj-gaj", "", "");
  absl::Status s = Apply("channel:online", &walk_in);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("window devices"), std::string::npos) << s;
  Evaluation rated = Rating("qj-gaj", "", "c1");
  EXPECT_TRUE(Apply("channel:online", &rated).ok());
  EXPECT_TRUE(NeedsCaseCheck(*ParseRole("channel:online"), rated));
  EXPECT_TRUE(NeedsCaseCheck(*ParseRole("evaluator:qj-w01"), rated));
  // The office's imports are not checked against intake.
  EXPECT_FALSE(NeedsCaseCheck(*ParseRole("admin"), rated));
  EXPECT_FALSE(NeedsCaseCheck(*ParseRole("evaluator:qj-w01"), walk_in));
}

TEST_F(RatingSourcesTest, ACaseMustBeKnownAndRatedAfterItsAcceptance) {
  Evaluation e = Rating("qj-gaj", "", "c1");
  EXPECT_EQ(CheckAgainstCase(e, std::nullopt).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckAgainstCase(e, Cst(2020, 7, 3, 9)).ok());
  absl::Status early = CheckAgainstCase(e, Cst(2020, 7, 3, 11));
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(early.message().substr(0, 13), "evaluated_at:") << early;
}

TEST_F(RatingSourcesTest, WalkInsCountOnTheirChinaDay) {
  Evaluation walk_in = Rating("qj-gaj", "qj-w01", "");
  // 2020-07-03 23:30 CST is 15:30 UTC: still the 3rd.
  *walk_in.mutable_evaluated_at() = ToProto(Cst(2020, 7, 3, 23, 30));
  EXPECT_EQ(WalkInDay(*ParseRole("evaluator:qj-w01"), walk_in), "2020-07-03");
  EXPECT_EQ(WalkInDay(*ParseRole("admin"), walk_in), "");
  EXPECT_EQ(WalkInDay(*ParseRole("evaluator:qj-w01"),
                      Rating("qj-gaj", "qj-w01", "c1")),
            "");
}

}  // namespace
}  // namespace zwfw::survey
