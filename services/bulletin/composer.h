// Composes the bulletin's document from the draft and the month's figures:
// section 一 from intake and survey, 四 and 五 from the scorecard, the
// attachment table from intake and the directory, the rest from the draft.
// Pure: the same inputs give the same document.
#ifndef ZWFW_SERVICES_BULLETIN_COMPOSER_H_
#define ZWFW_SERVICES_BULLETIN_COMPOSER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/bulletin/bulletin_template.h"
#include "services/bulletin/document.h"
#include "services/bulletin/indicator_report.h"
#include "services/common/volume_classes.h"
#include "zwfw/v1/bulletin.pb.h"
#include "zwfw/v1/directory.pb.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/scoring.pb.h"
#include "zwfw/v1/survey.pb.h"

namespace zwfw::bulletin {

// A bulletin written from an office's template (bulletin_template.h): the
// template as stored and parsed, and the aggregates its indicators read.
struct TemplateInputs {
  zwfw::v1::BulletinTemplate stored;
  std::shared_ptr<const BulletinTemplate> parsed;
  PeriodAggregates now;
  std::optional<PeriodAggregates> previous, year_before;
};

struct BulletinInputs {
  zwfw::v1::Draft draft;
  zwfw::v1::DirectorySnapshot directory;
  // The built-in monthly format's figures; empty with a template.
  zwfw::v1::GetCaseStatsResponse cases;
  zwfw::v1::GetSatisfactionStatsResponse survey;
  zwfw::v1::Scorecard scorecard;
  // Set when the draft names a template (Draft.template): Compose writes
  // it (template_composer.h) instead of the built-in format.
  std::optional<TemplateInputs> templated;
};

struct ComposerOptions {
  // Volume classes of the attachment table (volume_classes.h).
  VolumeClasses volume_classes;
};

Document Compose(const BulletinInputs& inputs,
                 const ComposerOptions& options = {});

// The first section's paragraph, as the reference words it.
std::string CaseParagraph(const BulletinInputs& inputs);
// "100%" for 1/1, "95.4%" for 52740/55306: one decimal, ".0" dropped.
std::string Percent(int64_t numerator, int64_t denominator);

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_COMPOSER_H_
