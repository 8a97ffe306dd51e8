#include "services/scoring/scoring_service.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"
#include "services/common/rpc_handler.h"
#include "services/common/status.h"
#include "services/scoring/scoring_rules.h"

namespace zwfw::scoring {
namespace {

constexpr size_t kMaxReasonBytes = 500;

const std::initializer_list<Role> kReaders = {Role::kAdmin, Role::kService,
                                              Role::kViewer, Role::kDepartment};

std::string Who(const Principal& p) {
  return absl::StrCat(p.RoleName(), " ", p.token_id);
}

}  // namespace

grpc::Status ScoringService::GetRules(grpc::ServerContext* context,
                                      const zwfw::v1::GetRulesRequest* request,
                                      zwfw::v1::ScoringRules* response) {
  return HandleRpc(
      *tokens_, *context, "GetRules", kReaders,
      [&](const Principal&) -> absl::Status {
        absl::StatusOr<std::optional<zwfw::v1::ScoringRules>> rules =
            store_->GetRules(request->version());
        if (!rules.ok()) return rules.status();
        if (!rules->has_value()) {
          return absl::NotFoundError(
              request->version() == 0
                  ? "no scoring rules set yet (zwfw rules set FILE)"
                  : absl::StrCat("no rules version ", request->version()));
        }
        *response = **rules;
        return absl::OkStatus();
      });
}

grpc::Status ScoringService::SetRules(grpc::ServerContext* context,
                                      const zwfw::v1::SetRulesRequest* request,
                                      zwfw::v1::ScoringRules* response) {
  return HandleRpc(
      *tokens_, *context, "SetRules", {Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        absl::Status s = ValidateRules(request->rules());
        if (!s.ok()) return s;
        zwfw::v1::ScoringRules rules = request->rules();
        *rules.mutable_set_at() = ToProto(options_.now());
        rules.set_set_by(Who(who));
        absl::StatusOr<zwfw::v1::ScoringRules> stored = store_->AddRules(rules);
        if (!stored.ok()) return stored.status();
        LogInfo(absl::StrCat("scoring rules version ", stored->version(),
                             " set by ", Who(who), ": ", stored->rules_size(),
                             " rules"));
        *response = *std::move(stored);
        return absl::OkStatus();
      });
}

grpc::Status ScoringService::AddAdjustment(
    grpc::ServerContext* context, const zwfw::v1::AddAdjustmentRequest* request,
    zwfw::v1::AddAdjustmentResponse* response) {
  return HandleRpc(
      *tokens_, *context, "AddAdjustment", {Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        zwfw::v1::Adjustment a = request->adjustment();
        absl::StatusOr<Period> period = Period::Parse(a.period());
        if (!period.ok()) return period.status();
        if (a.points() == 0 || std::llabs(a.points()) > 10000) {
          return absl::InvalidArgumentError(
              "points: non-zero hundredths, at most 10000 either way");
        }
        if (a.reason().empty() || a.reason().size() > kMaxReasonBytes ||
            a.evidence().size() > kMaxReasonBytes) {
          return absl::InvalidArgumentError(
              absl::StrCat("reason: required; reason and evidence at most ",
                           kMaxReasonBytes, " bytes"));
        }
        absl::StatusOr<std::shared_ptr<const DirectoryIndex>> directory =
            sources_->Directory();
        if (!directory.ok()) return directory.status();
        const zwfw::v1::Department* d =
            (*directory)->FindDepartment(a.department_code());
        if (d == nullptr) {
          return absl::NotFoundError(
              absl::StrCat("department \"", a.department_code(),
                           "\" not found in the directory"));
        }
        a.set_department_code(d->code());
        a.set_period(period->ToString());
        a.set_added_by(Who(who));
        *a.mutable_added_at() = ToProto(options_.now());
        a.clear_adjustment_id();
        absl::StatusOr<zwfw::v1::Adjustment> stored = store_->AddAdjustment(a);
        if (!stored.ok()) return stored.status();
        *response->mutable_adjustment() = *std::move(stored);
        return absl::OkStatus();
      });
}

grpc::Status ScoringService::ListAdjustments(
    grpc::ServerContext* context,
    const zwfw::v1::ListAdjustmentsRequest* request,
    zwfw::v1::ListAdjustmentsResponse* response) {
  return HandleRpc(*tokens_, *context, "ListAdjustments",
                   {Role::kAdmin, Role::kService, Role::kViewer},
                   [&](const Principal&) -> absl::Status {
                     absl::StatusOr<Period> period =
                         Period::Parse(request->period());
                     if (!period.ok()) return period.status();
                     absl::StatusOr<std::vector<zwfw::v1::Adjustment>> found =
                         store_->ListAdjustments(period->ToString(),
                                                 request->department_code(),
                                                 request->include_removed());
                     if (!found.ok()) return found.status();
                     for (auto& a : *found)
                       *response->add_adjustments() = std::move(a);
                     return absl::OkStatus();
                   });
}

grpc::Status ScoringService::RemoveAdjustment(
    grpc::ServerContext* context,
    const zwfw::v1::RemoveAdjustmentRequest* request,
    zwfw::v1::RemoveAdjustmentResponse*) {
  return HandleRpc(
      *tokens_, *context, "RemoveAdjustment", {Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        absl::Status s = store_->RemoveAdjustment(request->adjustment_id(),
                                                  Who(who), options_.now());
        if (s.ok()) {
          LogInfo(absl::StrCat("adjustment ", request->adjustment_id(),
                               " removed by ", Who(who)));
        }
        return s;
      });
}

absl::StatusOr<zwfw::v1::Scorecard> ScoringService::Compute(
    const Period& period) {
  absl::StatusOr<std::optional<zwfw::v1::ScoringRules>> rules =
      store_->GetRules(0);
  if (!rules.ok()) return rules.status();
  if (!rules->has_value()) {
    return absl::FailedPreconditionError(
        "no scoring rules set yet: load them with zwfw rules set FILE");
  }
  ScoringInputs inputs;
  absl::StatusOr<zwfw::v1::GetCaseStatsResponse> cases =
      sources_->CaseStats(period);
  if (!cases.ok()) return cases.status();
  inputs.cases = *std::move(cases);
  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> survey =
      sources_->Satisfaction(period);
  if (!survey.ok()) return survey.status();
  inputs.survey = *std::move(survey);
  absl::StatusOr<int64_t> period_version =
      store_->PeriodVersion(period.ToString());
  if (!period_version.ok()) return period_version.status();

  // The key names every input: the month's figures as read (with the
  // department rows and names of the directory they were built from, which
  // their data versions do not cover), their versions (which also move
  // with the evidence behind equal figures), the rules and this period's
  // adjustments and awards. So a cached scorecard is never stale.
  const std::string key = absl::StrCat(
      "zwfw:scorecard:", period.ToString(), ":",
      Sha256Hex(absl::StrCat(inputs.cases.SerializeAsString(), "/",
                             inputs.survey.SerializeAsString(), "/",
                             inputs.cases.data_version(), "/",
                             inputs.survey.data_version(), "/",
                             (*rules)->version(), "/", *period_version)));
  if (cache_ != nullptr) {
    if (std::optional<std::string> hit = cache_->Get(key)) {
      zwfw::v1::Scorecard card;
      if (card.ParseFromString(*hit)) return card;
    }
  }

  absl::StatusOr<std::vector<zwfw::v1::Adjustment>> adjustments =
      store_->ListAdjustments(period.ToString(), "");
  if (!adjustments.ok()) return adjustments.status();
  inputs.adjustments = *std::move(adjustments);
  absl::StatusOr<Awards> awards = store_->GetAwards(period.ToString());
  if (!awards.ok()) return awards.status();
  inputs.windows = awards->windows;
  inputs.staff = awards->staff;

  std::map<std::string, const zwfw::v1::DepartmentSatisfaction*> survey_of;
  for (const auto& d : inputs.survey.departments()) {
    survey_of[d.department_code()] = &d;
  }
  for (const auto& d : inputs.cases.departments()) {
    const std::string& code = d.department_code();
    Evidence& e = inputs.evidence[code];
    if (d.approval().overtime() + d.convenience().overtime() > 0) {
      absl::StatusOr<std::vector<std::string>> ids =
          sources_->OvertimeCases(period, code, kMaxEvidence);
      if (!ids.ok()) return ids.status();
      e.overtime_cases = *std::move(ids);
    }
    auto s = survey_of.find(code);
    if (s == survey_of.end()) continue;
    const auto& ratings = s->second->ratings();
    int64_t bad = 0;
    for (int i = 0; i < 2 && i < ratings.active_by_rating_size(); ++i) {
      bad += ratings.active_by_rating(i) + ratings.defaulted_by_rating(i);
    }
    if (bad > 0) {
      absl::StatusOr<std::vector<std::string>> ids =
          sources_->BadRatings(period, code, false, kMaxEvidence);
      if (!ids.ok()) return ids.status();
      e.bad_ratings = *std::move(ids);
    }
    if (s->second->rectifications().overdue() > 0) {
      absl::StatusOr<std::vector<std::string>> ids =
          sources_->BadRatings(period, code, true, kMaxEvidence);
      if (!ids.ok()) return ids.status();
      e.overdue_rectifications = *std::move(ids);
    }
  }
  zwfw::v1::Scorecard card =
      zwfw::scoring::ComputeScorecard(period.ToString(), **rules, inputs);
  if (cache_ != nullptr) {
    cache_->Set(key, card.SerializeAsString(), options_.cache_ttl);
  }
  return card;
}

absl::StatusOr<zwfw::v1::Scorecard> ScoringService::LoadScorecard(
    const std::string& text, bool use_frozen) {
  absl::StatusOr<Period> period = Period::Parse(text);
  if (!period.ok()) return period.status();
  if (use_frozen) {
    absl::StatusOr<std::optional<zwfw::v1::Scorecard>> frozen =
        store_->GetFrozen(period->ToString());
    if (!frozen.ok()) return frozen.status();
    if (frozen->has_value()) return **frozen;
  }
  return Compute(*period);
}

grpc::Status ScoringService::ComputeScorecard(
    grpc::ServerContext* context,
    const zwfw::v1::ComputeScorecardRequest* request,
    zwfw::v1::Scorecard* response) {
  return HandleRpc(*tokens_, *context, "ComputeScorecard", kReaders,
                   [&](const Principal&) -> absl::Status {
                     absl::StatusOr<zwfw::v1::Scorecard> card =
                         LoadScorecard(request->period(), true);
                     if (!card.ok()) return card.status();
                     *response = *std::move(card);
                     return absl::OkStatus();
                   });
}

grpc::Status ScoringService::GetScorecard(
    grpc::ServerContext* context, const zwfw::v1::GetScorecardRequest* request,
    zwfw::v1::Scorecard* response) {
  return HandleRpc(*tokens_, *context, "GetScorecard", kReaders,
                   [&](const Principal&) -> absl::Status {
                     absl::StatusOr<zwfw::v1::Scorecard> card =
                         LoadScorecard(request->period(), true);
                     if (!card.ok()) return card.status();
                     *response = *std::move(card);
                     return absl::OkStatus();
                   });
}

grpc::Status ScoringService::SetAwards(
    grpc::ServerContext* context, const zwfw::v1::SetAwardsRequest* request,
    zwfw::v1::SetAwardsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "SetAwards", {Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        absl::StatusOr<Period> period = Period::Parse(request->period());
        if (!period.ok()) return period.status();
        if (request->windows_size() > 1000 || request->staff_size() > 1000) {
          return absl::InvalidArgumentError(
              "windows, staff: at most 1000 each");
        }
        absl::StatusOr<std::shared_ptr<const DirectoryIndex>> directory =
            sources_->Directory();
        if (!directory.ok()) return directory.status();
        Awards awards;
        const std::string reason = absl::StrCat("由", Who(who), "确认");
        for (const std::string& code : request->windows()) {
          const zwfw::v1::Window* w = (*directory)->FindWindow(code);
          if (w == nullptr) {
            return absl::NotFoundError(absl::StrCat("windows: window \"", code,
                                                    "\" not in the directory"));
          }
          zwfw::v1::Award& a = awards.windows.emplace_back();
          a.set_code(w->code());
          a.set_name(w->name());
          a.set_department_code(w->department_code());
          a.set_reason(reason);
        }
        for (const std::string& code : request->staff()) {
          const zwfw::v1::Staff* m = (*directory)->FindStaff(code);
          if (m == nullptr) {
            return absl::NotFoundError(
                absl::StrCat("staff: \"", code, "\" not in the directory"));
          }
          zwfw::v1::Award& a = awards.staff.emplace_back();
          a.set_code(m->code());
          a.set_name(m->name());
          a.set_window_code(m->window_code());
          a.set_department_code(
              (*directory)->FindWindow(m->window_code())->department_code());
          a.set_reason(reason);
        }
        absl::Status s = store_->SetAwards(period->ToString(), awards);
        if (!s.ok()) return s;
        for (auto& a : awards.windows) *response->add_windows() = std::move(a);
        for (auto& a : awards.staff) *response->add_staff() = std::move(a);
        return absl::OkStatus();
      });
}

grpc::Status ScoringService::FreezeScorecard(
    grpc::ServerContext* context,
    const zwfw::v1::FreezeScorecardRequest* request,
    zwfw::v1::Scorecard* response) {
  return HandleRpc(
      *tokens_, *context, "FreezeScorecard", {Role::kAdmin, Role::kService},
      [&](const Principal& who) -> absl::Status {
        absl::StatusOr<zwfw::v1::Scorecard> card =
            LoadScorecard(request->period(), true);
        if (!card.ok()) return card.status();
        if (!card->frozen()) {
          card->set_frozen(true);
          *card->mutable_frozen_at() = ToProto(options_.now());
          card->clear_stable_until();  // frozen: the clock no longer moves it
          LogInfo(absl::StrCat("scorecard ", card->period(), " frozen by ",
                               Who(who)));
        }
        absl::StatusOr<zwfw::v1::Scorecard> stored = store_->Freeze(*card);
        if (!stored.ok()) return stored.status();
        *response = *std::move(stored);
        return absl::OkStatus();
      });
}

}  // namespace zwfw::scoring
