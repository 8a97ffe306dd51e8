// The indicator aggregates (指标聚合): per (month, time basis, department,
// dimensions) the counts and sums the indicators need (CaseSums in
// intake.proto), kept at write time in the cases' own transaction as the
// month counters are (case_counters.h), so that any indicator of any
// period is a sum over O(departments × dimensions) rows, never a scan of
// cases.
//
// A case adds to up to three cells: its accepted month's (ACCEPTED basis),
// its completion month's when COMPLETED, and its due month's when it has a
// due time. The dimensions are the case fields indicators filter on —
// category, item kind, site, status, instant, online, completed in center,
// accepted after hours (延时服务) —
// packed into one integer; a unit group is a set of departments.
//
// Stored as one block per (month, basis, department): the department's
// cells of that month and basis, encoded together (EncodeCellBlock), so a
// month of 2,000 departments is 6,000 rows to read however many
// dimensions their cases spread over.
#ifndef ZWFW_SERVICES_INTAKE_CASE_CELLS_H_
#define ZWFW_SERVICES_INTAKE_CASE_CELLS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/indicators.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::intake {

struct CellValues {
  int64_t cases = 0, timed = 0, working_seconds = 0, natural_seconds = 0,
          promised_days = 0, early = 0, on_time = 0, late = 0, open = 0,
          same_day = 0;

  // The values in kCellColumns' order, and back.
  static constexpr int kCount = 10;
  std::array<int64_t, kCount> Values() const;
  static CellValues FromValues(const std::array<int64_t, kCount>& values);

  bool IsZero() const;
  CellValues& Add(const CellValues& other, int64_t times);
};

// The names of the values, in Values() order (CaseSums' fields).
inline constexpr const char* kCellColumns[CellValues::kCount] = {
    "cases",         "timed",   "working_seconds", "natural_seconds",
    "promised_days", "early",   "on_time",         "late",
    "open_cases",    "same_day"};

// (month "2020-07", CaseTimeBasis, department code, packed dimensions).
using CellKey = std::tuple<std::string, int, std::string, int64_t>;
using CellDeltas = absl::flat_hash_map<CellKey, CellValues>;

// One stored block: (month, basis, department) and its cells by
// dimensions.
using BlockKey = std::tuple<std::string, int, std::string>;
using CellBlock = std::map<int64_t, CellValues>;
// The deltas of a transaction by the block they change.
std::map<BlockKey, CellBlock> DeltasByBlock(const CellDeltas& deltas);

// A block as stored: a format byte, then per cell in ascending dimensions
// the dimensions and the kCount values as varints (values zigzag-encoded).
// Cells whose values are all zero are left out.
std::string EncodeCellBlock(const CellBlock& block);
// The stored block plus the deltas, re-encoded.
absl::StatusOr<std::string> MergeCellBlock(absl::string_view stored,
                                           const CellBlock& deltas);
// Calls `cell` for each cell of a stored block, in ascending dimensions;
// DATA_LOSS when the bytes are not a block.
absl::Status ForEachCell(
    absl::string_view stored,
    const std::function<void(int64_t dimensions, const CellValues& values)>&
        cell);

// The dimensions of a case, packed (CellKey's last part).
int64_t CaseDimensions(const zwfw::v1::Case& c);
// Whether cases of these packed dimensions pass the filter.
bool Matches(const zwfw::v1::CaseFilter& filter, int64_t dimensions);

// INVALID_ARGUMENT naming the field (`measures[2].basis`; `basis` when
// `field` is empty) for a measure without a basis or with a value no case
// can have.
absl::Status CheckMeasure(const zwfw::v1::CaseMeasure& measure,
                          const std::string& field);

// What one case adds to the cells; REJECTED cases nothing. Pure: a
// function of the stored record alone.
struct CellContribution {
  struct Part {
    CellKey key;
    CellValues values;
  };
  std::array<Part, 3> parts;
  int size = 0;
};
CellContribution CellsOf(const zwfw::v1::Case& c);

void AddCells(const CellContribution& contribution, int sign,
              CellDeltas* deltas);

// Whether a case is one of the `part` its cells of `basis` count at `now`
// (CaseSums' fields case by case: the drill-down from a figure, which
// lists the cases of its period and filter this passes). A case with no
// cell of `basis` (REJECTED, not completed, without a due time) is none.
bool CountsAs(const zwfw::v1::Case& c, zwfw::v1::CaseTimeBasis basis,
              CasePart part, absl::Time now);

// Adds a cell's values into the sums of a measure it matches.
void AddToSums(const CellValues& values, zwfw::v1::CaseSums* sums);

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_CASE_CELLS_H_
