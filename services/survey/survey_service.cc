#include "services/survey/survey_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/closed_periods.h"
#include "services/common/department_access.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"
#include "services/common/rating_bands.h"
#include "services/common/record_result.h"
#include "services/common/rpc_handler.h"
#include "services/common/status.h"
#include "services/survey/rating_sources.h"
#include "services/survey/rectification_rules.h"
#include "services/survey/satisfaction_stats.h"
#include "services/survey/survey_rules.h"

namespace zwfw::survey {
namespace {

using zwfw::v1::RecordResult;

absl::Status CheckBatch(int size) {
  if (size > kMaxBatch) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "a batch of ", size, " records is over the limit of ", kMaxBatch));
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status SurveyService::SubmitEvaluations(
    grpc::ServerContext* context,
    const zwfw::v1::SubmitEvaluationsRequest* request,
    zwfw::v1::SubmitEvaluationsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "SubmitEvaluations",
      {Role::kEvaluator, Role::kChannel, Role::kAdmin, Role::kService,
       Role::kDepartment},  // refused by MayRate, naming the rule
      [&](const Principal& who) -> absl::Status {
        absl::Status s = MayRate(who);
        if (s.ok()) s = CheckBatch(request->evaluations_size());
        if (!s.ok()) return s;
        absl::StatusOr<std::shared_ptr<const DirectoryIndex>> directory =
            directory_->Current();
        if (!directory.ok()) return directory.status();
        const absl::Time now = options_.now();

        std::vector<PreparedEvaluation> prepared;
        std::vector<int> positions;
        for (int i = 0; i < request->evaluations_size(); ++i) {
          RecordResult* result = response->add_results();
          result->set_index(i);
          absl::StatusOr<zwfw::v1::Evaluation> e = NormalizeEvaluation(
              request->evaluations(i), **directory, who, now);
          if (!e.ok()) {
            Reject(result, e.status());
            continue;
          }
          e->set_submitted_by(who.Who());
          PreparedEvaluation p{*std::move(e), absl::InfinitePast()};
          if (IsBadRating(p.evaluation.rating()) &&
              p.evaluation.rectified_evaluation_id().empty()) {
            absl::StatusOr<absl::Time> due =
                RectificationDue(ToTime(p.evaluation.evaluated_at()),
                                 options_.rectification_days, *calendar_);
            if (!due.ok()) {
              Reject(result,
                     absl::Status(due.status().code(),
                                  absl::StrCat("evaluated_at: ",
                                               due.status().message())));
              continue;
            }
            p.rectification_due = *due;
          }
          p.walk_in_day = WalkInDay(who, p.evaluation);
          p.walk_in_cap = options_.walk_in_daily_cap;
          prepared.push_back(std::move(p));
          positions.push_back(i);
        }
        s = CheckCases(who, prepared, positions, response);
        if (!s.ok()) return s;
        if (!prepared.empty()) {
          ApplyWrites(store_->WriteEvaluations(prepared, who.Who(), now),
                      positions.size(), "record", [&](size_t k) {
                        return response->mutable_results(positions[k]);
                      });
        }
        return absl::OkStatus();
      });
}

absl::Status SurveyService::CheckCases(
    const Principal& who, std::vector<PreparedEvaluation>& prepared,
    std::vector<int>& positions,
    zwfw::v1::SubmitEvaluationsResponse* response) {
  std::vector<zwfw::v1::CaseKey> keys;
  std::vector<size_t> checked;
  for (size_t k = 0; k < prepared.size(); ++k) {
    const zwfw::v1::Evaluation& e = prepared[k].evaluation;
    if (!NeedsCaseCheck(who, e)) continue;
    zwfw::v1::CaseKey& key = keys.emplace_back();
    key.set_department_code(e.department_code());
    key.set_case_no(e.case_no());
    checked.push_back(k);
  }
  if (keys.empty()) return absl::OkStatus();
  if (case_facts_ == nullptr) {
    return absl::UnavailableError(
        "survey cannot check ratings of cases: it has no intake to ask");
  }
  absl::StatusOr<std::vector<std::optional<absl::Time>>> accepted =
      case_facts_->AcceptedAt(keys);
  if (!accepted.ok()) return accepted.status();
  std::vector<bool> refused(prepared.size(), false);
  for (size_t j = 0; j < checked.size(); ++j) {
    const size_t k = checked[j];
    absl::Status s = CheckAgainstCase(prepared[k].evaluation, (*accepted)[j]);
    if (s.ok()) continue;
    Reject(response->mutable_results(positions[k]), s);
    refused[k] = true;
  }
  size_t kept = 0;
  for (size_t k = 0; k < prepared.size(); ++k) {
    if (refused[k]) continue;
    prepared[kept] = std::move(prepared[k]);
    positions[kept] = positions[k];
    ++kept;
  }
  prepared.resize(kept);
  positions.resize(kept);
  return absl::OkStatus();
}

grpc::Status SurveyService::RecordReturnVisits(
    grpc::ServerContext* context,
    const zwfw::v1::RecordReturnVisitsRequest* request,
    zwfw::v1::RecordReturnVisitsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "RecordReturnVisits", {Role::kAdmin, Role::kService},
      [&](const Principal& who) -> absl::Status {
        absl::Status s = CheckBatch(request->visits_size());
        if (!s.ok()) return s;
        absl::StatusOr<std::shared_ptr<const DirectoryIndex>> directory =
            directory_->Current();
        if (!directory.ok()) return directory.status();
        const absl::Time now = options_.now();
        std::vector<zwfw::v1::ReturnVisit> visits;
        std::vector<int> positions;
        for (int i = 0; i < request->visits_size(); ++i) {
          RecordResult* result = response->add_results();
          result->set_index(i);
          absl::StatusOr<zwfw::v1::ReturnVisit> v =
              NormalizeReturnVisit(request->visits(i), **directory, who, now);
          if (!v.ok()) {
            Reject(result, v.status());
            continue;
          }
          visits.push_back(*std::move(v));
          positions.push_back(i);
        }
        if (!visits.empty()) {
          ApplyWrites(store_->WriteReturnVisits(visits, who.Who(), now),
                      positions.size(), "record", [&](size_t k) {
                        return response->mutable_results(positions[k]);
                      });
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<std::string> SurveyService::ListedDepartment(
    const Principal& who, const std::string& requested,
    absl::string_view what) {
  std::string department = requested;
  if (department.empty() && who.role == Role::kDepartment) {
    department = who.department_code;
  }
  if (department.empty()) return department;
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> directory =
      directory_->Current();
  if (!directory.ok()) return directory.status();
  absl::StatusOr<const zwfw::v1::Department*> d =
      DepartmentReadableBy(**directory, department, who, what);
  if (!d.ok()) return d.status();
  return (*d)->code();
}

absl::StatusOr<std::optional<IndicatorSurveyRecords>>
SurveyService::RecordsOfIndicator(const std::string& indicator,
                                  bool denominator,
                                  IndicatorSurveyRecords::Kind kind,
                                  absl::string_view filters) const {
  if (indicator.empty()) {
    if (denominator) {
      return absl::InvalidArgumentError("denominator: only with an indicator");
    }
    return std::nullopt;
  }
  if (!filters.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(filters,
                     ": not with an indicator (the indicator says "
                     "which records)"));
  }
  IndicatorPlan plan(options_.satisfied_levels);
  absl::StatusOr<int> index = plan.Add(indicator);
  if (!index.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("indicator: ", index.status().message()));
  }
  absl::StatusOr<IndicatorSurveyRecords> records =
      plan.SurveyRecordsBehind(*index, denominator);
  if (!records.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("indicator: ", records.status().message()));
  }
  if (records->kind != kind) {
    return absl::FailedPreconditionError(absl::StrCat(
        "indicator: indicator \"", indicator, "\": its records are listed by ",
        records->kind == IndicatorSurveyRecords::Kind::kRatings
            ? "ListEvaluations"
        : records->kind == IndicatorSurveyRecords::Kind::kReturnVisits
            ? "ListReturnVisits"
            : "ListRectifications"));
  }
  return *std::move(records);
}

namespace {

// A list of records answers at most this many.
constexpr int kMaxListed = 10000;

absl::StatusOr<ReportPeriod> ListedPeriod(const std::string& period) {
  if (period.empty()) {
    return absl::InvalidArgumentError(
        "period: required (the figure's period, e.g. 2020-07)");
  }
  return ReportPeriod::Parse(period);
}

// Whether `level` is one of `levels` (ascending or not; empty: any).
bool OfLevels(const std::vector<int>& levels, int level) {
  return levels.empty() ||
         std::find(levels.begin(), levels.end(), level) != levels.end();
}

// Moves the records of `found` that `keep` keeps into `out`, at most
// kMaxListed, each `strip`ped of its free text (never listed); true when
// more were kept than listed.
template <typename Record, typename Keep, typename Strip>
bool ListKept(std::vector<Record>& found, const Keep& keep, const Strip& strip,
              google::protobuf::RepeatedPtrField<Record>* out) {
  for (Record& r : found) {
    if (!keep(r)) continue;
    if (out->size() == kMaxListed) return true;
    strip(r);
    *out->Add() = std::move(r);
  }
  return false;
}

}  // namespace

grpc::Status SurveyService::ListEvaluations(
    grpc::ServerContext* context,
    const zwfw::v1::ListEvaluationsRequest* request,
    zwfw::v1::ListEvaluationsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ListEvaluations",
      {Role::kDepartment, Role::kAdmin, Role::kService, Role::kOffice},
      [&](const Principal& who) -> absl::Status {
        absl::StatusOr<ReportPeriod> period = ListedPeriod(request->period());
        if (!period.ok()) return period.status();
        absl::StatusOr<std::optional<IndicatorSurveyRecords>> behind =
            RecordsOfIndicator(request->indicator(), request->denominator(),
                               IndicatorSurveyRecords::Kind::kRatings,
                               request->levels().empty() ? "" : "levels");
        if (!behind.ok()) return behind.status();
        IndicatorSurveyRecords wanted =
            behind->value_or(IndicatorSurveyRecords());
        for (int level : request->levels()) {
          if (!IsValidRating(level)) {
            return absl::InvalidArgumentError(
                absl::StrCat("levels: ", level, " is not a rating 1–5"));
          }
          wanted.levels.push_back(level);
        }
        absl::StatusOr<std::string> department =
            ListedDepartment(who, request->department_code(), "ratings");
        if (!department.ok()) return department.status();
        // Read one past the bound: whether the list is whole. The levels
        // are kept in memory: a department's month is small.
        absl::StatusOr<std::vector<zwfw::v1::Evaluation>> found =
            store_->ListEvaluations(*period, *department, kMaxListed + 1);
        if (!found.ok()) return found.status();
        response->set_truncated(ListKept(
            *found,
            [&](const zwfw::v1::Evaluation& e) {
              return OfLevels(wanted.levels, e.rating()) &&
                     !(wanted.active_only && e.defaulted());
            },
            [](zwfw::v1::Evaluation& e) { e.clear_comment(); },
            response->mutable_evaluations()));
        return absl::OkStatus();
      });
}

grpc::Status SurveyService::ListReturnVisits(
    grpc::ServerContext* context,
    const zwfw::v1::ListReturnVisitsRequest* request,
    zwfw::v1::ListReturnVisitsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ListReturnVisits",
      {Role::kDepartment, Role::kAdmin, Role::kService, Role::kOffice},
      [&](const Principal& who) -> absl::Status {
        absl::StatusOr<ReportPeriod> period = ListedPeriod(request->period());
        if (!period.ok()) return period.status();
        absl::StatusOr<std::optional<IndicatorSurveyRecords>> behind =
            RecordsOfIndicator(
                request->indicator(), request->denominator(),
                IndicatorSurveyRecords::Kind::kReturnVisits,
                request->reached_only() || request->satisfied_only()
                    ? "reached_only, satisfied_only"
                    : "");
        if (!behind.ok()) return behind.status();
        IndicatorSurveyRecords wanted;
        if (behind->has_value()) {
          wanted = **std::move(behind);
        } else {
          wanted.reached_only =
              request->reached_only() || request->satisfied_only();
          if (request->satisfied_only()) {
            wanted.levels = options_.satisfied_levels.levels();
          }
        }
        absl::StatusOr<std::string> department =
            ListedDepartment(who, request->department_code(), "return visits");
        if (!department.ok()) return department.status();
        absl::StatusOr<std::vector<zwfw::v1::ReturnVisit>> found =
            store_->ListReturnVisits(*period, *department, kMaxListed + 1);
        if (!found.ok()) return found.status();
        response->set_truncated(ListKept(
            *found,
            [&](const zwfw::v1::ReturnVisit& v) {
              if (!v.reached()) return !wanted.reached_only;
              return OfLevels(wanted.levels, v.rating());
            },
            [](zwfw::v1::ReturnVisit& v) { v.clear_notes(); },
            response->mutable_visits()));
        return absl::OkStatus();
      });
}

grpc::Status SurveyService::ListRectifications(
    grpc::ServerContext* context,
    const zwfw::v1::ListRectificationsRequest* request,
    zwfw::v1::ListRectificationsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ListRectifications",
      {Role::kDepartment, Role::kAdmin, Role::kService, Role::kOffice},
      [&](const Principal& who) -> absl::Status {
        RectificationQuery query;
        bool open_only = request->open_only();
        query.overdue_only = request->overdue_only();
        absl::StatusOr<std::optional<IndicatorSurveyRecords>> behind =
            RecordsOfIndicator(
                request->indicator(), /*denominator=*/false,
                IndicatorSurveyRecords::Kind::kRectifications,
                request->state() != zwfw::v1::RECTIFICATION_STATE_UNSPECIFIED ||
                        request->open_only() || request->overdue_only()
                    ? "state, open_only, overdue_only"
                    : "");
        if (!behind.ok()) return behind.status();
        if (behind->has_value()) {
          if (request->period().empty()) {
            return absl::InvalidArgumentError(
                "period: required with an indicator (its figure is of a "
                "period)");
          }
          open_only = (*behind)->open_only;
          query.overdue_only = (*behind)->overdue_only;
        }
        if (!request->period().empty()) {
          absl::StatusOr<ReportPeriod> period =
              ReportPeriod::Parse(request->period());
          if (!period.ok()) return period.status();
          query.period = *period;
        }
        absl::StatusOr<std::string> department =
            ListedDepartment(who, request->department_code(), "rectifications");
        if (!department.ok()) return department.status();
        query.department_code = *department;
        if (request->state() < zwfw::v1::RECTIFICATION_STATE_UNSPECIFIED ||
            request->state() > zwfw::v1::RECTIFICATION_STATE_APPEAL_REJECTED) {
          return absl::InvalidArgumentError("state: unknown");
        }
        query.state = request->state();
        absl::StatusOr<std::vector<zwfw::v1::Rectification>> found =
            store_->ListRectifications(query, options_.now());
        if (!found.ok()) return found.status();
        for (auto& r : *found) {
          if (open_only && !IsOpen(r.state())) continue;
          *response->add_rectifications() = std::move(r);
        }
        return absl::OkStatus();
      });
}

grpc::Status SurveyService::UpdateRectification(
    grpc::ServerContext* context,
    const zwfw::v1::UpdateRectificationRequest* request,
    zwfw::v1::UpdateRectificationResponse* response) {
  return HandleRpc(
      *tokens_, *context, "UpdateRectification",
      {Role::kDepartment, Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        if (request->note().size() > kMaxNoteBytes ||
            request->evidence().size() > kMaxNoteBytes) {
          return absl::InvalidArgumentError(absl::StrCat(
              "note, evidence: at most ", kMaxNoteBytes, " bytes each"));
        }
        const bool closing = request->state() == kClosedState;
        if (closing ? !IsValidRating(request->follow_up_rating())
                    : request->follow_up_rating() != 0) {
          return absl::InvalidArgumentError(
              "follow_up_rating: the citizen's rating 1-5 is required to "
              "CLOSE, "
              "and only then");
        }
        zwfw::v1::RectificationEvent event;
        event.set_to(request->state());
        *event.mutable_at() = ToProto(options_.now());
        event.set_by(who.Who());
        event.set_note(request->note());
        event.set_evidence(request->evidence());
        const Principal principal = who;
        absl::StatusOr<zwfw::v1::Rectification> updated =
            store_->UpdateRectification(
                request->evaluation_id(), event, request->follow_up_rating(),
                [&](const zwfw::v1::Rectification& current) {
                  if (!principal.MayActFor(current.department_code())) {
                    return absl::PermissionDeniedError(
                        absl::StrCat("token of ", principal.RoleName(),
                                     " may not update rectifications of ",
                                     current.department_code()));
                  }
                  return CheckRectificationChange(current.state(),
                                                  request->state(), principal);
                },
                options_.now());
        if (!updated.ok()) return updated.status();
        *response->mutable_rectification() = *std::move(updated);
        return absl::OkStatus();
      });
}

grpc::Status SurveyService::GetSatisfactionStats(
    grpc::ServerContext* context,
    const zwfw::v1::GetSatisfactionStatsRequest* request,
    zwfw::v1::GetSatisfactionStatsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "GetSatisfactionStats",
      {Role::kDepartment, Role::kAdmin, Role::kService, Role::kViewer,
       Role::kOffice},
      [&](const Principal&) -> absl::Status {
        absl::StatusOr<ReportPeriod> period =
            ReportPeriod::Parse(request->period());
        if (!period.ok()) return period.status();
        absl::StatusOr<std::shared_ptr<const DirectoryIndex>> directory =
            directory_->Current();
        if (!directory.ok()) return directory.status();
        std::vector<SurveyMonth> months;
        for (const Period& m : period->months()) {
          absl::StatusOr<SurveyMonth> counts =
              store_->ReadMonth(m, options_.now());
          if (!counts.ok()) return counts.status();
          months.push_back(*std::move(counts));
        }
        const SurveyMonth month = MergeMonths(std::move(months));
        absl::StatusOr<std::map<std::string, int64_t>> cases =
            case_counts_ != nullptr
                ? case_counts_->CaseTotals(*period)
                : absl::StatusOr<std::map<std::string, int64_t>>(
                      absl::UnavailableError("no case counts"));
        *response = BuildSatisfactionStats(*period, month, **directory,
                                           cases.ok() ? &*cases : nullptr,
                                           options_.satisfied_levels);
        return absl::OkStatus();
      });
}

grpc::Status SurveyService::ClosePeriod(
    grpc::ServerContext* context, const zwfw::v1::ClosePeriodRequest* request,
    zwfw::v1::ClosePeriodResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ClosePeriod", {Role::kService, Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        return ServeClosePeriod(
            *request, who, options_.now(), "ratings and visits",
            [this](const Period& p, const std::string& by, absl::Time now) {
              return store_->ClosePeriod(p, by, now);
            },
            response);
      });
}

}  // namespace zwfw::survey
