#include "services/intake/case_writes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/period.h"
#include "services/intake/case_rules.h"

namespace zwfw::intake {
namespace {

using zwfw::v1::Case;

bool Changed(const WriteResult& r) {
  return r.outcome == zwfw::v1::RECORD_OUTCOME_ACCEPTED ||
         r.outcome == zwfw::v1::RECORD_OUTCOME_UPDATED;
}

// Inserts or updates one record: ACCEPTED, DUPLICATE, UPDATED or REJECTED
// (an illegal status change).
absl::StatusOr<WriteResult> WriteRecord(CaseWriter& w, const StagedCase& staged,
                                        CaseDeltas* deltas) {
  const Case& c = staged.record;
  WriteResult result;
  // Most records are new: try the insert first, look only on a conflict.
  absl::StatusOr<bool> inserted = w.Insert(staged);
  if (!inserted.ok()) return inserted.status();
  if (*inserted) {
    AddContribution(staged.contribution, +1, deltas);
    result.outcome = zwfw::v1::RECORD_OUTCOME_ACCEPTED;
    return result;
  }
  absl::StatusOr<std::optional<std::string>> stored = w.Stored(c);
  if (!stored.ok()) return stored.status();
  if (*stored == staged.bytes) {
    result.outcome = zwfw::v1::RECORD_OUTCOME_DUPLICATE;
    return result;
  }
  Case previous;
  if (!*stored || !previous.ParseFromString(**stored)) {
    return UnreadableCase(c.department_code(), c.case_no());
  }
  absl::Status legal = CheckTransition(previous.status(), c.status());
  if (!legal.ok()) {
    result.outcome = zwfw::v1::RECORD_OUTCOME_REJECTED;
    result.error = legal;
    return result;
  }
  absl::Status s = w.Update(staged);
  if (!s.ok()) return s;
  AddContribution(previous, -1, deltas);
  AddContribution(staged.contribution, +1, deltas);
  result.outcome = zwfw::v1::RECORD_OUTCOME_UPDATED;
  return result;
}

// One record, against the months closed as the transaction sees them: a
// change to a closed month is REJECTED unless the actor gives a reason,
// when it is written and listed as a correction.
absl::StatusOr<WriteResult> WriteOne(
    CaseWriter& w, const StagedCase& staged,
    const absl::flat_hash_set<std::string>& closed, const Actor& actor,
    absl::Time now, CaseDeltas* deltas) {
  if (closed.empty()) return WriteRecord(w, staged, deltas);
  const Case& c = staged.record;
  absl::StatusOr<std::optional<std::string>> stored = w.Stored(c);
  if (!stored.ok()) return stored.status();
  std::optional<Case> previous;
  if (*stored) {
    previous.emplace();
    if (!previous->ParseFromString(**stored)) {
      return UnreadableCase(c.department_code(), c.case_no());
    }
  }
  std::string corrected;  // the closed month this write changes
  absl::Status open = CheckClosedMonth(
      previous, c, [&closed, &corrected](const std::string& month) {
        if (!closed.contains(month)) return false;
        if (corrected.empty()) corrected = month;
        return true;
      });
  if (open.ok()) return WriteRecord(w, staged, deltas);
  if (actor.reason.empty()) {
    WriteResult result;
    result.outcome = zwfw::v1::RECORD_OUTCOME_REJECTED;
    result.error = open;
    return result;
  }
  // The office's correction: written like any record, and listed once it
  // changed something.
  absl::StatusOr<WriteResult> written = WriteRecord(w, staged, deltas);
  if (!written.ok() || !Changed(*written)) return written;
  const std::string made_in = Period::Containing(now).ToString();
  absl::Status s =
      w.AddCorrection({now, made_in, corrected, c.department_code(),
                       c.case_no(), actor.reason, actor.who});
  // The month it is made in lists it: its answers change.
  if (s.ok()) s = w.BumpMonth(made_in);
  if (!s.ok()) return s;
  return written;
}

}  // namespace

absl::StatusOr<GroupCommitter::Results> WriteCasesWith(
    CaseWriter& w, const std::vector<GroupCommitter::Batch*>& batches,
    const std::vector<const Actor*>& actors) {
  // A close committed before this transaction is obeyed by every record
  // in it.
  absl::StatusOr<absl::flat_hash_set<std::string>> closed = w.ClosedMonths();
  if (!closed.ok()) return closed.status();
  CaseDeltas deltas;
  GroupCommitter::Results results;
  for (size_t i = 0; i < batches.size(); ++i) {
    const absl::Time now =
        actors[i]->at == absl::InfinitePast() ? absl::Now() : actors[i]->at;
    std::vector<WriteResult>& out = results.emplace_back();
    out.reserve(batches[i]->size());
    std::vector<std::string> written;  // for the audit trail
    for (const StagedCase& staged : *batches[i]) {
      absl::StatusOr<WriteResult> r =
          WriteOne(w, staged, *closed, *actors[i], now, &deltas);
      if (!r.ok()) return r.status();
      if (Changed(*r)) written.push_back(staged.audit_key);
      out.push_back(*std::move(r));
    }
    if (!written.empty()) {
      absl::Status s = w.Audit(*actors[i], now, written);
      if (!s.ok()) return s;
    }
  }
  absl::Status s = w.AddCounters(deltas.counters);
  if (s.ok()) s = w.AddCells(deltas.cells);
  if (!s.ok()) return s;
  // Every month whose figures may have changed: accepted, completed, due.
  std::vector<std::string> months;
  for (const auto& [key, d] : deltas.counters) {
    months.push_back(std::get<0>(key));
  }
  for (const auto& [key, d] : deltas.cells) months.push_back(std::get<0>(key));
  std::sort(months.begin(), months.end());
  months.erase(std::unique(months.begin(), months.end()), months.end());
  for (const std::string& month : months) {
    s = w.BumpMonth(month);
    if (!s.ok()) return s;
  }
  return results;
}

absl::Status UnreadableCase(const std::string& department_code,
                            const std::string& case_no) {
  return absl::DataLossError(absl::StrCat("stored case ", case_no,
                                          " of department ", department_code,
                                          " cannot be parsed"));
}

}  // namespace zwfw::intake
