// Composes a bulletin's document tree from an office's template
// (bulletin_template.h), the draft and a period's aggregates: every figure
// evaluated by the indicator library over the units a placeholder names
// (a department, a unit group, several summed, everyone), comparisons from
// the previous period's and the year before's aggregates, rankings and
// unit lists over departments, conditions, sections per unit, the table.
// The writers (writers.h) then write it like any other document.
//
// A unit the template names that the directory does not have reads
// 【未知单位：X】, an empty draft field 【待填写：X】; each adds a warning
// with the template's line and column. Pure: the same inputs give the same
// document.
#ifndef ZWFW_SERVICES_BULLETIN_TEMPLATE_COMPOSER_H_
#define ZWFW_SERVICES_BULLETIN_TEMPLATE_COMPOSER_H_

#include "services/bulletin/bulletin_template.h"
#include "services/bulletin/document.h"
#include "services/bulletin/indicator_report.h"
#include "zwfw/v1/bulletin.pb.h"
#include "zwfw/v1/directory.pb.h"
#include "zwfw/v1/intake.pb.h"
#include "zwfw/v1/scoring.pb.h"

namespace zwfw::bulletin {

// What a template may quote besides the aggregates (its lists,
// kTemplateLists): the month's scorecard and the corrections of published
// months made in it. Empty unless the template reads them
// (reads_scorecard, reads_corrections).
struct TemplateRecords {
  const zwfw::v1::Scorecard* scorecard =
      &zwfw::v1::Scorecard::default_instance();
  const google::protobuf::RepeatedPtrField<zwfw::v1::CaseCorrection>*
      corrections = &kNoCorrections;
  static const google::protobuf::RepeatedPtrField<zwfw::v1::CaseCorrection>
      kNoCorrections;
};

// `previous` and `year_before` may be null when the template compares with
// none (BulletinTemplate::compares); a comparison then reads as empty.
Document ComposeFromTemplate(const BulletinTemplate& tmpl,
                             const zwfw::v1::Draft& draft,
                             const zwfw::v1::DirectorySnapshot& directory,
                             const PeriodAggregates& now,
                             const PeriodAggregates* previous,
                             const PeriodAggregates* year_before,
                             const TemplateRecords& records = {});

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_TEMPLATE_COMPOSER_H_
