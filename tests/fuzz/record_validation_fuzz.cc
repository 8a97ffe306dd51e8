// libFuzzer target: every service's record validation, through the same
// functions the RPCs call, on protobuf messages built from the fuzz input
// (binary wire format, so any field, unknown ones included, can appear).
// The first byte picks the record — a case (with pauses, extensions and
// every status), an evaluation, a return visit, a rectification change —
// the second the caller's role. Nothing may crash, leak or trip UBSan;
// every refusal is a status.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "services/common/auth.h"
#include "services/common/calendar.h"
#include "services/common/directory_index.h"
#include "services/intake/case_rules.h"
#include "services/survey/rating_sources.h"
#include "services/survey/rectification_rules.h"
#include "services/survey/survey_rules.h"

namespace {

const zwfw::DirectoryIndex& Directory() {
  static const auto* const index =
      new std::shared_ptr<const zwfw::DirectoryIndex>([] {
        zwfw::v1::DirectorySnapshot s;
        for (const char* code : {"d1", "d2"}) {
          auto* d = s.add_departments();
          d->set_code(code);
          d->set_name(std::string("部门") + code);
          d->add_aliases(std::string("alias-") + code);
        }
        auto* w = s.add_windows();
        w->set_code("w1");
        w->set_name("窗口一");
        w->set_department_code("d1");
        auto* m = s.add_staff();
        m->set_code("s1");
        m->set_name("李宇");
        m->set_window_code("w1");
        auto* item = s.add_service_items();
        item->set_code("i1");
        item->set_name("事项");
        item->set_department_code("d1");
        item->set_category(zwfw::v1::ITEM_CATEGORY_APPROVAL);
        item->set_kind(zwfw::v1::ITEM_KIND_PROMISED);
        item->set_promised_days(5);
        return *zwfw::DirectoryIndex::Build(s, 1);
      }());
  return **index;
}

const zwfw::Calendar& WorkingDays() {
  static const auto* const calendar =
      new zwfw::Calendar(*zwfw::Calendar::FromFiles({}));
  return *calendar;
}

const zwfw::Principal& Caller(uint8_t b) {
  static const auto* const roles = new std::vector<zwfw::Principal>{
      *zwfw::ParseRole("admin"),         *zwfw::ParseRole("service"),
      *zwfw::ParseRole("department:d1"), *zwfw::ParseRole("evaluator:w1"),
      *zwfw::ParseRole("channel:sms"),   *zwfw::ParseRole("viewer"),
      *zwfw::ParseRole("evaluator")};
  return (*roles)[b % roles->size()];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const zwfw::Principal& who = Caller(data[1]);
  const absl::Time now = absl::FromUnixSeconds(1596211200);  // 2020-08-01
  const void* bytes = data + 2;
  const int length = static_cast<int>(size - 2);
  switch (data[0] % 4) {
    case 0: {
      zwfw::v1::Case c;
      if (!c.ParseFromArray(bytes, length)) return 0;
      absl::StatusOr<zwfw::v1::Case> normalized =
          zwfw::intake::NormalizeCase(c, Directory(), WorkingDays(), who, now);
      // The raw input as a reason: every length and byte, valid UTF-8 or not.
      (void)zwfw::intake::CheckCorrection(
          who, std::string(static_cast<const char*>(bytes), size - 2));
      if (normalized.ok()) {
        (void)zwfw::intake::CheckClosedMonth(
            std::nullopt, *normalized,
            [](const std::string& m) { return m == "2020-07"; });
        (void)zwfw::intake::CheckClosedMonth(
            *normalized, c, [](const std::string& m) { return m < "2020-08"; });
        (void)zwfw::intake::CheckTransition(c.status(), normalized->status());
      }
      break;
    }
    case 1: {
      zwfw::v1::Evaluation e;
      if (!e.ParseFromArray(bytes, length)) return 0;
      absl::StatusOr<zwfw::v1::Evaluation> normalized =
          zwfw::survey::NormalizeEvaluation(e, Directory(), who, now);
      if (normalized.ok()) {
        if (zwfw::survey::NeedsCaseCheck(who, *normalized)) {
          (void)zwfw::survey::CheckAgainstCase(*normalized, now);
          (void)zwfw::survey::CheckAgainstCase(*normalized, std::nullopt);
        }
        (void)zwfw::survey::WalkInDay(who, *normalized);
      }
      break;
    }
    case 2: {
      zwfw::v1::ReturnVisit v;
      if (!v.ParseFromArray(bytes, length)) return 0;
      (void)zwfw::survey::NormalizeReturnVisit(v, Directory(), who, now);
      break;
    }
    default: {
      if (length < 2) return 0;
      const auto* states = static_cast<const uint8_t*>(bytes);
      (void)zwfw::survey::CheckRectificationChange(
          static_cast<zwfw::v1::RectificationState>(states[0] % 9),
          static_cast<zwfw::v1::RectificationState>(states[1] % 9), who);
    }
  }
  return 0;
}
