#include "services/bulletin/composer.h"

#include <gtest/gtest.h>

#include "services/bulletin/writers.h"
#include "tests/testing/test_util.h"

namespace zwfw::bulletin {
namespace {

using zwfw::testing::ParseTextProto;

BulletinInputs Empty() {
  BulletinInputs in;
  in.cases.set_period("2020-09");
  in.draft.set_period("2020-09");
  in.survey.set_period("2020-09");
  return in;
}

TEST(ComposerTest, AMonthWithoutDataSaysSo) {
  std::string p = CaseParagraph(Empty());
  EXPECT_EQ(p,
            "9月份，全区各政务服务部门及单位未受理政务服务和便民服务事项。"
            "本月无超时办件。本月未回访办事群众。");
}

TEST(ComposerTest, MissingDraftFieldsArePlaceholdersWithWarnings) {
  Document doc = Compose(Empty());
  std::string text = WriteText(doc);
  EXPECT_NE(text.find("【待填写：document_number】"), std::string::npos);
  EXPECT_NE(text.find("本月未评选优质服务标兵。"), std::string::npos);
  EXPECT_NE(text.find("本月无考核结果。"), std::string::npos);
  EXPECT_NE(text.find("现将2020年9月份政务服务绩效考核情况通报如下："),
            std::string::npos);
  EXPECT_GE(doc.warnings.size(), 4u);
  // Every format still writes.
  for (auto format :
       {zwfw::v1::BULLETIN_FORMAT_TEXT, zwfw::v1::BULLETIN_FORMAT_MARKDOWN,
        zwfw::v1::BULLETIN_FORMAT_HTML, zwfw::v1::BULLETIN_FORMAT_PDF,
        zwfw::v1::BULLETIN_FORMAT_XLSX, zwfw::v1::BULLETIN_FORMAT_CSV}) {
    auto r = Write(doc, format);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_FALSE(r->content.empty());
  }
  EXPECT_EQ(
      Write(doc, static_cast<zwfw::v1::BulletinFormat>(42)).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(ComposerTest, OvertimeGroupsAndPercentages) {
  BulletinInputs in = Empty();
  in.cases = ParseTextProto<zwfw::v1::GetCaseStatsResponse>(R"pb(
    period: "2020-07"
    approval_total { total: 10 }
    convenience_total { total: 5 }
    center_handled: 3
    center_same_day: 2
    center_completed: 3
    departments {
      department_name: "甲"
      approval { overtime: 1 }
    }
    departments {
      department_name: "乙"
      approval { overtime: 5 }
    }
    departments {
      department_name: "丙"
      convenience { overtime: 1 }
    }
  )pb");
  in.survey.mutable_return_visits()->set_reached(3);
  in.survey.mutable_return_visits()->set_satisfied(2);
  EXPECT_EQ(CaseParagraph(in),
            "7月份，全区各政务服务部门及单位共受理政务服务和便民服务事项15件"
            "（审批服务事项10件，便民服务事项5件）。其中政务服务中心办理3件"
            "（即收即办件2件，占66.7%；中心办结3件，占100%）。本月乙超时5件；"
            "甲、丙超时1件。本月回访办事群众3名，满意率66.7%。");
  EXPECT_EQ(Percent(52740, 55306), "95.4%");
  EXPECT_EQ(Percent(230, 230), "100%");
}

TEST(ComposerTest, TheAttachmentTableHasClassesSpansAndIdleDepartments) {
  BulletinInputs in = Empty();
  in.directory = ParseTextProto<zwfw::v1::DirectorySnapshot>(R"pb(
    departments {
      code: "a"
      name: "区市场监管局"
      table_name: "区市场监督管理局"
    }
  )pb");
  in.cases = ParseTextProto<zwfw::v1::GetCaseStatsResponse>(R"pb(
    period: "2020-07"
    approval_total { total: 3600 }
    departments {
      department_code: "a"
      approval { total: 2000 }
    }
    departments {
      department_code: "b"
      department_name: "乙"
      approval { total: 1500 }
    }
    departments {
      department_code: "c"
      department_name: "丙"
      approval { total: 100 }
    }
    departments { department_code: "d" department_name: "丁" }
  )pb");
  Document doc = Compose(in);
  const auto& rows = doc.attachment.rows;
  ASSERT_EQ(rows.size(), 5u);  // 合计, 3 departments, 无办件
  EXPECT_EQ(rows[0][0].text, "合计");
  EXPECT_EQ(rows[1][1].text, "1000件以上");
  EXPECT_EQ(rows[1][1].row_span, 2);
  EXPECT_EQ(rows[1][2].text, "区市场监督管理局");  // the table's name
  EXPECT_TRUE(rows[2][1].covered);
  EXPECT_EQ(rows[3][1].text, "1-100件");  // 100 is not above 100
  EXPECT_EQ(rows[4][1].text, "无办件");
  EXPECT_EQ(rows[4][2].text, "丁");
  ComposerOptions options;
  options.volume_classes.large_above = 1800;
  options.volume_classes.medium_above = 50;
  Document other = Compose(in, options);
  EXPECT_EQ(other.attachment.rows[2][1].text, "51-1800件");
}

}  // namespace
}  // namespace zwfw::bulletin
