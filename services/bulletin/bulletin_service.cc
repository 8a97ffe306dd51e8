#include "services/bulletin/bulletin_service.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/bulletin/draft_rules.h"
#include "services/bulletin/writers.h"
#include "services/common/log.h"
#include "services/common/proto_time.h"
#include "services/common/rpc_handler.h"
#include "services/common/status.h"

namespace zwfw::bulletin {
namespace {

// A published bulletin is public: every role reads it.
const std::initializer_list<Role> kPublishedReaders = {
    Role::kAdmin,      Role::kService,   Role::kViewer,
    Role::kDepartment, Role::kEvaluator, Role::kOffice};

}  // namespace

absl::StatusOr<IndicatorPlan> PlanIndicators(
    const std::vector<std::string>& texts, const SatisfiedLevels& satisfied) {
  if (texts.empty()) {
    return absl::InvalidArgumentError("indicators: none given");
  }
  if (texts.size() > kMaxIndicators) {
    return absl::ResourceExhaustedError(
        absl::StrCat("indicators: ", texts.size(), " is over the limit of ",
                     kMaxIndicators));
  }
  IndicatorPlan plan(satisfied);
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].size() > kMaxIndicatorBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "indicators[", i, "]: over ", kMaxIndicatorBytes, " bytes"));
    }
    absl::StatusOr<int> added = plan.Add(texts[i]);
    if (!added.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("indicators[", i, "]: ", added.status().message()));
    }
  }
  // Each GetCaseSums measure comes from an indicator: 64 at most.
  return plan;
}

const std::vector<zwfw::v1::BulletinFormat>&
BulletinService::PublishedFormats() {
  static const auto* const formats = new std::vector<zwfw::v1::BulletinFormat>{
      zwfw::v1::BULLETIN_FORMAT_TEXT, zwfw::v1::BULLETIN_FORMAT_MARKDOWN,
      zwfw::v1::BULLETIN_FORMAT_HTML, zwfw::v1::BULLETIN_FORMAT_PDF,
      zwfw::v1::BULLETIN_FORMAT_XLSX, zwfw::v1::BULLETIN_FORMAT_CSV};
  return *formats;
}

grpc::Status BulletinService::GetIndicators(
    grpc::ServerContext* context, const zwfw::v1::GetIndicatorsRequest* request,
    zwfw::v1::GetIndicatorsResponse* response) {
  // Aggregates only: every reader of figures may ask.
  return HandleRpc(
      *tokens_, *context, "GetIndicators",
      {Role::kAdmin, Role::kService, Role::kViewer, Role::kDepartment,
       Role::kOffice},
      [&](const Principal&) -> absl::Status {
        absl::StatusOr<ReportPeriod> period =
            ReportPeriod::Parse(request->period());
        if (!period.ok()) return period.status();
        if (request->top() < 0 || request->top() > kMaxTop) {
          return absl::InvalidArgumentError(
              absl::StrCat("top: must be 0 to ", kMaxTop));
        }
        absl::StatusOr<zwfw::v1::DirectorySnapshot> directory =
            sources_->Directory();
        if (!directory.ok()) return directory.status();
        if (!request->template_().empty()) {
          // A template's indicators, compared as the template compares.
          if (!request->indicators().empty()) {
            return absl::InvalidArgumentError(
                "indicators: not with template (its indicators are read)");
          }
          absl::Status named = CheckTemplateName(request->template_());
          if (!named.ok()) return named;
          absl::StatusOr<zwfw::v1::BulletinTemplate> stored =
              store_->GetTemplate(request->template_(), 0);
          if (!stored.ok()) return stored.status();
          absl::StatusOr<TemplateInputs> t = ReadTemplateInputs(
              *sources_, *std::move(stored), *period, request->compare());
          if (!t.ok()) return t.status();
          *response = BuildIndicatorReport(
              t->parsed->plan(), *directory, t->now,
              t->previous ? &*t->previous : nullptr,
              t->year_before ? &*t->year_before : nullptr, request->top());
          return absl::OkStatus();
        }
        std::vector<std::string> texts(request->indicators().begin(),
                                       request->indicators().end());
        absl::StatusOr<IndicatorPlan> plan = PlanIndicators(texts);
        if (!plan.ok()) return plan.status();
        absl::StatusOr<PeriodAggregates> now =
            ReadAggregates(*sources_, *plan, *period);
        if (!now.ok()) return now.status();
        // satisfaction_rate counts the office's satisfied levels (survey's
        // --satisfied_levels), which survey's answer names.
        if (plan->needs_survey()) {
          plan = PlanIndicators(texts, SatisfiedLevelsOf(now->satisfaction));
          if (!plan.ok()) return plan.status();
        }
        std::optional<PeriodAggregates> previous, year_before;
        if (request->compare()) {
          absl::StatusOr<PeriodAggregates> p =
              ReadAggregates(*sources_, *plan, period->Previous());
          if (!p.ok()) return p.status();
          previous = *std::move(p);
          p = ReadAggregates(*sources_, *plan, period->YearBefore());
          if (!p.ok()) return p.status();
          year_before = *std::move(p);
        }
        *response = BuildIndicatorReport(
            *plan, *directory, *now, previous ? &*previous : nullptr,
            year_before ? &*year_before : nullptr, request->top());
        return absl::OkStatus();
      });
}

grpc::Status BulletinService::SetTemplate(
    grpc::ServerContext* context, const zwfw::v1::SetTemplateRequest* request,
    zwfw::v1::BulletinTemplate* response) {
  return HandleRpc(
      *tokens_, *context, "SetTemplate", {Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        absl::Status named = CheckTemplateName(request->name());
        if (!named.ok()) return named;
        absl::StatusOr<BulletinTemplate> parsed =
            BulletinTemplate::Parse(request->text());
        if (!parsed.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "template ", request->name(), ": ", parsed.status().message()));
        }
        zwfw::v1::BulletinTemplate t;
        t.set_name(request->name());
        t.set_text(request->text());
        *t.mutable_set_at() = ToProto(options_.now());
        t.set_set_by(who.Who());
        absl::StatusOr<zwfw::v1::BulletinTemplate> stored =
            store_->SetTemplate(std::move(t));
        if (!stored.ok()) return stored.status();
        for (const Indicator& i : parsed->plan().indicators()) {
          stored->add_indicators(i.text);
        }
        LogInfo(absl::StrCat("template ", stored->name(), " version ",
                             stored->version(), " set by ", who.Who()));
        *response = *std::move(stored);
        return absl::OkStatus();
      });
}

grpc::Status BulletinService::GetTemplate(
    grpc::ServerContext* context, const zwfw::v1::GetTemplateRequest* request,
    zwfw::v1::BulletinTemplate* response) {
  return HandleRpc(*tokens_, *context, "GetTemplate",
                   {Role::kAdmin, Role::kService, Role::kViewer,
                    Role::kDepartment, Role::kOffice},
                   [&](const Principal&) -> absl::Status {
                     absl::Status named = CheckTemplateName(request->name());
                     if (!named.ok()) return named;
                     absl::StatusOr<zwfw::v1::BulletinTemplate> stored =
                         store_->GetTemplate(request->name(),
                                             request->version());
                     if (!stored.ok()) return stored.status();
                     absl::StatusOr<BulletinTemplate> parsed =
                         BulletinTemplate::Parse(stored->text());
                     if (parsed.ok()) {
                       for (const Indicator& i : parsed->plan().indicators()) {
                         stored->add_indicators(i.text);
                       }
                     }
                     *response = *std::move(stored);
                     return absl::OkStatus();
                   });
}

grpc::Status BulletinService::GetDraft(grpc::ServerContext* context,
                                       const zwfw::v1::GetDraftRequest* request,
                                       zwfw::v1::Draft* response) {
  return HandleRpc(*tokens_, *context, "GetDraft", {Role::kAdmin},
                   [&](const Principal&) -> absl::Status {
                     absl::StatusOr<ReportPeriod> period =
                         ReportPeriod::Parse(request->period());
                     if (!period.ok()) return period.status();
                     absl::StatusOr<zwfw::v1::Draft> draft =
                         store_->GetDraft(period->ToString());
                     if (!draft.ok()) return draft.status();
                     *response = *std::move(draft);
                     return absl::OkStatus();
                   });
}

grpc::Status BulletinService::UpdateDraft(
    grpc::ServerContext* context, const zwfw::v1::UpdateDraftRequest* request,
    zwfw::v1::Draft* response) {
  return HandleRpc(*tokens_, *context, "UpdateDraft", {Role::kAdmin},
                   [&](const Principal& who) -> absl::Status {
                     absl::StatusOr<ReportPeriod> period =
                         ReportPeriod::Parse(request->draft().period());
                     if (!period.ok()) return period.status();
                     absl::Status s = CheckDraft(request->draft());
                     if (!s.ok()) return s;
                     // The template must exist (its later versions apply).
                     if (const std::string& name = request->draft().template_();
                         !name.empty()) {
                       s = CheckTemplateName(name);
                       if (!s.ok()) {
                         return absl::InvalidArgumentError(
                             absl::StrCat("template: ", s.message()));
                       }
                       absl::StatusOr<zwfw::v1::BulletinTemplate> found =
                           store_->GetTemplate(name, 0);
                       if (!found.ok()) return found.status();
                     }
                     zwfw::v1::Draft draft = request->draft();
                     draft.DiscardUnknownFields();  // only what we name
                     draft.set_period(period->ToString());
                     *draft.mutable_updated_at() = ToProto(options_.now());
                     draft.set_updated_by(who.Who());
                     absl::StatusOr<zwfw::v1::Draft> stored =
                         store_->UpdateDraft(draft,
                                             request->start_new_version());
                     if (!stored.ok()) return stored.status();
                     *response = *std::move(stored);
                     return absl::OkStatus();
                   });
}

grpc::Status BulletinService::Render(grpc::ServerContext* context,
                                     const zwfw::v1::RenderRequest* request,
                                     zwfw::v1::RenderResponse* response) {
  return HandleRpc(
      *tokens_, *context, "Render", {Role::kAdmin, Role::kService},
      [&](const Principal&) -> absl::Status {
        absl::StatusOr<ReportPeriod> period =
            ReportPeriod::Parse(request->period());
        if (!period.ok()) return period.status();
        // Refuse a bad format before reading anything.
        if (!zwfw::v1::BulletinFormat_IsValid(request->format()) ||
            request->format() == zwfw::v1::BULLETIN_FORMAT_UNSPECIFIED) {
          return absl::InvalidArgumentError(
              "format: unknown; one of TEXT, MARKDOWN, HTML, PDF, XLSX, CSV");
        }
        absl::StatusOr<BulletinInputs> inputs =
            renderer_.Gather(*period, /*freeze=*/false);
        if (!inputs.ok()) return inputs.status();
        absl::StatusOr<zwfw::v1::RenderResponse> rendered =
            renderer_.Render(*inputs, request->format());
        if (!rendered.ok()) return rendered.status();
        *response = *std::move(rendered);
        return absl::OkStatus();
      });
}

grpc::Status BulletinService::Publish(grpc::ServerContext* context,
                                      const zwfw::v1::PublishRequest* request,
                                      zwfw::v1::PublishedVersion* response) {
  return HandleRpc(
      *tokens_, *context, "Publish", {Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        absl::StatusOr<ReportPeriod> period =
            ReportPeriod::Parse(request->period());
        if (!period.ok()) return period.status();
        absl::StatusOr<BulletinInputs> inputs =
            renderer_.Gather(*period, /*freeze=*/true);
        if (!inputs.ok()) return inputs.status();
        std::map<int, zwfw::v1::RenderResponse> renders;
        for (zwfw::v1::BulletinFormat format : PublishedFormats()) {
          absl::StatusOr<zwfw::v1::RenderResponse> r =
              renderer_.Render(*inputs, format, CacheUse::kRecompute);
          if (!r.ok()) return r.status();
          renders[format] = *std::move(r);
        }
        zwfw::v1::PublishedVersion version;
        version.set_period(period->ToString());
        *version.mutable_published_at() = ToProto(options_.now());
        version.set_published_by(who.Who());
        version.set_draft_revision(inputs->draft.revision());
        absl::StatusOr<zwfw::v1::PublishedVersion> stored =
            store_->Publish(version, renders);
        if (!stored.ok()) return stored.status();
        LogInfo(absl::StrCat("bulletin ", stored->period(), " version ",
                             stored->version(), " published by ", who.Who()));
        *response = *std::move(stored);
        return absl::OkStatus();
      });
}

grpc::Status BulletinService::GetPublished(
    grpc::ServerContext* context, const zwfw::v1::GetPublishedRequest* request,
    zwfw::v1::RenderResponse* response) {
  return HandleRpc(
      *tokens_, *context, "GetPublished", kPublishedReaders,
      [&](const Principal&) -> absl::Status {
        absl::StatusOr<ReportPeriod> period =
            ReportPeriod::Parse(request->period());
        if (!period.ok()) return period.status();
        absl::StatusOr<zwfw::v1::RenderResponse> found = store_->GetPublished(
            period->ToString(), request->version(), request->format());
        if (!found.ok()) return found.status();
        *response = *std::move(found);
        return absl::OkStatus();
      });
}

grpc::Status BulletinService::ListPublished(
    grpc::ServerContext* context, const zwfw::v1::ListPublishedRequest* request,
    zwfw::v1::ListPublishedResponse* response) {
  return HandleRpc(
      *tokens_, *context, "ListPublished", kPublishedReaders,
      [&](const Principal&) -> absl::Status {
        absl::StatusOr<ReportPeriod> period =
            ReportPeriod::Parse(request->period());
        if (!period.ok()) return period.status();
        absl::StatusOr<std::vector<zwfw::v1::PublishedVersion>> versions =
            store_->ListPublished(period->ToString());
        if (!versions.ok()) return versions.status();
        for (auto& v : *versions) *response->add_versions() = std::move(v);
        return absl::OkStatus();
      });
}

}  // namespace zwfw::bulletin
