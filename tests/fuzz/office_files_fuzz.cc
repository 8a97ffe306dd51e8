// libFuzzer target: the files an office edits by hand — an import mapping,
// a calendar file, a token file, a directory snapshot, the scoring rules, a
// bulletin draft, a bulletin template — each parsed from the same bytes.
// The first byte picks the file (so one corpus covers all seven). Rules and
// drafts are read as the CLI reads them (proto JSON), checked as the RPC checks
// them, then used: rules score a month, a draft is composed into the bulletin
// and written in the text formats. Nothing may crash, leak or trip UBSan;
// errors are statuses naming the line or field.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/bulletin/composer.h"
#include "services/bulletin/draft_rules.h"
#include "services/bulletin/template_composer.h"
#include "services/bulletin/writers.h"
#include "services/common/auth.h"
#include "services/common/calendar.h"
#include "services/common/directory_index.h"
#include "services/common/period.h"
#include "services/scoring/scorecard.h"
#include "services/scoring/scoring_rules.h"
#include "tools/zwfw/table_import.h"

namespace {

// The target's own fixed inputs: a typo in them stops it at once.
template <typename M>
M FromText(const char* text) {
  M message;
  if (!google::protobuf::TextFormat::ParseFromString(text, &message)) {
    std::abort();
  }
  return message;
}

// A small month: three departments, one without business, with ratings,
// overtime and a return visit, so that every rule and sentence has figures.
const zwfw::scoring::ScoringInputs& Month() {
  static const auto* const inputs = [] {
    auto* in = new zwfw::scoring::ScoringInputs;
    in->cases = FromText<zwfw::v1::GetCaseStatsResponse>(R"pb(
      period: "2020-07"
      departments {
        department_code: "a"
        department_name: "区公安局"
        approval {
          total: 120
          center: 80
          online: 30
          completed: 110
          overtime: 2
          completed_in_center: 70
          center_same_day: 40
        }
        convenience { total: 30 center: 30 completed: 30 }
      }
      departments {
        department_code: "b"
        department_name: "区人力社保局"
        approval { total: 7 department_site: 7 completed: 7 }
      }
      departments { department_code: "c" department_name: "区档案馆" }
      approval_total {
        total: 127
        center: 80
        online: 30
        completed: 117
        overtime: 2
      }
      convenience_total { total: 30 center: 30 completed: 30 }
      center_handled: 110
      center_same_day: 40
      center_completed: 100
    )pb");
    in->survey = FromText<zwfw::v1::GetSatisfactionStatsResponse>(R"pb(
      period: "2020-07"
      departments {
        department_code: "a"
        department_name: "区公安局"
        ratings {
          active_by_rating: [ 1, 0, 2, 10, 40 ]
          defaulted_by_rating: [ 0, 0, 0, 0, 5 ]
          active: 53
          defaulted: 5
          satisfaction_rate { numerator: 57 denominator: 58 }
          good_rate { numerator: 55 denominator: 58 }
          bad_rate { numerator: 1 denominator: 58 }
          active_rate { numerator: 53 denominator: 150 }
        }
        return_visits {
          made: 3
          reached: 3
          satisfied: 2
          satisfaction_rate { numerator: 2 denominator: 3 }
        }
        rectifications { opened: 1 closed_on_time: 1 }
      }
      windows {
        window_code: "w-a"
        window_name: "公安窗口"
        department_code: "a"
        ratings {
          active: 53
          satisfaction_rate { numerator: 52 denominator: 53 }
        }
      }
      total {
        active: 53
        defaulted: 5
        satisfaction_rate { numerator: 57 denominator: 58 }
      }
      satisfied_levels: [ 3, 4, 5 ]
    )pb");
    in->evidence["a"].overtime_cases = {"QJ-2020-0001", "QJ-2020-0002"};
    in->evidence["a"].bad_ratings = {"E-1"};
    zwfw::v1::Adjustment bonus;
    bonus.set_adjustment_id(1);
    bonus.set_department_code("b");
    bonus.set_points(50);
    bonus.set_reason("窗口服务获群众书面表扬");
    in->adjustments.push_back(bonus);
    return in;
  }();
  return *inputs;
}

void Rules(const std::string& text) {
  zwfw::v1::ScoringRules rules;
  if (!google::protobuf::util::JsonStringToMessage(text, &rules).ok()) return;
  if (!zwfw::scoring::ValidateRules(rules).ok()) return;
  (void)zwfw::scoring::ComputeScorecard("2020-07", rules, Month());
}

void Draft(const std::string& text) {
  zwfw::bulletin::BulletinInputs in;
  if (!google::protobuf::util::JsonStringToMessage(text, &in.draft).ok()) {
    return;
  }
  if (!zwfw::Period::Parse(in.draft.period()).ok()) return;
  if (!zwfw::bulletin::CheckDraft(in.draft).ok()) return;
  in.cases = Month().cases;
  in.survey = Month().survey;
  for (const auto& d : in.cases.departments()) {
    zwfw::v1::Department* department = in.directory.add_departments();
    department->set_code(d.department_code());
    department->set_name(d.department_name());
  }
  static const auto* const rules =
      new zwfw::v1::ScoringRules(FromText<zwfw::v1::ScoringRules>(R"pb(
        base: 10000
        tiers { floor: 10000 label: "100分以上" }
        tiers { floor: 9900 label: "99分以上" }
        rules {
          id: "overtime"
          text: "超时办件"
          indicator: INDICATOR_OVERTIME_CASES
          points: -25
        }
      )pb"));
  in.scorecard = zwfw::scoring::ComputeScorecard("2020-07", *rules, Month());
  const zwfw::bulletin::Document document = zwfw::bulletin::Compose(in);
  (void)zwfw::bulletin::WriteText(document);
  (void)zwfw::bulletin::WriteMarkdown(document);
  (void)zwfw::bulletin::WriteHtml(document);
  (void)zwfw::bulletin::WriteCsv(document);
}

// A bulletin template (bulletin_template.h), parsed as SetTemplate parses
// it, then composed over the small month's departments and written.
void Template(const std::string& text) {
  absl::StatusOr<zwfw::bulletin::BulletinTemplate> t =
      zwfw::bulletin::BulletinTemplate::Parse(text);
  if (!t.ok()) return;
  zwfw::v1::DirectorySnapshot directory;
  zwfw::bulletin::PeriodAggregates now{
      *zwfw::ReportPeriod::Parse("2020-07"), {}, {}};
  int n = 0;
  for (const auto& d : Month().cases.departments()) {
    zwfw::v1::Department* department = directory.add_departments();
    department->set_code(d.department_code());
    department->set_name(d.department_name());
    department->set_group(n++ % 2 == 0 ? "甲组" : "乙组");
    zwfw::v1::DepartmentCaseSums* sums = now.cases.add_departments();
    sums->set_department_code(d.department_code());
    for (size_t m = 0; m < t->plan().measures().size(); ++m) {
      zwfw::v1::CaseSums* s = sums->add_sums();
      s->set_cases(d.approval().total());
      s->set_timed(d.approval().completed());
      s->set_working_seconds(d.approval().completed() * 86400);
      s->set_promised_days(d.approval().completed() * 5);
    }
  }
  now.satisfaction = Month().survey;
  zwfw::bulletin::PeriodAggregates before = now;
  before.period = *zwfw::ReportPeriod::Parse("2020-06");
  // The lists a template may quote: awards, tiers, a correction.
  zwfw::v1::Scorecard card;
  zwfw::v1::GetCaseStatsResponse corrected;
  for (const auto& d : directory.departments()) {
    zwfw::v1::DepartmentScore* score = card.add_departments();
    score->set_department_name(d.name());
    score->set_tier(card.departments_size() % 3 == 0 ? "" : "100分以上");
    zwfw::v1::Award* staff = card.add_staff();
    staff->set_name("甲");
    staff->set_window_code(d.code());
    card.add_windows()->set_name(d.name());
    zwfw::v1::CaseCorrection* c = corrected.add_corrections();
    c->set_department_code(d.code());
    c->set_corrected_month("2020-06");
  }
  const zwfw::bulletin::Document document = zwfw::bulletin::ComposeFromTemplate(
      *t, zwfw::v1::Draft(), directory, now, &before, nullptr,
      {&card, &corrected.corrections()});
  (void)zwfw::bulletin::WriteText(document);
  (void)zwfw::bulletin::WriteCsv(document);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      (void)zwfw::cli::ParseMapping(text);
      break;
    case 1: {
      auto calendar = zwfw::Calendar::FromFiles({{"2020.txt", text}});
      if (calendar.ok()) {
        (void)calendar->AddWorkingDays(absl::CivilDay(2020, 9, 30), 5);
        (void)calendar->EndOfWorkingDay(absl::FromUnixSeconds(1601431200), 5);
      }
      break;
    }
    case 2: {
      auto tokens = zwfw::TokenStore::FromContents(text);
      if (tokens.ok()) (void)(*tokens)->Authenticate("admin");
      break;
    }
    case 4:
      Rules(text);
      break;
    case 5:
      Draft(text);
      break;
    case 6:
      Template(text);
      break;
    default: {
      zwfw::v1::DirectorySnapshot snapshot;
      if (google::protobuf::util::JsonStringToMessage(text, &snapshot).ok()) {
        auto index = zwfw::DirectoryIndex::Build(snapshot, 1);
        if (index.ok()) (void)(*index)->FindDepartment("区公安局");
      }
    }
  }
  return 0;
}
