#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/scoring/scoring_rules.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"
#include "tools/zwfw/text_table.h"
#include "zwfw/v1/scoring.grpc.pb.h"

ABSL_DECLARE_FLAG(std::string, period);
ABSL_DECLARE_FLAG(std::string, department);
ABSL_DECLARE_FLAG(std::string, evidence);
ABSL_FLAG(std::string, points, "",
          "adjustment points, signed, up to two decimals: -0.5, 1, 0.25");
ABSL_FLAG(std::string, reason, "", "why (adjustments add)");
ABSL_FLAG(bool, include_removed, false,
          "adjustments list: the removed ones too, with who removed them");
ABSL_FLAG(std::string, windows, "",
          "window codes, comma-separated, in the bulletin's order");
ABSL_FLAG(std::string, staff, "",
          "staff codes, comma-separated, in the bulletin's order");

namespace zwfw::cli {
namespace {

using zwfw::scoring::FormatPoints;
using zwfw::v1::Scoring;

// "-0.5" -> -50 hundredths; false unless at most two decimals.
bool ParseHundredths(const std::string& text, int64_t* out) {
  std::string t = text;
  bool negative = !t.empty() && t[0] == '-';
  if (negative || (!t.empty() && t[0] == '+')) t = t.substr(1);
  std::vector<std::string> parts = absl::StrSplit(t, '.');
  int64_t whole = 0, fraction = 0;
  if (parts.empty() || parts.size() > 2 || parts[0].empty() ||
      !absl::SimpleAtoi(parts[0], &whole)) {
    return false;
  }
  if (parts.size() == 2) {
    if (parts[1].empty() || parts[1].size() > 2 ||
        !absl::SimpleAtoi(parts[1], &fraction)) {
      return false;
    }
    if (parts[1].size() == 1) fraction *= 10;
  }
  *out = (whole * 100 + fraction) * (negative ? -1 : 1);
  return true;
}

int SetRules(Scoring::Stub& stub, const ClientOptions& options,
             const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileLimited(path, 1 << 20);
  if (!text.ok()) {
    std::cerr << "zwfw: " << text.status().message() << "\n";
    return kExitUsage;
  }
  zwfw::v1::SetRulesRequest request;
  auto parsed = google::protobuf::util::JsonStringToMessage(
      *text, request.mutable_rules());
  if (!parsed.ok()) {
    std::cerr << "zwfw: " << path << " is not a zwfw.v1.ScoringRules in "
              << "proto JSON: " << parsed.message() << "\n";
    return kExitUsage;
  }
  zwfw::v1::ScoringRules stored;
  grpc::Status s = stub.SetRules(NewContext(options).get(), request, &stored);
  if (!s.ok()) return ReportRpcError(s, "set rules from " + path);
  std::cout << "scoring rules version " << stored.version() << ": "
            << stored.rules_size() << " rules, " << stored.tiers_size()
            << " tiers\n";
  return kExitOk;
}

int ShowRules(Scoring::Stub& stub, const ClientOptions& options) {
  zwfw::v1::ScoringRules rules;
  grpc::Status s = stub.GetRules(NewContext(options).get(), {}, &rules);
  if (!s.ok()) return ReportRpcError(s, "show rules");
  if (options.json) {
    std::cout << ToJson(rules);
    return kExitOk;
  }
  std::cout << "版本 " << rules.version() << "（" << rules.set_by()
            << "），基础分 " << FormatPoints(rules.base()) << "\n";
  TextTable table({"规则", "说明", "分值", "封顶", "阈值", "最少样本"});
  for (const auto& r : rules.rules()) {
    const bool count = zwfw::scoring::IsCountIndicator(r.indicator());
    table.AddRow({r.id(), r.text(), FormatPoints(r.points()),
                  r.cap() ? FormatPoints(r.cap()) : "-",
                  count ? "-" : zwfw::scoring::FormatBasisPoints(r.threshold()),
                  count ? "-" : absl::StrCat(r.min_volume())});
  }
  std::cout << table.ToString() << "档次：";
  for (const auto& t : rules.tiers()) {
    std::cout << t.label() << "（" << FormatPoints(t.floor()) << "） ";
  }
  std::cout << "\n";
  return kExitOk;
}

int Adjustments(Scoring::Stub& stub, const ClientOptions& options,
                const std::vector<std::string>& args) {
  const std::string verb = args.size() > 1 ? args[1] : "";
  if (verb == "add" && args.size() == 2) {
    zwfw::v1::AddAdjustmentRequest request;
    zwfw::v1::Adjustment* a = request.mutable_adjustment();
    a->set_period(absl::GetFlag(FLAGS_period));
    a->set_department_code(absl::GetFlag(FLAGS_department));
    a->set_reason(absl::GetFlag(FLAGS_reason));
    a->set_evidence(absl::GetFlag(FLAGS_evidence));
    int64_t points = 0;
    if (!ParseHundredths(absl::GetFlag(FLAGS_points), &points)) {
      std::cerr << "zwfw: --points=" << absl::GetFlag(FLAGS_points)
                << " is not a number of points like -0.5\n";
      return kExitUsage;
    }
    a->set_points(points);
    zwfw::v1::AddAdjustmentResponse response;
    grpc::Status s =
        stub.AddAdjustment(NewContext(options).get(), request, &response);
    if (!s.ok()) return ReportRpcError(s, "add adjustment");
    std::cout << "adjustment " << response.adjustment().adjustment_id() << ": "
              << response.adjustment().department_code() << " "
              << FormatPoints(response.adjustment().points()) << "\n";
    return kExitOk;
  }
  if (verb == "list" && args.size() == 2) {
    zwfw::v1::ListAdjustmentsRequest request;
    request.set_period(absl::GetFlag(FLAGS_period));
    request.set_department_code(absl::GetFlag(FLAGS_department));
    request.set_include_removed(absl::GetFlag(FLAGS_include_removed));
    zwfw::v1::ListAdjustmentsResponse response;
    grpc::Status s =
        stub.ListAdjustments(NewContext(options).get(), request, &response);
    if (!s.ok()) return ReportRpcError(s, "list adjustments");
    if (options.json) {
      std::cout << ToJson(response);
      return kExitOk;
    }
    TextTable table({"编号", "部门", "分值", "原因", "依据", "录入", "撤销"});
    for (const auto& a : response.adjustments()) {
      table.AddRow({absl::StrCat(a.adjustment_id()), a.department_code(),
                    FormatPoints(a.points()), a.reason(), a.evidence(),
                    a.added_by(), a.removed_by()});
    }
    std::cout << table.ToString();
    return kExitOk;
  }
  int64_t id = 0;
  if (verb == "remove" && args.size() == 3 && absl::SimpleAtoi(args[2], &id)) {
    zwfw::v1::RemoveAdjustmentRequest request;
    request.set_adjustment_id(id);
    zwfw::v1::RemoveAdjustmentResponse response;
    grpc::Status s =
        stub.RemoveAdjustment(NewContext(options).get(), request, &response);
    if (!s.ok()) return ReportRpcError(s, "remove adjustment");
    std::cout << "adjustment " << id << " removed\n";
    return kExitOk;
  }
  std::cerr << GroupUsage("adjustments");
  return kExitUsage;
}

int Scores(Scoring::Stub& stub, const ClientOptions& options,
           const std::string& verb) {
  zwfw::v1::ComputeScorecardRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  zwfw::v1::Scorecard card;
  grpc::Status s =
      stub.ComputeScorecard(NewContext(options).get(), request, &card);
  if (!s.ok()) return ReportRpcError(s, "scores");
  if (options.json) {
    std::cout << ToJson(card);
    return kExitOk;
  }
  if (verb == "explain") {
    const std::string wanted = absl::GetFlag(FLAGS_department);
    for (const auto& d : card.departments()) {
      if (d.department_code() != wanted && d.department_name() != wanted) {
        continue;
      }
      std::cout << d.department_name() << "（" << d.department_code() << "）"
                << card.period() << "：" << FormatPoints(d.score()) << "分"
                << (d.tier().empty() ? "" : "，" + d.tier()) << "\n"
                << "  基础分 "
                << FormatPoints(d.score() -
                                [&] {
                                  int64_t sum = 0;
                                  for (const auto& l : d.lines())
                                    sum += l.points();
                                  return sum;
                                }())
                << "\n";
      for (const auto& l : d.lines()) {
        std::cout << "  "
                  << (l.points() > 0   ? "+"
                      : l.points() < 0 ? ""
                                       : " ")
                  << FormatPoints(l.points()) << "  " << l.text() << "："
                  << l.detail();
        if (l.evidence_size() > 0) {
          std::cout << "（如 ";
          for (int i = 0; i < l.evidence_size(); ++i) {
            std::cout << (i ? "、" : "") << l.evidence(i);
          }
          std::cout << "）";
        }
        std::cout << "\n";
      }
      std::cout << "规则版本 " << card.rules_version()
                << (card.frozen() ? "，已定稿" : "，未定稿") << "\n";
      return kExitOk;
    }
    std::cerr << "zwfw: no department \"" << wanted << "\" in the scorecard\n";
    return kExitUsage;
  }
  TextTable table({"名次", "部门", "得分", "档次"});
  int n = 0;
  for (const auto& d : card.departments()) {
    table.AddRow({absl::StrCat(++n), d.department_name(),
                  FormatPoints(d.score()), d.tier()});
  }
  std::cout << card.period() << " 绩效考核（规则版本 " << card.rules_version()
            << (card.frozen() ? "，已定稿" : "") << "）\n"
            << table.ToString();
  auto print_awards =
      [](const char* title,
         const google::protobuf::RepeatedPtrField<zwfw::v1::Award>& awards) {
        if (awards.empty()) return;
        std::cout << title << "\n";
        for (const auto& a : awards) {
          std::cout << "  " << a.name() << "（" << a.code() << "）："
                    << a.reason() << "\n";
        }
      };
  print_awards("推荐优质服务窗口：", card.proposed_windows());
  print_awards("推荐优质服务标兵：", card.proposed_staff());
  print_awards("确认优质服务窗口：", card.windows());
  print_awards("确认优质服务标兵：", card.staff());
  return kExitOk;
}

int SetAwards(Scoring::Stub& stub, const ClientOptions& options) {
  zwfw::v1::SetAwardsRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  for (absl::string_view w :
       absl::StrSplit(absl::GetFlag(FLAGS_windows), ',', absl::SkipEmpty())) {
    request.add_windows(std::string(w));
  }
  for (absl::string_view m :
       absl::StrSplit(absl::GetFlag(FLAGS_staff), ',', absl::SkipEmpty())) {
    request.add_staff(std::string(m));
  }
  zwfw::v1::SetAwardsResponse response;
  grpc::Status s =
      stub.SetAwards(NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, "set awards");
  std::cout << response.windows_size() << " windows and "
            << response.staff_size() << " staff confirmed for "
            << request.period() << "\n";
  return kExitOk;
}

}  // namespace

int RunScoringCommand(const ClientOptions& options, const std::string& command,
                      const std::vector<std::string>& args) {
  std::shared_ptr<grpc::Channel> channel =
      ConnectOrSay(options, options.scoring);
  if (channel == nullptr) return kExitUsage;
  auto stub = Scoring::NewStub(channel);
  std::vector<std::string> all = {command};
  all.insert(all.end(), args.begin(), args.end());
  if (command == "rules" && args.size() == 2 && args[0] == "set") {
    return SetRules(*stub, options, args[1]);
  }
  if (command == "rules" && args.size() == 1 && args[0] == "show") {
    return ShowRules(*stub, options);
  }
  if (command == "adjustments") return Adjustments(*stub, options, all);
  if (command == "scores" && args.size() == 1 && args[0] == "freeze") {
    zwfw::v1::FreezeScorecardRequest request;
    request.set_period(absl::GetFlag(FLAGS_period));
    zwfw::v1::Scorecard card;
    grpc::Status s =
        stub->FreezeScorecard(NewContext(options).get(), request, &card);
    if (!s.ok()) return ReportRpcError(s, "freeze scores");
    std::cout << card.period() << " frozen: " << card.departments_size()
              << " departments, rules version " << card.rules_version() << "\n";
    return kExitOk;
  }
  if (command == "scores" && args.size() == 1 &&
      (args[0] == "compute" || args[0] == "explain")) {
    return Scores(*stub, options, args[0]);
  }
  if (command == "awards" && args.size() == 1 && args[0] == "set") {
    return SetAwards(*stub, options);
  }
  std::cerr << GroupUsage(command);
  return kExitUsage;
}

}  // namespace zwfw::cli
