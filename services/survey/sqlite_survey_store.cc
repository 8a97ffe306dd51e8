#include "services/survey/sqlite_survey_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/audit_log.h"
#include "services/common/closed_periods.h"
#include "services/common/proto_time.h"
#include "services/common/rating_bands.h"
#include "services/survey/rating_sources.h"
#include "services/survey/rectification_rules.h"
#include "services/survey/survey_schema.h"

namespace zwfw::survey {
namespace {

using zwfw::v1::Evaluation;
using zwfw::v1::Rectification;

constexpr int64_t kVersionScale = 1000000;

enum Scope { kDepartment = 0, kWindow = 1, kStaff = 2 };

std::string MonthOf(const google::protobuf::Timestamp& t) {
  return Period::Containing(ToTime(t)).ToString();
}

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

// Adds one return visit to its month's counters: made, reached, and the
// reached citizen's rating.
constexpr char kVisitCounterSql[] =
    "INSERT INTO visit_counters (month, department_code, made, reached, r1, "
    "r2, r3, r4, r5) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (month, department_code) DO UPDATE SET made = made + 1, "
    "reached = reached + ?3, r1 = r1 + ?4, r2 = r2 + ?5, r3 = r3 + ?6, "
    "r4 = r4 + ?7, r5 = r5 + ?8";

Statement& BindVisit(Statement& count, const std::string& month,
                     const zwfw::v1::ReturnVisit& v) {
  count.Bind(1, month)
      .Bind(2, v.department_code())
      .Bind(3, v.reached() ? 1 : 0);
  for (int level = kLowestRating; level <= kHighestRating; ++level) {
    count.Bind(4 + level - kLowestRating,
               v.reached() && v.rating() == level ? 1 : 0);
  }
  return count;
}

// Counts by rating the return visits stored before migration 2, once: the
// marker table goes in the same transaction.
absl::Status BackfillVisitRatings(Database& db) {
  {
    absl::StatusOr<Statement> pending = db.Prepare(
        absl::StrCat("SELECT count(*) FROM sqlite_schema WHERE name = '",
                     kVisitRatingsBackfillTable, "'"));
    if (!pending.ok()) return pending.status();
    absl::StatusOr<bool> row = pending->Step();
    if (!row.ok()) return row.status();
    if (pending->ColumnInt(0) == 0) return absl::OkStatus();
  }

  absl::StatusOr<Transaction> tx = Transaction::Begin(db);
  if (!tx.ok()) return tx.status();
  absl::Status s = db.Exec(
      "UPDATE visit_counters SET r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0");
  if (!s.ok()) return s;
  absl::StatusOr<Statement> visits =
      db.Prepare("SELECT month, record FROM return_visits");
  absl::StatusOr<Statement> add = db.Prepare(
      "UPDATE visit_counters SET r1 = r1 + ?3, r2 = r2 + ?4, r3 = r3 + ?5, "
      "r4 = r4 + ?6, r5 = r5 + ?7 WHERE month = ?1 AND department_code = ?2");
  if (!visits.ok()) return visits.status();
  if (!add.ok()) return add.status();
  absl::StatusOr<bool> row;
  while ((row = visits->Step()).ok() && *row) {
    zwfw::v1::ReturnVisit v;
    if (!v.ParseFromString(visits->ColumnText(1))) {
      return absl::DataLossError("a stored return visit cannot be parsed");
    }
    add->Bind(1, visits->ColumnText(0)).Bind(2, v.department_code());
    for (int level = kLowestRating; level <= kHighestRating; ++level) {
      add->Bind(3 + level - kLowestRating,
                v.reached() && v.rating() == level ? 1 : 0);
    }
    s = add->Run();
    if (!s.ok()) return s;
  }
  if (!row.ok()) return row.status();
  visits->Reset();
  add->Reset();
  s = db.Exec(absl::StrCat("DROP TABLE ", kVisitRatingsBackfillTable));
  if (!s.ok()) return s;
  return tx->Commit();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteSurveyStore>> SqliteSurveyStore::Open(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path);
  if (!db.ok()) return db.status();
  absl::Status s = (*db)->Migrate(SurveyMigrations());
  if (s.ok()) s = BackfillVisitRatings(**db);
  if (!s.ok()) return s;
  return std::unique_ptr<SqliteSurveyStore>(
      new SqliteSurveyStore(*std::move(db)));
}

absl::StatusOr<Statement*> SqliteSurveyStore::Cached(
    std::optional<Statement>& slot, const char* sql) {
  if (!slot.has_value()) {
    absl::StatusOr<Statement> prepared = db_->Prepare(sql);
    if (!prepared.ok()) return prepared.status();
    slot.emplace(*std::move(prepared));
  }
  return &*slot;
}

absl::Status SqliteSurveyStore::BumpVersion(const std::string& month) {
  absl::StatusOr<Statement*> q =
      Cached(bump_version_,
             "INSERT INTO month_versions (month, version) VALUES (?, 1) "
             "ON CONFLICT (month) DO UPDATE SET version = version + 1");
  if (!q.ok()) return q.status();
  return (*q)->Bind(1, month).Run();
}

absl::Status SqliteSurveyStore::AddRating(const Evaluation& e, int sign) {
  absl::StatusOr<Statement*> q = Cached(
      add_rating_,
      "INSERT INTO rating_counters VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
      "?9, ?10, ?11, ?12, ?13) ON CONFLICT (month, scope, code) DO UPDATE SET "
      "a1 = a1 + ?4, a2 = a2 + ?5, a3 = a3 + ?6, a4 = a4 + ?7, a5 = a5 + ?8, "
      "d1 = d1 + ?9, d2 = d2 + ?10, d3 = d3 + ?11, d4 = d4 + ?12, "
      "d5 = d5 + ?13");
  if (!q.ok()) return q.status();
  const std::string month = MonthOf(e.evaluated_at());
  const std::pair<Scope, std::string> scopes[] = {
      {kDepartment, e.department_code()},
      {kWindow, e.window_code()},
      {kStaff, e.staff_code()}};
  for (const auto& [scope, code] : scopes) {
    if (code.empty()) continue;
    Statement& add = **q;
    add.Bind(1, month).Bind(2, static_cast<int>(scope)).Bind(3, code);
    for (int level = kLowestRating; level <= kHighestRating; ++level) {
      const int i = level - kLowestRating;
      add.Bind(4 + i, !e.defaulted() && e.rating() == level ? sign : 0);
      add.Bind(9 + i, e.defaulted() && e.rating() == level ? sign : 0);
    }
    absl::Status s = add.Run();
    if (!s.ok()) return s;
  }
  return BumpVersion(month);
}

absl::Status SqliteSurveyStore::AddEvent(
    const std::string& evaluation_id,
    const zwfw::v1::RectificationEvent& event) {
  absl::StatusOr<Statement*> q =
      Cached(add_event_,
             "INSERT INTO rectification_events (evaluation_id, seq, record) "
             "VALUES (?1, (SELECT count(*) FROM rectification_events "
             "WHERE evaluation_id = ?1), ?2)");
  if (!q.ok()) return q.status();
  return (*q)
      ->Bind(1, evaluation_id)
      .BindBlob(2, event.SerializeAsString())
      .Run();
}

absl::StatusOr<std::vector<WriteResult>> SqliteSurveyStore::WriteEvaluations(
    const std::vector<PreparedEvaluation>& evaluations, const std::string& by,
    absl::Time now) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::StatusOr<Statement> insert = db_->Prepare(
      "INSERT INTO evaluations (evaluation_id, department_code, case_no, "
      "month, rating, counted, record) VALUES (?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING");
  absl::StatusOr<Statement> open = db_->Prepare(
      "INSERT INTO rectifications (evaluation_id, department_code, case_no, "
      "rating, month, state, opened_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "?)");
  absl::StatusOr<Statement> target = db_->Prepare(
      "SELECT department_code, state, month FROM rectifications "
      "WHERE evaluation_id = ?");
  absl::StatusOr<Statement> close = db_->Prepare(
      "UPDATE rectifications SET state = ?, follow_up_rating = ? "
      "WHERE evaluation_id = ?");
  for (const auto* q : {&insert, &open, &target, &close}) {
    if (!q->ok()) return q->status();
  }

  std::vector<WriteResult> results;
  std::vector<std::string> written;  // for the audit trail
  for (const PreparedEvaluation& p : evaluations) {
    const Evaluation& e = p.evaluation;
    WriteResult& result = results.emplace_back();
    const bool follow_up = !e.rectified_evaluation_id().empty();
    absl::StatusOr<bool> closed = IsClosed(MonthOf(e.evaluated_at()));
    if (!closed.ok()) return closed.status();
    if (*closed) {
      result.outcome = zwfw::v1::RECORD_OUTCOME_REJECTED;
      result.error =
          ClosedPeriodError("evaluated_at", MonthOf(e.evaluated_at()));
      continue;
    }
    if (!p.walk_in_day.empty() && p.walk_in_cap > 0) {
      absl::StatusOr<Statement*> walk_ins =
          Cached(walk_ins_,
                 "SELECT ratings FROM walk_in_counts WHERE window_code = ? "
                 "AND day = ?");
      if (!walk_ins.ok()) return walk_ins.status();
      (*walk_ins)->Bind(1, e.window_code()).Bind(2, p.walk_in_day);
      absl::StatusOr<bool> row = (*walk_ins)->Step();
      if (!row.ok()) return row.status();
      const int64_t so_far = *row ? (*walk_ins)->ColumnInt(0) : 0;
      (*walk_ins)->Reset();
      if (so_far >= p.walk_in_cap) {
        // A re-sent rating is still a duplicate, cap or not.
        absl::StatusOr<bool> known = IsKnownEvaluation(e.evaluation_id());
        if (!known.ok()) return known.status();
        if (*known) {
          result.outcome = zwfw::v1::RECORD_OUTCOME_DUPLICATE;
          continue;
        }
        result.outcome = zwfw::v1::RECORD_OUTCOME_REJECTED;
        result.error =
            WalkInCapReached(e.window_code(), p.walk_in_day, p.walk_in_cap);
        continue;
      }
    }
    std::string follow_up_month;
    if (follow_up) {
      target->Bind(1, e.rectified_evaluation_id());
      absl::StatusOr<bool> found = target->Step();
      if (!found.ok()) return found.status();
      const bool ok = *found && target->ColumnText(0) == e.department_code() &&
                      target->ColumnInt(1) == kRectifiedState;
      const bool same_department =
          *found && target->ColumnText(0) == e.department_code();
      if (*found) follow_up_month = target->ColumnText(2);
      target->Reset();
      if (!ok) {
        // A re-sent follow-up of a rectification it already closed is a
        // duplicate, not an error.
        absl::StatusOr<bool> seen = IsKnownEvaluation(e.evaluation_id());
        if (!seen.ok()) return seen.status();
        if (*seen) {
          result.outcome = zwfw::v1::RECORD_OUTCOME_DUPLICATE;
          continue;
        }
        result.outcome = zwfw::v1::RECORD_OUTCOME_REJECTED;
        result.error = !*found || !same_department
                           ? absl::FailedPreconditionError(absl::StrCat(
                                 "rectified_evaluation_id: no rectification "
                                 "of evaluation \"",
                                 e.rectified_evaluation_id(),
                                 "\" in department ", e.department_code()))
                           : absl::FailedPreconditionError(
                                 "rectified_evaluation_id: the rectification "
                                 "is not RECTIFIED yet");
        continue;
      }
    }
    insert->Bind(1, e.evaluation_id()).Bind(2, e.department_code());
    if (follow_up || e.case_no().empty()) {
      insert->BindNull(3);
    } else {
      insert->Bind(3, e.case_no());
    }
    insert->Bind(4, MonthOf(e.evaluated_at()))
        .Bind(5, e.rating())
        .Bind(6, follow_up ? 0 : 1)
        .BindBlob(7, e.SerializeAsString());
    absl::Status s = insert->Run();
    if (!s.ok()) return s;
    if (db_->Changes() == 0) {
      result.outcome = zwfw::v1::RECORD_OUTCOME_DUPLICATE;
      continue;
    }
    result.outcome = zwfw::v1::RECORD_OUTCOME_ACCEPTED;
    written.push_back(e.evaluation_id());
    if (follow_up) {
      s = close->Bind(1, static_cast<int>(kClosedState))
              .Bind(2, e.rating())
              .Bind(3, e.rectified_evaluation_id())
              .Run();
      if (s.ok()) {
        zwfw::v1::RectificationEvent event;
        event.set_from(kRectifiedState);
        event.set_to(kClosedState);
        *event.mutable_at() = ToProto(now);
        event.set_by(by);
        event.set_note(
            absl::StrCat("citizen's rating of the rectification: ", e.rating(),
                         " (evaluation ", e.evaluation_id(), ")"));
        s = AddEvent(e.rectified_evaluation_id(), event);
      }
      if (s.ok()) s = BumpVersion(follow_up_month);
      if (!s.ok()) return s;
      continue;
    }
    s = AddRating(e, +1);
    if (!s.ok()) return s;
    if (!p.walk_in_day.empty()) {
      absl::StatusOr<Statement*> count =
          Cached(count_walk_in_,
                 "INSERT INTO walk_in_counts (window_code, day, ratings) "
                 "VALUES (?, ?, 1) ON CONFLICT (window_code, day) "
                 "DO UPDATE SET ratings = ratings + 1");
      if (!count.ok()) return count.status();
      s = (*count)->Bind(1, e.window_code()).Bind(2, p.walk_in_day).Run();
      if (!s.ok()) return s;
    }
    if (IsBadRating(e.rating())) {
      s = open->Bind(1, e.evaluation_id())
              .Bind(2, e.department_code())
              .Bind(3, e.case_no())
              .Bind(4, e.rating())
              .Bind(5, MonthOf(e.evaluated_at()))
              .Bind(6, static_cast<int>(kOpeningState))
              .Bind(7, Micros(ToTime(e.evaluated_at())))
              .Bind(8, Micros(p.rectification_due))
              .Run();
      if (!s.ok()) return s;
    }
  }
  absl::Status s =
      written.empty()
          ? absl::OkStatus()
          : AppendAudit(*db_, {by, "SubmitEvaluations"}, now, written);
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) return s;
  return results;
}

absl::StatusOr<std::vector<WriteResult>> SqliteSurveyStore::WriteReturnVisits(
    const std::vector<zwfw::v1::ReturnVisit>& visits, const std::string& by,
    absl::Time now) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::StatusOr<Statement> insert = db_->Prepare(
      "INSERT INTO return_visits (visit_id, department_code, month, record) "
      "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
  absl::StatusOr<Statement> count = db_->Prepare(kVisitCounterSql);
  if (!insert.ok()) return insert.status();
  if (!count.ok()) return count.status();
  std::vector<WriteResult> results;
  std::vector<std::string> written;  // for the audit trail
  for (const zwfw::v1::ReturnVisit& v : visits) {
    const std::string month = MonthOf(v.visited_at());
    absl::StatusOr<bool> closed = IsClosed(month);
    if (!closed.ok()) return closed.status();
    if (*closed) {
      WriteResult& refused = results.emplace_back();
      refused.outcome = zwfw::v1::RECORD_OUTCOME_REJECTED;
      refused.error = ClosedPeriodError("visited_at", month);
      continue;
    }
    absl::Status s = insert->Bind(1, v.visit_id())
                         .Bind(2, v.department_code())
                         .Bind(3, month)
                         .BindBlob(4, v.SerializeAsString())
                         .Run();
    if (!s.ok()) return s;
    WriteResult& result = results.emplace_back();
    if (db_->Changes() == 0) {
      result.outcome = zwfw::v1::RECORD_OUTCOME_DUPLICATE;
      continue;
    }
    result.outcome = zwfw::v1::RECORD_OUTCOME_ACCEPTED;
    written.push_back(v.visit_id());
    s = BindVisit(*count, month, v).Run();
    if (s.ok()) s = BumpVersion(month);
    if (!s.ok()) return s;
  }
  absl::Status s =
      written.empty()
          ? absl::OkStatus()
          : AppendAudit(*db_, {by, "RecordReturnVisits"}, now, written);
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) return s;
  return results;
}

absl::StatusOr<bool> SqliteSurveyStore::IsKnownEvaluation(
    const std::string& evaluation_id) {
  absl::StatusOr<Statement*> known = Cached(
      known_evaluation_, "SELECT 1 FROM evaluations WHERE evaluation_id = ?");
  if (!known.ok()) return known.status();
  (*known)->Bind(1, evaluation_id);
  absl::StatusOr<bool> row = (*known)->Step();
  (*known)->Reset();
  return row;
}

absl::StatusOr<bool> SqliteSurveyStore::IsClosed(const std::string& month) {
  absl::StatusOr<Statement*> is_closed =
      Cached(is_closed_, "SELECT 1 FROM closed_months WHERE month = ?");
  if (!is_closed.ok()) return is_closed.status();
  (*is_closed)->Bind(1, month);
  absl::StatusOr<bool> row = (*is_closed)->Step();
  (*is_closed)->Reset();
  return row;
}

absl::StatusOr<bool> SqliteSurveyStore::ClosePeriod(const Period& period,
                                                    const std::string& by,
                                                    absl::Time now) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  absl::StatusOr<Statement> close = db_->Prepare(
      "INSERT INTO closed_months (month, closed_at, closed_by) "
      "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
  if (!close.ok()) return close.status();
  absl::Status s =
      close->Bind(1, period.ToString()).Bind(2, Micros(now)).Bind(3, by).Run();
  if (!s.ok()) return s;
  const bool newly = db_->Changes() > 0;
  if (newly)
    s = AppendAudit(*db_, {by, "ClosePeriod"}, now, {period.ToString()});
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) return s;
  return newly;
}

absl::StatusOr<SurveyMonth> SqliteSurveyStore::ReadMonth(const Period& period,
                                                         absl::Time now) {
  absl::MutexLock lock(&mu_);
  const std::string month = period.ToString();
  SurveyMonth out;
  absl::StatusOr<Statement> q =
      db_->Prepare("SELECT version FROM month_versions WHERE month = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, month);
  absl::StatusOr<bool> row = q->Step();
  if (!row.ok()) return row.status();
  const int64_t writes = *row ? q->ColumnInt(0) : 0;

  q = db_->Prepare(
      "SELECT scope, code, a1, a2, a3, a4, a5, d1, d2, d3, d4, d5 "
      "FROM rating_counters WHERE month = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, month);
  while ((row = q->Step()).ok() && *row) {
    auto& target = q->ColumnInt(0) == kDepartment ? out.departments
                   : q->ColumnInt(0) == kWindow   ? out.windows
                                                  : out.staff;
    RatingCounts& c = target[q->ColumnText(1)];
    for (int i = 0; i < kRatingLevels; ++i) {
      c.active[i] = q->ColumnInt(2 + i);
      c.defaulted[i] = q->ColumnInt(7 + i);
    }
  }
  if (!row.ok()) return row.status();

  q = db_->Prepare(
      "SELECT department_code, made, reached, r1, r2, r3, r4, r5 "
      "FROM visit_counters WHERE month = ?");
  if (!q.ok()) return q.status();
  q->Bind(1, month);
  while ((row = q->Step()).ok() && *row) {
    VisitCounts& v = out.visits[q->ColumnText(0)];
    v.made = q->ColumnInt(1);
    v.reached = q->ColumnInt(2);
    for (int i = 0; i < kRatingLevels; ++i) {
      v.reached_by_rating[i] = q->ColumnInt(3 + i);
    }
  }
  if (!row.ok()) return row.status();

  // Rectifications of the month: few (one per bad rating), and overdue
  // depends on the clock, so they are counted here rather than kept.
  q = db_->Prepare(absl::StrCat(
      "SELECT department_code, count(*), sum(state = ",
      static_cast<int>(kClosedState), " AND rectified_at <= due_at), sum(",
      OverdueSql("?"), "), sum(", OpenSql(), "), sum(state = ",
      static_cast<int>(kVoidedState), "), sum(", LateByClockSql("?"),
      ") FROM rectifications WHERE month = ? GROUP BY department_code"));
  if (!q.ok()) return q.status();
  q->Bind(1, Micros(now)).Bind(2, Micros(now)).Bind(3, month);
  int64_t late_by_clock = 0;
  while ((row = q->Step()).ok() && *row) {
    out.rectifications[q->ColumnText(0)] = {q->ColumnInt(1), q->ColumnInt(2),
                                            q->ColumnInt(3), q->ColumnInt(4),
                                            q->ColumnInt(5)};
    late_by_clock += q->ColumnInt(6);
  }
  if (!row.ok()) return row.status();

  q = db_->Prepare(
      absl::StrCat("SELECT min(due_at) FROM rectifications WHERE month = ? AND "
                   "rectified_at IS NULL AND ",
                   ClockRunningSql(), " AND due_at >= ?"));
  if (!q.ok()) return q.status();
  q->Bind(1, month).Bind(2, Micros(now));
  row = q->Step();
  if (!row.ok()) return row.status();
  if (*row && !q->ColumnIsNull(0)) {
    out.stable_until = absl::FromUnixMicros(q->ColumnInt(0));
  }
  out.data_version =
      writes * kVersionScale + std::min(late_by_clock, kVersionScale - 1);
  return out;
}

}  // namespace zwfw::survey
