// zwfw indicators --period P [--compare] [--top N] [--json] (--template T |
// INDICATOR...): the
// figures of any indicators of the library (README "Indicators") in total,
// per unit group and per department, from the bulletin service.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"
#include "tools/zwfw/text_table.h"
#include "zwfw/v1/bulletin.grpc.pb.h"

ABSL_DECLARE_FLAG(std::string, period);
ABSL_FLAG(bool, compare, false,
          "indicators: also the change against the previous period");
ABSL_FLAG(std::string, template, "",
          "indicators: the indicators of this stored template (templates set)");
ABSL_FLAG(int, top, 0,
          "indicators: also the N departments ranked first by each, and those "
          "at zero");

namespace zwfw::cli {

int RunIndicatorsCommand(const ClientOptions& options,
                         const std::vector<std::string>& args) {
  zwfw::v1::GetIndicatorsRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  request.set_compare(absl::GetFlag(FLAGS_compare));
  request.set_top(absl::GetFlag(FLAGS_top));
  request.set_template_(absl::GetFlag(FLAGS_template));
  for (const std::string& a : args) request.add_indicators(a);
  if (request.period().empty() || args.empty() == request.template_().empty()) {
    std::cerr << GroupUsage("indicators");
    return kExitUsage;
  }
  std::shared_ptr<grpc::Channel> channel =
      ConnectOrSay(options, options.bulletin);
  if (channel == nullptr) return kExitUsage;
  zwfw::v1::GetIndicatorsResponse response;
  grpc::Status s = zwfw::v1::Bulletin::NewStub(channel)->GetIndicators(
      NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, "indicators");
  if (options.json) {
    std::cout << ToJson(response, true);
    return kExitOk;
  }
  std::vector<std::string> header = {"单位"};
  for (const auto& i : response.indicators()) {
    header.push_back(i.chinese() == i.text() || i.text() == i.name()
                         ? i.chinese()
                         : i.chinese() + " " + i.text());
    if (request.compare()) header.push_back("比较");
  }
  TextTable table(std::move(header));
  auto add = [&](const std::string& name, const zwfw::v1::IndicatorRow& r) {
    std::vector<std::string> cells = {name};
    for (int i = 0; i < r.figures_size(); ++i) {
      cells.push_back(r.figures(i).text());
      if (request.compare()) {
        cells.push_back(i < r.change_size() ? r.change(i) : "");
      }
    }
    table.AddRow(std::move(cells));
  };
  add("合计", response.total());
  for (const auto& g : response.groups()) add(g.name(), g);
  for (const auto& d : response.departments()) add(d.name(), d);
  std::cout << response.period_name() << "\n" << table.ToString();
  std::map<std::string, std::string> names;
  for (const auto& d : response.departments()) names[d.code()] = d.name();
  auto list =
      [&](const google::protobuf::RepeatedPtrField<std::string>& codes) {
        std::vector<std::string> out;
        for (const std::string& code : codes) out.push_back(names[code]);
        return absl::StrJoin(out, "、");
      };
  for (int i = 0; i < response.rankings_size(); ++i) {
    const auto& r = response.rankings(i);
    std::cout << response.indicators(i).chinese() << " 前" << r.top_size()
              << "位：" << list(r.top()) << "\n"
              << response.indicators(i).chinese() << " 为零（" << r.zero_size()
              << "个）：" << list(r.zero()) << "\n";
  }
  return kExitOk;
}

}  // namespace zwfw::cli
