#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/common/bearer.h"
#include "services/common/percent.h"
#include "services/common/period.h"
#include "services/common/proto_enum.h"
#include "services/common/status.h"
#include "services/common/volume_classes.h"
#include "tools/zwfw/command_table.h"
#include "tools/zwfw/commands.h"
#include "tools/zwfw/import_plan.h"
#include "tools/zwfw/jsonl_import.h"
#include "tools/zwfw/text_table.h"
#include "zwfw/v1/directory.grpc.pb.h"
#include "zwfw/v1/intake.grpc.pb.h"

ABSL_FLAG(std::string, period, "", "month, e.g. 2020-07");
ABSL_FLAG(std::string, department, "", "department code or name");
ABSL_FLAG(std::string, status, "",
          "case status: accepted, suspended, completed, rejected, withdrawn");
ABSL_FLAG(bool, overtime_only, false, "only overtime cases");
ABSL_FLAG(std::string, indicator, "",
          "cases, evaluations, visits, rectifications list: the records "
          "behind this indicator's figure of --period (e.g. overtime, "
          "same_day_rate[site=center], satisfaction_rate, "
          "rectifications_open)");
ABSL_FLAG(bool, denominator, false,
          "list --indicator: the records of its denominator");
ABSL_FLAG(int, limit, 1000, "list at most this many cases");
ABSL_FLAG(int, batch, 1000, "records per SubmitCases batch");
ABSL_FLAG(int, in_flight, 4, "unacknowledged batches at most");
ABSL_FLAG(std::string, correction, "",
          "admin: the import corrects a published month, for this reason "
          "(listed in the bulletin of the month it is made in)");
ABSL_FLAG(std::string, mapping, "",
          "import a CSV or XLSX export by this mapping (deploy/import/)");
ABSL_FLAG(bool, check, false,
          "with --mapping: read and check the whole export, write nothing");

namespace zwfw::cli {
namespace {

using zwfw::v1::CaseIntake;

int Usage() {
  std::cerr << GroupUsage("cases");
  return kExitUsage;
}

// Streams the file's cases in batches, keeping several in flight, and
// reports every rejected record by its line.
int Import(CaseIntake::Stub& stub, const ClientOptions& options,
           const std::string& path) {
  const std::string mapping = absl::GetFlag(FLAGS_mapping);
  if (absl::GetFlag(FLAGS_check)) {
    return CheckImport(options, path, mapping, "case");
  }
  absl::StatusOr<ImportPlan> plan =
      PlanImport(options, path, mapping, "case", zwfw::v1::Case());
  if (!plan.ok()) {
    std::cerr << "zwfw: " << plan.status().message() << "\n";
    return absl::IsUnavailable(plan.status()) ? kExitCallFailed : kExitUsage;
  }
  const int max_in_flight = std::max(1, absl::GetFlag(FLAGS_in_flight));
  ImportTally& tally = *plan->tally;
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options.token.empty()) {
    AddBearerToken(context.get(), options.token);
  }
  auto stream = stub.SubmitCases(context.get());

  std::mutex mu;
  std::condition_variable cv;
  std::map<uint64_t, std::vector<int64_t>> in_flight;  // batch -> lines
  std::thread reader([&] {
    zwfw::v1::SubmitCasesResponse ack;
    while (stream->Read(&ack)) {
      std::vector<int64_t> lines;
      {
        std::lock_guard<std::mutex> lock(mu);
        lines = std::move(in_flight[ack.batch_id()]);
        in_flight.erase(ack.batch_id());
      }
      cv.notify_all();
      for (const auto& r : ack.results()) {
        tally.Add(r, r.index() < static_cast<int>(lines.size())
                         ? lines[r.index()]
                         : -1);
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& [id, lines] : in_flight) tally.Unanswered(lines.size());
    in_flight.clear();
    cv.notify_all();
  });

  uint64_t batch_id = 0;
  int64_t sent = 0;
  bool stream_ok = true;
  plan->source(
      std::max(1, absl::GetFlag(FLAGS_batch)), tally,
      [&](std::vector<std::unique_ptr<google::protobuf::Message>> records,
          std::vector<int64_t> lines) {
        zwfw::v1::SubmitCasesRequest request;
        request.set_batch_id(++batch_id);
        request.set_correction_reason(absl::GetFlag(FLAGS_correction));
        for (auto& r : records) {
          request.add_cases()->Swap(static_cast<zwfw::v1::Case*>(r.get()));
        }
        {
          std::unique_lock<std::mutex> lock(mu);
          cv.wait(lock, [&] {
            return static_cast<int>(in_flight.size()) < max_in_flight;
          });
          in_flight[batch_id] = std::move(lines);
        }
        sent += request.cases_size();
        stream_ok = stream->Write(request);
        tally.Progress(sent);
        return stream_ok;
      });
  stream->WritesDone();
  reader.join();
  grpc::Status status = stream->Finish();
  std::cout << tally.Summary() << "\n";
  if (!status.ok() || tally.ExitCode() == kExitCallFailed) {
    std::cerr << "zwfw: some records were sent but not acknowledged; import "
                 "the file again (acknowledged ones come back as "
                 "duplicates)\n";
    return ReportRpcError(
        status.ok()
            ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "stream ended early")
            : status,
        "import " + path);
  }
  return tally.ExitCode();
}

int Get(CaseIntake::Stub& stub, const ClientOptions& options,
        const std::string& department, const std::string& case_no) {
  zwfw::v1::GetCaseRequest request;
  request.set_department_code(department);
  request.set_case_no(case_no);
  zwfw::v1::GetCaseResponse response;
  grpc::Status s = stub.GetCase(NewContext(options).get(), request, &response);
  if (!s.ok()) return ReportRpcError(s, "get case " + case_no);
  std::cout << ToJson(response, true);
  return kExitOk;
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(t.seconds()),
                          ChinaTimeZone());
}

int List(CaseIntake::Stub& stub, const ClientOptions& options) {
  zwfw::v1::ListCasesRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  request.set_department_code(absl::GetFlag(FLAGS_department));
  request.set_overtime_only(absl::GetFlag(FLAGS_overtime_only));
  request.set_indicator(absl::GetFlag(FLAGS_indicator));
  request.set_denominator(absl::GetFlag(FLAGS_denominator));
  // With an indicator, the figure the list must add up to.
  request.set_with_total_size(!request.indicator().empty());
  int64_t total = -1;
  std::string status = absl::GetFlag(FLAGS_status);
  if (!status.empty()) {
    const auto* parsed =
        FindEnumValue(zwfw::v1::CaseStatus_descriptor(), status);
    if (parsed == nullptr) {
      std::cerr << "zwfw: --status=" << status << " is not a case status\n";
      return kExitUsage;
    }
    request.set_status(static_cast<zwfw::v1::CaseStatus>(parsed->number()));
  }
  const int limit = absl::GetFlag(FLAGS_limit);
  TextTable table(
      {"部门", "办件编号", "状态", "受理时间(北京)", "办结时间", "办理期限"});
  int shown = 0;
  do {
    request.set_page_size(std::min(1000, limit - shown));
    zwfw::v1::ListCasesResponse page;
    grpc::Status s = stub.ListCases(NewContext(options).get(), request, &page);
    if (!s.ok()) return ReportRpcError(s, "list cases");
    if (request.with_total_size()) {
      total = page.total_size();
      request.set_with_total_size(false);
    }
    for (const auto& c : page.cases()) {
      if (options.json) {
        std::cout << ToJson(c, false) << "\n";
      } else {
        table.AddRow({c.department_code(), c.case_no(),
                      absl::AsciiStrToLower(
                          zwfw::v1::CaseStatus_Name(c.status()).substr(12)),
                      Time(c.accepted_at()), Time(c.completed_at()),
                      Time(c.due_at())});
      }
      ++shown;
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && shown < limit);
  if (!options.json) {
    std::cout << table.ToString() << shown << " cases"
              << (total >= 0 ? absl::StrCat(" of ", total) : "")
              << (request.page_token().empty() ? "" : " (more: raise --limit)")
              << "\n";
  }
  return kExitOk;
}

// The attachment table's shape: 合计 first, then rows by total descending
// in volume classes.
int Stats(CaseIntake::Stub& stub, const ClientOptions& options) {
  zwfw::v1::GetCaseStatsRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  if (request.period().empty()) {
    std::cerr << "zwfw: cases stats needs --period, e.g. --period=2020-07\n";
    return kExitUsage;
  }
  zwfw::v1::GetCaseStatsResponse stats;
  grpc::Status s =
      stub.GetCaseStats(NewContext(options).get(), request, &stats);
  if (!s.ok()) return ReportRpcError(s, "case stats");
  if (options.json) {
    std::cout << ToJson(stats, true);
    return kExitOk;
  }
  // The table prints the departments' table names.
  std::map<std::string, std::string> table_name;
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      Connect(options, options.intake);
  if (channel.ok()) {
    zwfw::v1::ListDepartmentsResponse departments;
    if (zwfw::v1::Directory::NewStub(*channel)
            ->ListDepartments(NewContext(options).get(), {}, &departments)
            .ok()) {
      for (const auto& d : departments.departments()) {
        if (!d.table_name().empty()) table_name[d.code()] = d.table_name();
      }
    }
  }
  auto name = [&](const zwfw::v1::DepartmentCaseStats& row) {
    auto it = table_name.find(row.department_code());
    return it != table_name.end() ? it->second : row.department_name();
  };

  std::vector<const zwfw::v1::DepartmentCaseStats*> rows;
  std::vector<std::string> idle;
  for (const auto& row : stats.departments()) {
    if (row.approval().total() > 0) {
      rows.push_back(&row);
    } else {
      idle.push_back(name(row));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](auto* a, auto* b) {
    return a->approval().total() > b->approval().total();
  });
  const VolumeClasses classes;
  TextTable table({"序号", "办件量分类", "部门", "办理总数", "即收即办",
                   "中心办理", "部门办理", "基层办理", "网上办理"});
  auto cells = [](const zwfw::v1::CaseCounters& c) {
    return std::vector<std::string>{
        absl::StrCat(c.total()),      absl::StrCat(c.instant()),
        absl::StrCat(c.center()),     absl::StrCat(c.department_site()),
        absl::StrCat(c.grassroots()), absl::StrCat(c.online())};
  };
  std::vector<std::string> total_row = {"合计", "", ""};
  for (auto& cell : cells(stats.approval_total())) total_row.push_back(cell);
  table.AddRow(total_row);
  std::string previous_class;
  int n = 0;
  for (const auto* row : rows) {
    std::string k = classes.LabelOf(row->approval().total());
    std::vector<std::string> line = {absl::StrCat(++n),
                                     k == previous_class ? "" : k, name(*row)};
    previous_class = k;
    for (auto& cell : cells(row->approval())) line.push_back(cell);
    table.AddRow(line);
  }
  std::cout << stats.period() << " 行政审批服务办件情况\n" << table.ToString();
  if (!idle.empty()) {
    std::cout << absl::StrCat(++n) << "  " << kNoCasesClass << "："
              << absl::StrJoin(idle, "、") << "\n";
  }

  const int64_t all =
      stats.approval_total().total() + stats.convenience_total().total();
  std::map<int64_t, std::vector<std::string>, std::greater<>> overtime;
  for (const auto& row : stats.departments()) {
    int64_t o = row.approval().overtime() + row.convenience().overtime();
    if (o > 0) overtime[o].push_back(name(row));
  }
  std::vector<std::string> groups;
  for (const auto& [count, names] : overtime) {
    groups.push_back(
        absl::StrCat(absl::StrJoin(names, "、"), "超时", count, "件"));
  }
  std::cout << "\n共受理 " << all << " 件（审批服务 "
            << stats.approval_total().total() << " 件，便民服务 "
            << stats.convenience_total().total() << " 件）；中心办理 "
            << stats.center_handled() << " 件（当日办结 "
            << stats.center_same_day() << " 件，占 "
            << FormatPercent(stats.center_same_day(), stats.center_handled())
            << "；中心办结 " << stats.center_completed() << " 件，占 "
            << FormatPercent(stats.center_completed(), stats.center_handled())
            << "）；超时："
            << (groups.empty() ? "无" : absl::StrJoin(groups, "；"))
            << "。\n数据版本 " << stats.data_version() << "\n";
  return kExitOk;
}

}  // namespace

int RunCasesCommand(const ClientOptions& options,
                    const std::vector<std::string>& args) {
  if (args.empty()) return Usage();
  std::shared_ptr<grpc::Channel> channel =
      ConnectOrSay(options, options.intake);
  if (channel == nullptr) return kExitUsage;
  auto stub = CaseIntake::NewStub(channel);
  const std::string& verb = args[0];
  if (verb == "import" && args.size() == 2) {
    return Import(*stub, options, args[1]);
  }
  if (verb == "get" && args.size() == 3) {
    return Get(*stub, options, args[1], args[2]);
  }
  if (verb == "list" && args.size() == 1) return List(*stub, options);
  if (verb == "stats" && args.size() == 1) return Stats(*stub, options);
  return Usage();
}

}  // namespace zwfw::cli
