#include "services/intake/case_cells.h"

#include <algorithm>
#include <cassert>

#include "absl/strings/str_cat.h"
#include "services/common/period.h"
#include "services/common/proto_time.h"
#include "services/intake/case_rules.h"
#include "services/intake/overtime.h"

namespace zwfw::intake {
namespace {

// Bit fields of the packed dimensions. The values are stored: never
// reorder, only append.
constexpr int kCategoryShift = 0;  // ItemCategory, 2 bits
constexpr int kKindShift = 2;      // ItemKind, 2 bits
constexpr int kSiteShift = 4;      // HandlingSite, 2 bits
constexpr int kStatusShift = 6;    // CaseStatus, 3 bits
constexpr int kInstantBit = 9;
constexpr int kOnlineBit = 10;
constexpr int kCompletedInCenterBit = 11;
constexpr int kAfterHoursBit = 12;

int Field(int64_t dimensions, int shift, int bits) {
  return static_cast<int>((dimensions >> shift) & ((1 << bits) - 1));
}

bool Flag(int64_t dimensions, int bit) { return (dimensions >> bit) & 1; }

template <typename List>
bool Listed(const List& list, int value) {
  return list.empty() ||
         std::find(list.begin(), list.end(), value) != list.end();
}

// The last day a case may be completed on to count as on time: the CST day
// of the instant just before its due time (a due time is the end of a day).
absl::CivilDay DueDay(absl::Time due) {
  return ChinaDay(due - absl::Microseconds(1));
}

}  // namespace

std::array<int64_t, CellValues::kCount> CellValues::Values() const {
  return {cases,         timed,   working_seconds, natural_seconds,
          promised_days, early,   on_time,         late,
          open,          same_day};
}

CellValues CellValues::FromValues(const std::array<int64_t, kCount>& v) {
  CellValues out;
  out.cases = v[0];
  out.timed = v[1];
  out.working_seconds = v[2];
  out.natural_seconds = v[3];
  out.promised_days = v[4];
  out.early = v[5];
  out.on_time = v[6];
  out.late = v[7];
  out.open = v[8];
  out.same_day = v[9];
  return out;
}

bool CellValues::IsZero() const {
  for (int64_t v : Values()) {
    if (v != 0) return false;
  }
  return true;
}

CellValues& CellValues::Add(const CellValues& o, int64_t times) {
  std::array<int64_t, kCount> sum = Values();
  const std::array<int64_t, kCount> other = o.Values();
  for (int i = 0; i < kCount; ++i) sum[i] += times * other[i];
  return *this = FromValues(sum);
}

int64_t CaseDimensions(const zwfw::v1::Case& c) {
  int64_t d = 0;
  d |= int64_t{c.category() & 3} << kCategoryShift;
  d |= int64_t{c.item_kind() & 3} << kKindShift;
  d |= int64_t{c.site() & 3} << kSiteShift;
  d |= int64_t{c.status() & 7} << kStatusShift;
  if (c.instant()) d |= int64_t{1} << kInstantBit;
  if (c.online()) d |= int64_t{1} << kOnlineBit;
  if (c.completed_in_center()) d |= int64_t{1} << kCompletedInCenterBit;
  if (c.accepted_after_hours()) d |= int64_t{1} << kAfterHoursBit;
  return d;
}

bool Matches(const zwfw::v1::CaseFilter& f, int64_t d) {
  return Listed(f.categories(), Field(d, kCategoryShift, 2)) &&
         Listed(f.item_kinds(), Field(d, kKindShift, 2)) &&
         Listed(f.sites(), Field(d, kSiteShift, 2)) &&
         Listed(f.statuses(), Field(d, kStatusShift, 3)) &&
         (!f.has_instant() || f.instant() == Flag(d, kInstantBit)) &&
         (!f.has_online() || f.online() == Flag(d, kOnlineBit)) &&
         (!f.has_completed_in_center() ||
          f.completed_in_center() == Flag(d, kCompletedInCenterBit)) &&
         (!f.has_accepted_after_hours() ||
          f.accepted_after_hours() == Flag(d, kAfterHoursBit));
}

absl::Status CheckMeasure(const zwfw::v1::CaseMeasure& m,
                          const std::string& field) {
  const std::string prefix = field.empty() ? "" : absl::StrCat(field, ".");
  auto bad = [&](const std::string& what, int value) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, what, ": ", value, " is not a known value"));
  };
  if (m.basis() < zwfw::v1::CASE_TIME_BASIS_ACCEPTED ||
      m.basis() > zwfw::v1::CASE_TIME_BASIS_DUE) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix,
                     "basis: must be CASE_TIME_BASIS_ACCEPTED, "
                     "CASE_TIME_BASIS_COMPLETED or CASE_TIME_BASIS_DUE"));
  }
  for (int v : m.filter().categories()) {
    if (!zwfw::v1::ItemCategory_IsValid(v) || v == 0)
      return bad("filter.categories", v);
  }
  for (int v : m.filter().item_kinds()) {
    if (!zwfw::v1::ItemKind_IsValid(v)) return bad("filter.item_kinds", v);
  }
  for (int v : m.filter().sites()) {
    if (!zwfw::v1::HandlingSite_IsValid(v) || v == 0)
      return bad("filter.sites", v);
  }
  for (int v : m.filter().statuses()) {
    if (!zwfw::v1::CaseStatus_IsValid(v) || v == 0)
      return bad("filter.statuses", v);
  }
  return absl::OkStatus();
}

CellContribution CellsOf(const zwfw::v1::Case& c) {
  CellContribution out;
  if (!IsCounted(c)) return out;
  const int64_t dimensions = CaseDimensions(c);
  auto add = [&](absl::Time at, zwfw::v1::CaseTimeBasis basis) -> CellValues& {
    assert(out.size < static_cast<int>(out.parts.size()));
    CellContribution::Part& part = out.parts[out.size++];
    part.key = CellKey(Period::Containing(at).ToString(), basis,
                       c.department_code(), dimensions);
    part.values.cases = 1;
    return part.values;
  };
  const bool same_day =
      c.status() == zwfw::v1::CASE_STATUS_COMPLETED &&
      ChinaDay(ToTime(c.completed_at())) == ChinaDay(ToTime(c.accepted_at()));
  add(ToTime(c.accepted_at()), zwfw::v1::CASE_TIME_BASIS_ACCEPTED).same_day =
      same_day;

  const DueStanding standing = StandingOf(c);
  // The due-time figures, the same on the completion and the due cells.
  auto timeliness = [&](CellValues& v) {
    if (standing == DueStanding::kFinishedLate) v.late = 1;
    if (standing == DueStanding::kFinishedOnTime) {
      v.on_time = 1;
      if (ChinaDay(ToTime(c.completed_at())) < DueDay(ToTime(c.due_at()))) {
        v.early = 1;
      }
    }
    if (standing == DueStanding::kClockRunning) v.open = 1;
  };
  if (c.status() == zwfw::v1::CASE_STATUS_COMPLETED) {
    CellValues& v =
        add(ToTime(c.completed_at()), zwfw::v1::CASE_TIME_BASIS_COMPLETED);
    v.natural_seconds = c.natural_seconds();
    v.same_day = same_day;
    if (c.has_working_seconds()) {
      v.timed = 1;
      v.working_seconds = c.working_seconds();
      v.promised_days = c.promised_days();
    }
    timeliness(v);
  }
  if (HasTime(c.due_at())) {
    timeliness(add(ToTime(c.due_at()), zwfw::v1::CASE_TIME_BASIS_DUE));
  }
  return out;
}

bool CountsAs(const zwfw::v1::Case& c, zwfw::v1::CaseTimeBasis basis,
              CasePart part, absl::Time now) {
  const CellContribution cells = CellsOf(c);
  for (int i = 0; i < cells.size; ++i) {
    if (std::get<1>(cells.parts[i].key) != basis) continue;
    const CellValues& v = cells.parts[i].values;
    switch (part) {
      case CasePart::kAll:
        return v.cases > 0;
      case CasePart::kSameDay:
        return v.same_day > 0;
      case CasePart::kEarly:
        return v.early > 0;
      case CasePart::kOnTime:
        return v.on_time > 0;
      case CasePart::kLate:
        return v.late > 0;
      case CasePart::kFinished:
        return v.on_time + v.late > 0;
      case CasePart::kOvertime:
        // open_overdue (kept on the due cells only): the clock running
        // and the due time passed.
        return v.late > 0 || (basis == zwfw::v1::CASE_TIME_BASIS_DUE &&
                              v.open > 0 && ToTime(c.due_at()) < now);
    }
  }
  return false;
}

std::map<BlockKey, CellBlock> DeltasByBlock(const CellDeltas& deltas) {
  std::map<BlockKey, CellBlock> out;
  for (const auto& [key, values] : deltas) {
    if (values.IsZero()) continue;
    const auto& [month, basis, department, dimensions] = key;
    out[{month, basis, department}][dimensions].Add(values, 1);
  }
  return out;
}

namespace {

constexpr char kBlockFormat = 1;

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(absl::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

}  // namespace

std::string EncodeCellBlock(const CellBlock& block) {
  std::string out(1, kBlockFormat);
  for (const auto& [dimensions, values] : block) {
    if (values.IsZero()) continue;
    PutVarint(static_cast<uint64_t>(dimensions), &out);
    for (int64_t v : values.Values()) PutVarint(ZigZag(v), &out);
  }
  return out;
}

absl::Status ForEachCell(
    absl::string_view in,
    const std::function<void(int64_t, const CellValues&)>& cell) {
  if (in.empty() || in.front() != kBlockFormat) {
    return absl::DataLossError("a stored cell block has an unknown format");
  }
  in.remove_prefix(1);
  std::array<int64_t, CellValues::kCount> values;
  while (!in.empty()) {
    uint64_t dimensions = 0, v = 0;
    if (!GetVarint(&in, &dimensions)) {
      return absl::DataLossError("a stored cell block is cut short");
    }
    for (int i = 0; i < CellValues::kCount; ++i) {
      if (!GetVarint(&in, &v)) {
        return absl::DataLossError("a stored cell block is cut short");
      }
      values[i] = UnZigZag(v);
    }
    cell(static_cast<int64_t>(dimensions), CellValues::FromValues(values));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> MergeCellBlock(absl::string_view stored,
                                           const CellBlock& deltas) {
  CellBlock block;
  if (!stored.empty()) {
    absl::Status s = ForEachCell(
        stored, [&block](int64_t dimensions, const CellValues& values) {
          block[dimensions] = values;
        });
    if (!s.ok()) return s;
  }
  for (const auto& [dimensions, delta] : deltas) {
    block[dimensions].Add(delta, 1);
  }
  return EncodeCellBlock(block);
}

void AddCells(const CellContribution& contribution, int sign,
              CellDeltas* deltas) {
  for (int i = 0; i < contribution.size; ++i) {
    (*deltas)[contribution.parts[i].key].Add(contribution.parts[i].values,
                                             sign);
  }
}

void AddToSums(const CellValues& v, zwfw::v1::CaseSums* s) {
  s->set_cases(s->cases() + v.cases);
  s->set_timed(s->timed() + v.timed);
  s->set_working_seconds(s->working_seconds() + v.working_seconds);
  s->set_natural_seconds(s->natural_seconds() + v.natural_seconds);
  s->set_promised_days(s->promised_days() + v.promised_days);
  s->set_early(s->early() + v.early);
  s->set_on_time(s->on_time() + v.on_time);
  s->set_late(s->late() + v.late);
  s->set_open(s->open() + v.open);
  s->set_same_day(s->same_day() + v.same_day);
}

}  // namespace zwfw::intake
