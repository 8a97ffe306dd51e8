#include "services/bulletin/bulletin_renderer.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "services/bulletin/composer.h"
#include "services/common/auth.h"
#include "services/common/cache_keys.h"
#include "services/common/indicator_inputs.h"

namespace zwfw::bulletin {

absl::StatusOr<PeriodAggregates> ReadAggregates(BulletinSources& sources,
                                                const IndicatorPlan& plan,
                                                const ReportPeriod& period) {
  PeriodAggregates out{period, {}, {}};
  if (!plan.measures().empty()) {
    absl::StatusOr<zwfw::v1::GetCaseSumsResponse> cases =
        sources.CaseSums(period, plan.measures());
    if (!cases.ok()) return cases.status();
    out.cases = *std::move(cases);
  }
  if (plan.needs_survey()) {
    absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> satisfaction =
        sources.PeriodSatisfaction(period);
    if (!satisfaction.ok()) return satisfaction.status();
    out.satisfaction = *std::move(satisfaction);
  }
  return out;
}

absl::StatusOr<BulletinTemplate> ParseTemplateFor(
    const zwfw::v1::BulletinTemplate& stored, const ReportPeriod& period,
    const SatisfiedLevels& satisfied) {
  const std::string which =
      absl::StrCat("template ", stored.name(), " version ", stored.version());
  absl::StatusOr<BulletinTemplate> parsed =
      BulletinTemplate::Parse(stored.text(), satisfied);
  if (!parsed.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(which, ": ", parsed.status().message()));
  }
  if (!parsed->Accepts(period.kind())) {
    return absl::FailedPreconditionError(
        absl::StrCat(which, " is not written for a period like ",
                     period.ToString(), " (its period line)"));
  }
  if (parsed->reads_scorecard() &&
      period.kind() != ReportPeriod::Kind::kMonth) {
    return absl::FailedPreconditionError(
        absl::StrCat(which,
                     " quotes the scorecard (awards, tiers), which is "
                     "monthly; ",
                     period.ToString(), " is not a month"));
  }
  return parsed;
}

absl::StatusOr<TemplateInputs> ReadTemplateInputs(
    BulletinSources& sources, zwfw::v1::BulletinTemplate stored,
    const ReportPeriod& period, bool compare) {
  absl::StatusOr<BulletinTemplate> parsed = ParseTemplateFor(stored, period);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<PeriodAggregates> now =
      ReadAggregates(sources, parsed->plan(), period);
  if (!now.ok()) return now.status();
  // satisfaction_rate counts the office's satisfied levels, which survey's
  // answer names; the measures do not depend on them.
  if (parsed->plan().needs_survey()) {
    parsed =
        ParseTemplateFor(stored, period, SatisfiedLevelsOf(now->satisfaction));
    if (!parsed.ok()) return parsed.status();
  }
  auto shared = std::make_shared<const BulletinTemplate>(*std::move(parsed));
  TemplateInputs out{std::move(stored), shared, *std::move(now), {}, {}};
  if (compare || shared->compares()) {
    absl::StatusOr<PeriodAggregates> p =
        ReadAggregates(sources, shared->plan(), period.Previous());
    if (!p.ok()) return p.status();
    out.previous = *std::move(p);
  }
  if (compare || shared->compares_year()) {
    absl::StatusOr<PeriodAggregates> p =
        ReadAggregates(sources, shared->plan(), period.YearBefore());
    if (!p.ok()) return p.status();
    out.year_before = *std::move(p);
  }
  return out;
}

absl::StatusOr<BulletinInputs> BulletinRenderer::Gather(
    const ReportPeriod& period, bool freeze) {
  BulletinInputs in;
  absl::StatusOr<zwfw::v1::Draft> draft = store_->GetDraft(period.ToString());
  if (!draft.ok()) return draft.status();
  in.draft = *std::move(draft);
  // Whether the period can be written at all, before anything is closed.
  std::optional<zwfw::v1::BulletinTemplate> stored;
  if (in.draft.template_().empty()) {
    if (period.kind() != ReportPeriod::Kind::kMonth) {
      return absl::FailedPreconditionError(absl::StrCat(
          "period ", period.ToString(),
          ": the built-in bulletin is monthly; name a template in the draft "
          "(template)"));
    }
  } else {
    absl::StatusOr<zwfw::v1::BulletinTemplate> found =
        store_->GetTemplate(in.draft.template_(), 0);
    if (!found.ok()) return found.status();
    absl::StatusOr<BulletinTemplate> usable = ParseTemplateFor(*found, period);
    if (!usable.ok()) return usable.status();
    stored = *std::move(found);
  }
  // Publishing closes the months first; a draft edited meanwhile makes the
  // store refuse the publication (its revision), so this one read holds.
  if (freeze) {
    for (const Period& month : period.months()) {
      absl::Status closed = sources_->ClosePeriod(month);
      if (!closed.ok()) return closed;
    }
  }
  absl::StatusOr<zwfw::v1::DirectorySnapshot> directory = sources_->Directory();
  if (!directory.ok()) return directory.status();
  in.directory = *std::move(directory);
  const Period month = period.first();
  if (stored) {
    absl::StatusOr<TemplateInputs> t =
        ReadTemplateInputs(*sources_, *std::move(stored), period);
    if (!t.ok()) return t.status();
    in.templated = *std::move(t);
    const BulletinTemplate& parsed = *in.templated->parsed;
    // The records it quotes besides the aggregates: the corrections made
    // in the period (each month's case statistics carry its own) and the
    // scorecard (monthly: ParseTemplateFor).
    in.cases.set_period(period.ToString());
    for (const Period& m :
         parsed.reads_corrections() ? period.months() : std::vector<Period>{}) {
      absl::StatusOr<zwfw::v1::GetCaseStatsResponse> cases =
          sources_->CaseStats(m);
      if (!cases.ok()) return cases.status();
      for (auto& c : *cases->mutable_corrections()) {
        *in.cases.add_corrections() = std::move(c);
      }
    }
    if (!parsed.reads_scorecard()) return in;
  } else {
    absl::StatusOr<zwfw::v1::GetCaseStatsResponse> cases =
        sources_->CaseStats(month);
    if (!cases.ok()) return cases.status();
    in.cases = *std::move(cases);
    absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> survey =
        sources_->Satisfaction(month);
    if (!survey.ok()) return survey.status();
    in.survey = *std::move(survey);
  }
  absl::StatusOr<zwfw::v1::Scorecard> card =
      freeze ? sources_->Freeze(month) : sources_->Scorecard(month);
  if (!card.ok()) return card.status();
  in.scorecard = *std::move(card);
  return in;
}

absl::StatusOr<zwfw::v1::RenderResponse> BulletinRenderer::Render(
    const BulletinInputs& in, zwfw::v1::BulletinFormat format, CacheUse use) {
  // The key is the hash of everything the document is made of, so a cached
  // render is never stale and nothing needs invalidating.
  std::string inputs = absl::StrCat(
      in.draft.SerializeAsString(), in.directory.SerializeAsString(),
      in.cases.SerializeAsString(), in.survey.SerializeAsString(),
      in.scorecard.SerializeAsString());
  if (in.templated) {
    const TemplateInputs& t = *in.templated;
    absl::StrAppend(&inputs, t.stored.SerializeAsString());
    for (const PeriodAggregates* a :
         {&t.now, t.previous ? &*t.previous : nullptr,
          t.year_before ? &*t.year_before : nullptr}) {
      if (a == nullptr) continue;
      absl::StrAppend(&inputs, a->period.ToString(),
                      a->cases.SerializeAsString(),
                      a->satisfaction.SerializeAsString());
    }
  }
  const std::string period = in.draft.period();
  const std::string key =
      RenderCacheKey(period, zwfw::v1::BulletinFormat_Name(format), inputs);
  if (cache_ != nullptr && use == CacheUse::kAllowed) {
    if (std::optional<std::string> hit = cache_->Get(key)) {
      zwfw::v1::RenderResponse cached;
      if (cached.ParseFromString(*hit)) return cached;
    }
  }
  // Concurrent misses of one key share one computation (from the inputs,
  // never from the cache: Publish may share it).
  return flights_.Do(key, [&]() -> absl::StatusOr<zwfw::v1::RenderResponse> {
    Document doc = Compose(in, composer_);
    absl::StatusOr<Rendered> rendered = Write(doc, format, fonts_);
    if (!rendered.ok()) return rendered.status();
    zwfw::v1::RenderResponse out;
    out.set_content(rendered->content);
    out.set_media_type(rendered->media_type);
    out.set_sha256(Sha256Hex(rendered->content));
    out.set_file_name(
        absl::StrCat("bulletin-", period, ".", rendered->extension));
    for (const auto& w : doc.warnings) out.add_warnings(w);
    out.set_draft_revision(in.draft.revision());
    if (cache_ != nullptr) {
      cache_->Set(key, out.SerializeAsString(), cache_ttl_);
    }
    return out;
  });
}

}  // namespace zwfw::bulletin
