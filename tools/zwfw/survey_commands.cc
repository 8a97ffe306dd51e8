#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/percent.h"
#include "services/common/period.h"
#include "services/common/proto_enum.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"
#include "tools/zwfw/import_plan.h"
#include "tools/zwfw/jsonl_import.h"
#include "tools/zwfw/text_table.h"
#include "zwfw/v1/survey.grpc.pb.h"

ABSL_DECLARE_FLAG(std::string, period);
ABSL_DECLARE_FLAG(std::string, department);
ABSL_DECLARE_FLAG(std::string, mapping);
ABSL_DECLARE_FLAG(bool, check);
ABSL_DECLARE_FLAG(std::string, indicator);
ABSL_DECLARE_FLAG(bool, denominator);
ABSL_FLAG(std::string, state, "",
          "rectification state: pending_verification, rectifying, rectified, "
          "closed, appealed, appeal_upheld, appeal_rejected");
ABSL_FLAG(bool, overdue_only, false, "only overdue rectifications");
ABSL_FLAG(std::string, note, "", "what was done (rectifications update)");
ABSL_FLAG(std::string, evidence, "",
          "where the proof is (rectifications "
          "update)");
ABSL_FLAG(int, follow_up_rating, 0,
          "the citizen's rating of the rectification, to close it");

namespace zwfw::cli {
namespace {

using zwfw::v1::Survey;

constexpr int kSurveyBatch = 1000;

// "95.4%", or "无数据" when there is nothing to divide by.
std::string Percent(const zwfw::v1::Rate& r) {
  if (r.denominator() == 0) return "无数据";
  return FormatPercent(r.numerator(), r.denominator());
}

// Sends JSON lines of `prototype` in batches through `call`, which returns
// the batch's results.
template <typename Request, typename Response>
int ImportBatches(
    const ClientOptions& options, const std::string& path,
    absl::string_view record, const google::protobuf::Message& prototype,
    const std::function<grpc::Status(const Request&, Response*)>& call,
    const std::function<void(Request&, google::protobuf::Message&)>& add) {
  const std::string mapping = absl::GetFlag(FLAGS_mapping);
  if (absl::GetFlag(FLAGS_check)) {
    return CheckImport(options, path, mapping, record);
  }
  absl::StatusOr<ImportPlan> plan =
      PlanImport(options, path, mapping, record, prototype);
  if (!plan.ok()) {
    std::cerr << "zwfw: " << plan.status().message() << "\n";
    return absl::IsUnavailable(plan.status()) ? kExitCallFailed : kExitUsage;
  }
  ImportTally& tally = *plan->tally;
  grpc::Status failure;
  int64_t sent = 0;
  plan->source(
      kSurveyBatch, tally,
      [&](std::vector<std::unique_ptr<google::protobuf::Message>> records,
          std::vector<int64_t> lines) {
        Request request;
        for (auto& r : records) add(request, *r);
        Response response;
        failure = call(request, &response);
        sent += records.size();
        if (!failure.ok()) {
          tally.Unanswered(records.size());
          return false;
        }
        for (const auto& r : response.results()) tally.Add(r, lines[r.index()]);
        tally.Progress(sent);
        return true;
      });
  std::cout << tally.Summary() << "\n";
  if (!failure.ok()) return ReportRpcError(failure, "import " + path);
  return tally.ExitCode();
}

int ImportEvaluations(Survey::Stub& stub, const ClientOptions& options,
                      const std::string& path) {
  return ImportBatches<zwfw::v1::SubmitEvaluationsRequest,
                       zwfw::v1::SubmitEvaluationsResponse>(
      options, path, "evaluation", zwfw::v1::Evaluation(),
      [&](const auto& request, auto* response) {
        return stub.SubmitEvaluations(NewContext(options).get(), request,
                                      response);
      },
      [](auto& request, google::protobuf::Message& m) {
        request.add_evaluations()->Swap(static_cast<zwfw::v1::Evaluation*>(&m));
      });
}

int ImportVisits(Survey::Stub& stub, const ClientOptions& options,
                 const std::string& path) {
  return ImportBatches<zwfw::v1::RecordReturnVisitsRequest,
                       zwfw::v1::RecordReturnVisitsResponse>(
      options, path, "visit", zwfw::v1::ReturnVisit(),
      [&](const auto& request, auto* response) {
        return stub.RecordReturnVisits(NewContext(options).get(), request,
                                       response);
      },
      [](auto& request, google::protobuf::Message& m) {
        request.add_visits()->Swap(static_cast<zwfw::v1::ReturnVisit*>(&m));
      });
}

bool ParseState(const std::string& text, zwfw::v1::RectificationState* state) {
  const auto* value =
      FindEnumValue(zwfw::v1::RectificationState_descriptor(), text);
  if (value == nullptr) return false;
  *state = static_cast<zwfw::v1::RectificationState>(value->number());
  return true;
}

std::string StateName(zwfw::v1::RectificationState state) {
  return absl::AsciiStrToLower(
      zwfw::v1::RectificationState_Name(state).substr(20));
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(t.seconds()),
                          ChinaTimeZone());
}

// The ratings behind a figure (--indicator, --denominator) or of a period.
int ListEvaluations(Survey::Stub& stub, const ClientOptions& options) {
  zwfw::v1::ListEvaluationsRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  request.set_department_code(absl::GetFlag(FLAGS_department));
  request.set_indicator(absl::GetFlag(FLAGS_indicator));
  request.set_denominator(absl::GetFlag(FLAGS_denominator));
  zwfw::v1::ListEvaluationsResponse response;
  grpc::Status s =
      stub.ListEvaluations(NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, "list evaluations");
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  TextTable table(
      {"评价编号", "部门", "办件编号", "窗口", "评分", "评价时间", "默认"});
  for (const auto& e : response.evaluations()) {
    table.AddRow({e.evaluation_id(), e.department_code(), e.case_no(),
                  e.window_code(), absl::StrCat(e.rating()),
                  Time(e.evaluated_at()), e.defaulted() ? "默认" : ""});
  }
  std::cout << table.ToString() << response.evaluations_size() << " ratings"
            << (response.truncated() ? " (more: narrow by --department)" : "")
            << "\n";
  return kExitOk;
}

// The return visits behind a figure (--indicator, --denominator) or of a
// period.
int ListVisits(Survey::Stub& stub, const ClientOptions& options) {
  zwfw::v1::ListReturnVisitsRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  request.set_department_code(absl::GetFlag(FLAGS_department));
  request.set_indicator(absl::GetFlag(FLAGS_indicator));
  request.set_denominator(absl::GetFlag(FLAGS_denominator));
  zwfw::v1::ListReturnVisitsResponse response;
  grpc::Status s =
      stub.ListReturnVisits(NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, "list return visits");
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  TextTable table({"回访编号", "部门", "办件编号", "回访时间", "接通", "评分"});
  for (const auto& v : response.visits()) {
    table.AddRow({v.visit_id(), v.department_code(), v.case_no(),
                  Time(v.visited_at()), v.reached() ? "接通" : "未接通",
                  v.reached() ? absl::StrCat(v.rating()) : ""});
  }
  std::cout << table.ToString() << response.visits_size() << " return visits"
            << (response.truncated() ? " (more: narrow by --department)" : "")
            << "\n";
  return kExitOk;
}

int ListRectifications(Survey::Stub& stub, const ClientOptions& options) {
  zwfw::v1::ListRectificationsRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  request.set_department_code(absl::GetFlag(FLAGS_department));
  request.set_overdue_only(absl::GetFlag(FLAGS_overdue_only));
  request.set_indicator(absl::GetFlag(FLAGS_indicator));
  const std::string state = absl::GetFlag(FLAGS_state);
  if (!state.empty()) {
    zwfw::v1::RectificationState parsed;
    if (!ParseState(state, &parsed)) {
      std::cerr << "zwfw: --state=" << state << " is not a state\n";
      return kExitUsage;
    }
    request.set_state(parsed);
  }
  zwfw::v1::ListRectificationsResponse response;
  grpc::Status s =
      stub.ListRectifications(NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, "list rectifications");
  if (options.json) {
    std::cout << ToJson(response);
    return kExitOk;
  }
  TextTable table({"评价编号", "部门", "办件编号", "评分", "状态", "差评时间",
                   "整改期限", "超期"});
  for (const auto& r : response.rectifications()) {
    table.AddRow({r.evaluation_id(), r.department_code(), r.case_no(),
                  absl::StrCat(r.rating()), StateName(r.state()),
                  Time(r.opened_at()), Time(r.due_at()),
                  r.overdue() ? "超期" : ""});
  }
  std::cout << table.ToString() << response.rectifications_size()
            << " rectifications\n";
  return kExitOk;
}

int UpdateRectification(Survey::Stub& stub, const ClientOptions& options,
                        const std::string& id, const std::string& state) {
  zwfw::v1::UpdateRectificationRequest request;
  request.set_evaluation_id(id);
  zwfw::v1::RectificationState parsed;
  if (!ParseState(state, &parsed)) {
    std::cerr << "zwfw: \"" << state << "\" is not a rectification state\n";
    return kExitUsage;
  }
  request.set_state(parsed);
  request.set_note(absl::GetFlag(FLAGS_note));
  request.set_evidence(absl::GetFlag(FLAGS_evidence));
  request.set_follow_up_rating(absl::GetFlag(FLAGS_follow_up_rating));
  zwfw::v1::UpdateRectificationResponse response;
  grpc::Status s =
      stub.UpdateRectification(NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, "update rectification " + id);
  if (options.json) {
    std::cout << ToJson(response);
  } else {
    std::cout << id << ": " << StateName(response.rectification().state())
              << (response.rectification().overdue() ? " (超期)" : "") << "\n";
  }
  return kExitOk;
}

int Satisfaction(Survey::Stub& stub, const ClientOptions& options) {
  zwfw::v1::GetSatisfactionStatsRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  if (request.period().empty()) {
    std::cerr << "zwfw: satisfaction needs --period, e.g. --period=2020-07\n";
    return kExitUsage;
  }
  zwfw::v1::GetSatisfactionStatsResponse stats;
  grpc::Status s =
      stub.GetSatisfactionStats(NewContext(options).get(), request, &stats);
  if (!s.ok()) return ReportRpcError(s, "satisfaction");
  if (options.json) {
    std::cout << ToJson(stats);
    return kExitOk;
  }
  auto ratings_row = [](const std::string& name,
                        const zwfw::v1::SatisfactionCounters& c) {
    std::vector<std::string> row = {name};
    for (int i = 4; i >= 0; --i) {
      row.push_back(
          absl::StrCat(c.active_by_rating(i) + c.defaulted_by_rating(i)));
    }
    row.push_back(absl::StrCat(c.defaulted()));
    row.push_back(Percent(c.good_rate()));
    row.push_back(Percent(c.bad_rate()));
    row.push_back(Percent(c.satisfaction_rate()));
    row.push_back(Percent(c.active_rate()));
    return row;
  };
  std::vector<std::string> header = {
      "部门", "非常满意", "满意",   "基本满意", "不满意",    "非常不满意",
      "默认", "好评率",   "差评率", "满意率",   "主动评价率"};
  TextTable departments(header);
  for (const auto& d : stats.departments()) {
    departments.AddRow(ratings_row(d.department_name(), d.ratings()));
  }
  departments.AddRow(ratings_row("合计", stats.total()));
  std::cout << stats.period() << " 好差评\n" << departments.ToString();
  if (stats.windows_size() > 0) {
    header[0] = "窗口";
    TextTable windows(header);
    for (const auto& w : stats.windows()) {
      windows.AddRow(ratings_row(w.window_name(), w.ratings()));
    }
    std::cout << "\n" << windows.ToString();
  }
  const auto& v = stats.return_visits();
  const auto& r = stats.rectifications();
  std::cout << "\n本月回访办事群众" << v.reached() << "名（回访" << v.made()
            << "次），满意率" << Percent(v.satisfaction_rate()) << "。\n"
            << "差评整改：新增" << r.opened() << "件，按期办结"
            << r.closed_on_time() << "件，超期" << r.overdue() << "件，未办结"
            << r.open() << "件，申诉成立" << r.voided() << "件。\n"
            << "数据版本 " << stats.data_version() << "\n";
  return kExitOk;
}

}  // namespace

int RunSurveyCommand(const ClientOptions& options, const std::string& command,
                     const std::vector<std::string>& args) {
  std::shared_ptr<grpc::Channel> channel =
      ConnectOrSay(options, options.survey);
  if (channel == nullptr) return kExitUsage;
  auto stub = Survey::NewStub(channel);
  if (command == "evaluations" && args.size() == 2 && args[0] == "import") {
    return ImportEvaluations(*stub, options, args[1]);
  }
  if (command == "visits" && args.size() == 2 && args[0] == "import") {
    return ImportVisits(*stub, options, args[1]);
  }
  if (command == "evaluations" && args.size() == 1 && args[0] == "list") {
    return ListEvaluations(*stub, options);
  }
  if (command == "visits" && args.size() == 1 && args[0] == "list") {
    return ListVisits(*stub, options);
  }
  if (command == "rectifications" && args.size() == 1 && args[0] == "list") {
    return ListRectifications(*stub, options);
  }
  if (command == "rectifications" && args.size() == 3 && args[0] == "update") {
    return UpdateRectification(*stub, options, args[1], args[2]);
  }
  if (command == "satisfaction" && args.empty()) {
    return Satisfaction(*stub, options);
  }
  std::cerr << GroupUsage(command);
  return kExitUsage;
}

}  // namespace zwfw::cli
