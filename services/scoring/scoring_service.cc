#include "services/scoring/scoring_service.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/common/department_access.h"
#include "services/common/log.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"
#include "services/common/rpc_handler.h"
#include "services/common/status.h"
#include "services/scoring/scorecard_views.h"
#include "services/scoring/scoring_rules.h"

namespace zwfw::scoring {
namespace {

constexpr size_t kMaxReasonBytes = 500;

const std::initializer_list<Role> kReaders = {Role::kAdmin, Role::kService,
                                              Role::kViewer, Role::kDepartment,
                                              Role::kOffice};

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
        rules.DiscardUnknownFields();  // only what the schema names is stored
        *rules.mutable_set_at() = ToProto(options_.now());
        rules.set_set_by(who.Who());
        absl::StatusOr<zwfw::v1::ScoringRules> stored = store_->AddRules(rules);
        if (!stored.ok()) return stored.status();
        LogInfo(absl::StrCat("scoring rules version ", stored->version(),
                             " set by ", who.Who(), ": ", stored->rules_size(),
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
        absl::StatusOr<ReportPeriod> period = ReportPeriod::Parse(a.period());
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
        absl::StatusOr<const zwfw::v1::Department*> d =
            FindDepartmentOrNotFound(**directory, a.department_code());
        if (!d.ok()) return d.status();
        a.DiscardUnknownFields();
        a.set_department_code((*d)->code());
        a.set_period(period->ToString());
        a.set_added_by(who.Who());
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
  // The office's notes: not for viewers (scorecard_views.h).
  return HandleRpc(*tokens_, *context, "ListAdjustments",
                   {Role::kAdmin, Role::kService},
                   [&](const Principal&) -> absl::Status {
                     absl::StatusOr<ReportPeriod> period =
                         ReportPeriod::Parse(request->period());
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
                                                  who.Who(), options_.now());
        if (s.ok()) {
          LogInfo(absl::StrCat("adjustment ", request->adjustment_id(),
                               " removed by ", who.Who()));
        }
        return s;
      });
}

grpc::Status ScoringService::ComputeScorecard(
    grpc::ServerContext* context,
    const zwfw::v1::ComputeScorecardRequest* request,
    zwfw::v1::Scorecard* response) {
  return ServeScorecard(*context, "ComputeScorecard", request->period(),
                        response);
}

grpc::Status ScoringService::GetScorecard(
    grpc::ServerContext* context, const zwfw::v1::GetScorecardRequest* request,
    zwfw::v1::Scorecard* response) {
  return ServeScorecard(*context, "GetScorecard", request->period(), response);
}

// ComputeScorecard and GetScorecard answer alike: the frozen scorecard of
// the period, or the one computed now.
grpc::Status ScoringService::ServeScorecard(const grpc::ServerContext& context,
                                            absl::string_view rpc,
                                            const std::string& period,
                                            zwfw::v1::Scorecard* response) {
  return HandleRpc(*tokens_, context, rpc, kReaders,
                   [&](const Principal& who) -> absl::Status {
                     absl::StatusOr<zwfw::v1::Scorecard> card =
                         scorecards_.Load(period, true);
                     if (!card.ok()) return card.status();
                     // What this caller may see of it (scorecard_views.h).
                     absl::StatusOr<zwfw::v1::Scorecard> seen =
                         ScorecardFor(who, *std::move(card));
                     if (!seen.ok()) return seen.status();
                     *response = *std::move(seen);
                     return absl::OkStatus();
                   });
}

grpc::Status ScoringService::SetAwards(
    grpc::ServerContext* context, const zwfw::v1::SetAwardsRequest* request,
    zwfw::v1::SetAwardsResponse* response) {
  return HandleRpc(
      *tokens_, *context, "SetAwards", {Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        absl::StatusOr<ReportPeriod> period =
            ReportPeriod::Parse(request->period());
        if (!period.ok()) return period.status();
        if (request->windows_size() > 1000 || request->staff_size() > 1000) {
          return absl::InvalidArgumentError(
              "windows, staff: at most 1000 each");
        }
        absl::StatusOr<std::shared_ptr<const DirectoryIndex>> directory =
            sources_->Directory();
        if (!directory.ok()) return directory.status();
        Awards awards;
        const std::string reason = absl::StrCat("由", who.Who(), "确认");
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
        absl::Status s =
            store_->SetAwards(period->ToString(), awards,
                              {who.Who(), "SetAwards"}, options_.now());
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
            scorecards_.Load(request->period(), true, CacheUse::kRecompute);
        if (!card.ok()) return card.status();
        if (!card->frozen()) {
          card->set_frozen(true);
          *card->mutable_frozen_at() = ToProto(options_.now());
          card->clear_stable_until();  // frozen: the clock no longer moves it
          LogInfo(absl::StrCat("scorecard ", card->period(), " frozen by ",
                               who.Who()));
        }
        absl::StatusOr<zwfw::v1::Scorecard> stored =
            store_->Freeze(*card, {who.Who(), "FreezeScorecard"});
        if (!stored.ok()) return stored.status();
        *response = *std::move(stored);
        return absl::OkStatus();
      });
}

}  // namespace zwfw::scoring
