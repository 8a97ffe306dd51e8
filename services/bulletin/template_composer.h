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

namespace zwfw::bulletin {

// `previous` and `year_before` may be null when the template compares with
// none (BulletinTemplate::compares); a comparison then reads as empty.
Document ComposeFromTemplate(const BulletinTemplate& tmpl,
                             const zwfw::v1::Draft& draft,
                             const zwfw::v1::DirectorySnapshot& directory,
                             const PeriodAggregates& now,
                             const PeriodAggregates* previous,
                             const PeriodAggregates* year_before);

}  // namespace zwfw::bulletin

#endif  // ZWFW_SERVICES_BULLETIN_TEMPLATE_COMPOSER_H_
