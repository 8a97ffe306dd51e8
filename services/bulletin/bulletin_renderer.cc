#include "services/bulletin/bulletin_renderer.h"

#include "absl/strings/str_cat.h"
#include "services/bulletin/composer.h"
#include "services/common/auth.h"
#include "services/common/cache_keys.h"

namespace zwfw::bulletin {

absl::StatusOr<BulletinInputs> BulletinRenderer::Gather(const Period& period,
                                                        bool freeze) {
  BulletinInputs in;
  if (freeze) {
    absl::Status closed = sources_->ClosePeriod(period);
    if (!closed.ok()) return closed;
  }
  absl::StatusOr<zwfw::v1::Draft> draft = store_->GetDraft(period.ToString());
  if (!draft.ok()) return draft.status();
  in.draft = *std::move(draft);
  absl::StatusOr<zwfw::v1::DirectorySnapshot> directory = sources_->Directory();
  if (!directory.ok()) return directory.status();
  in.directory = *std::move(directory);
  absl::StatusOr<zwfw::v1::GetCaseStatsResponse> cases =
      sources_->CaseStats(period);
  if (!cases.ok()) return cases.status();
  in.cases = *std::move(cases);
  absl::StatusOr<zwfw::v1::GetSatisfactionStatsResponse> survey =
      sources_->Satisfaction(period);
  if (!survey.ok()) return survey.status();
  in.survey = *std::move(survey);
  absl::StatusOr<zwfw::v1::Scorecard> card =
      freeze ? sources_->Freeze(period) : sources_->Scorecard(period);
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
  const std::string key = RenderCacheKey(
      in.cases.period(), zwfw::v1::BulletinFormat_Name(format), inputs);
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
        absl::StrCat("bulletin-", in.cases.period(), ".", rendered->extension));
    for (const auto& w : doc.warnings) out.add_warnings(w);
    out.set_draft_revision(in.draft.revision());
    if (cache_ != nullptr) {
      cache_->Set(key, out.SerializeAsString(), cache_ttl_);
    }
    return out;
  });
}

}  // namespace zwfw::bulletin
