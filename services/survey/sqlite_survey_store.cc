#include "services/survey/sqlite_survey_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/audit_log.h"
#include "services/common/closed_periods.h"
#include "services/common/month_version.h"
#include "services/common/proto_time.h"
#include "services/common/rating_bands.h"
#include "services/survey/rating_sources.h"
#include "services/survey/rectification_rules.h"
#include "services/survey/survey_schema.h"
#include "services/survey/survey_writes.h"

namespace zwfw::survey {
namespace {

using zwfw::v1::Evaluation;
using zwfw::v1::Rectification;

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

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
    const VisitDelta d = VisitDeltaOf(v);
    for (int i = 0; i < kRatingLevels; ++i) add->Bind(3 + i, d.by_rating[i]);
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

// The store's statements inside its open transaction, under mu_.
class SqliteSurveyStore::Writer final : public SurveyWriter {
 public:
  explicit Writer(SqliteSurveyStore& store) : store_(store), db_(*store.db_) {}

  absl::StatusOr<bool> IsClosed(const std::string& month) override {
    return Exists("SELECT 1 FROM closed_months WHERE month = ?", month);
  }
  absl::StatusOr<bool> IsKnownEvaluation(
      const std::string& evaluation_id) override {
    return Exists("SELECT 1 FROM evaluations WHERE evaluation_id = ?",
                  evaluation_id);
  }
  absl::StatusOr<int64_t> WalkIns(const std::string& window_code,
                                  const std::string& day) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "SELECT ratings FROM walk_in_counts WHERE window_code = ? AND day = ?");
    if (!q.ok()) return q.status();
    (*q)->Bind(1, window_code).Bind(2, day);
    absl::StatusOr<bool> row = (*q)->Step();
    const int64_t so_far = row.ok() && *row ? (*q)->ColumnInt(0) : 0;
    (*q)->Reset();
    if (!row.ok()) return row.status();
    return so_far;
  }
  absl::Status CountWalkIn(const std::string& window_code,
                           const std::string& day) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "INSERT INTO walk_in_counts (window_code, day, ratings) VALUES (?, ?, "
        "1) ON CONFLICT (window_code, day) DO UPDATE SET ratings = ratings + "
        "1");
    if (!q.ok()) return q.status();
    return (*q)->Bind(1, window_code).Bind(2, day).Run();
  }
  absl::StatusOr<std::optional<RectificationTarget>> FindTarget(
      const std::string& evaluation_id) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "SELECT department_code, state, month FROM rectifications "
        "WHERE evaluation_id = ?");
    if (!q.ok()) return q.status();
    (*q)->Bind(1, evaluation_id);
    absl::StatusOr<bool> row = (*q)->Step();
    std::optional<RectificationTarget> target;
    if (row.ok() && *row) {
      target = RectificationTarget{
          (*q)->ColumnText(0),
          static_cast<zwfw::v1::RectificationState>((*q)->ColumnInt(1)),
          (*q)->ColumnText(2)};
    }
    (*q)->Reset();
    if (!row.ok()) return row.status();
    return target;
  }
  absl::StatusOr<bool> InsertEvaluation(const Evaluation& e,
                                        const std::string& month,
                                        bool counted) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "INSERT INTO evaluations (evaluation_id, department_code, case_no, "
        "month, rating, counted, record) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING");
    if (!q.ok()) return q.status();
    Statement& insert = **q;
    insert.Bind(1, e.evaluation_id()).Bind(2, e.department_code());
    if (!counted || e.case_no().empty()) {
      insert.BindNull(3);
    } else {
      insert.Bind(3, e.case_no());
    }
    absl::Status s = insert.Bind(4, month)
                         .Bind(5, e.rating())
                         .Bind(6, counted ? 1 : 0)
                         .BindBlob(7, e.SerializeAsString())
                         .Run();
    if (!s.ok()) return s;
    return db_.Changes() > 0;
  }
  absl::Status AddRating(const Evaluation& e, int sign) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "INSERT INTO rating_counters VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9, ?10, ?11, ?12, ?13) ON CONFLICT (month, scope, code) DO UPDATE "
        "SET a1 = a1 + ?4, a2 = a2 + ?5, a3 = a3 + ?6, a4 = a4 + ?7, "
        "a5 = a5 + ?8, d1 = d1 + ?9, d2 = d2 + ?10, d3 = d3 + ?11, "
        "d4 = d4 + ?12, d5 = d5 + ?13");
    if (!q.ok()) return q.status();
    for (const RatingDelta& d : RatingDeltas(e, sign)) {
      Statement& add = **q;
      add.Bind(1, d.month).Bind(2, static_cast<int>(d.scope)).Bind(3, d.code);
      for (int i = 0; i < kRatingLevels; ++i) {
        add.Bind(4 + i, d.active[i]).Bind(9 + i, d.defaulted[i]);
      }
      absl::Status s = add.Run();
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }
  absl::Status Uncount(const std::string& evaluation_id) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "UPDATE evaluations SET counted = 0 WHERE evaluation_id = ?");
    if (!q.ok()) return q.status();
    return (*q)->Bind(1, evaluation_id).Run();
  }
  absl::StatusOr<Evaluation> ReadEvaluation(
      const std::string& evaluation_id) override {
    absl::StatusOr<Statement*> q =
        db_.Cached("SELECT record FROM evaluations WHERE evaluation_id = ?");
    if (!q.ok()) return q.status();
    (*q)->Bind(1, evaluation_id);
    absl::StatusOr<bool> row = (*q)->Step();
    Evaluation e;
    const bool parsed =
        row.ok() && *row && e.ParseFromString((*q)->ColumnText(0));
    (*q)->Reset();
    if (!row.ok()) return row.status();
    if (!parsed) return MissingEvaluation(evaluation_id);
    return e;
  }
  absl::Status OpenRectification(const Evaluation& e, absl::Time due) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "INSERT INTO rectifications (evaluation_id, department_code, case_no, "
        "rating, month, state, opened_at, due_at) VALUES (?, ?, ?, ?, ?, ?, "
        "?, ?)");
    if (!q.ok()) return q.status();
    return (*q)
        ->Bind(1, e.evaluation_id())
        .Bind(2, e.department_code())
        .Bind(3, e.case_no())
        .Bind(4, e.rating())
        .Bind(5, MonthOf(e.evaluated_at()))
        .Bind(6, static_cast<int>(kOpeningState))
        .Bind(7, Micros(ToTime(e.evaluated_at())))
        .Bind(8, Micros(due))
        .Run();
  }
  absl::StatusOr<std::optional<Rectification>> ReadRectification(
      const std::string& evaluation_id, absl::Time now) override {
    absl::StatusOr<std::vector<Rectification>> found = store_.Query(
        " WHERE evaluation_id = ?", {evaluation_id}, 1, now, false);
    if (!found.ok()) return found.status();
    if (found->empty()) return std::optional<Rectification>();
    return std::optional<Rectification>(std::move(found->front()));
  }
  absl::Status SetRectificationState(const std::string& evaluation_id,
                                     zwfw::v1::RectificationState state,
                                     std::optional<absl::Time> rectified_at,
                                     int follow_up_rating) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "UPDATE rectifications SET state = ?1, "
        "rectified_at = coalesce(?2, rectified_at), "
        "follow_up_rating = CASE WHEN ?3 > 0 THEN ?3 ELSE follow_up_rating "
        "END WHERE evaluation_id = ?4");
    if (!q.ok()) return q.status();
    Statement& update = **q;
    update.Bind(1, static_cast<int>(state));
    if (rectified_at) {
      update.Bind(2, Micros(*rectified_at));
    } else {
      update.BindNull(2);
    }
    return update.Bind(3, follow_up_rating).Bind(4, evaluation_id).Run();
  }
  absl::Status AddEvent(const std::string& evaluation_id,
                        const zwfw::v1::RectificationEvent& event) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "INSERT INTO rectification_events (evaluation_id, seq, "
        "record) VALUES (?1, (SELECT count(*) FROM "
        "rectification_events WHERE evaluation_id = ?1), ?2)");
    if (!q.ok()) return q.status();
    return (*q)
        ->Bind(1, evaluation_id)
        .BindBlob(2, event.SerializeAsString())
        .Run();
  }
  absl::StatusOr<bool> InsertReturnVisit(const zwfw::v1::ReturnVisit& v,
                                         const std::string& month) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "INSERT INTO return_visits (visit_id, department_code, month, record) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    if (!q.ok()) return q.status();
    absl::Status s = (*q)->Bind(1, v.visit_id())
                         .Bind(2, v.department_code())
                         .Bind(3, month)
                         .BindBlob(4, v.SerializeAsString())
                         .Run();
    if (!s.ok()) return s;
    return db_.Changes() > 0;
  }
  absl::Status CountReturnVisit(const zwfw::v1::ReturnVisit& v,
                                const std::string& month) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "INSERT INTO visit_counters (month, department_code, made, reached, "
        "r1, r2, r3, r4, r5) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (month, department_code) DO UPDATE SET made = made + 1, "
        "reached = reached + ?3, r1 = r1 + ?4, r2 = r2 + ?5, r3 = r3 + ?6, "
        "r4 = r4 + ?7, r5 = r5 + ?8");
    if (!q.ok()) return q.status();
    const VisitDelta d = VisitDeltaOf(v);
    (*q)->Bind(1, month).Bind(2, v.department_code()).Bind(3, d.reached);
    for (int i = 0; i < kRatingLevels; ++i) (*q)->Bind(4 + i, d.by_rating[i]);
    return (*q)->Run();
  }
  absl::Status BumpMonth(const std::string& month) override {
    absl::StatusOr<Statement*> q = db_.Cached(
        "INSERT INTO month_versions (month, version) VALUES (?, 1) "
        "ON CONFLICT (month) DO UPDATE SET version = version + 1");
    if (!q.ok()) return q.status();
    return (*q)->Bind(1, month).Run();
  }
  absl::Status Audit(const Actor& actor, absl::Time at,
                     const std::vector<std::string>& keys) override {
    return AppendAudit(db_, actor, at, keys);
  }

 private:
  absl::StatusOr<bool> Exists(const char* sql, const std::string& key) {
    absl::StatusOr<Statement*> q = db_.Cached(sql);
    if (!q.ok()) return q.status();
    (*q)->Bind(1, key);
    absl::StatusOr<bool> row = (*q)->Step();
    (*q)->Reset();
    return row;
  }

  SqliteSurveyStore& store_;
  Database& db_;
};

absl::Status SqliteSurveyStore::InTransaction(
    const std::function<absl::Status(Writer&)>& work) {
  absl::StatusOr<Transaction> tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  Writer writer(*this);
  absl::Status s = work(writer);
  return s.ok() ? tx->Commit() : s;
}

absl::StatusOr<std::vector<WriteResult>> SqliteSurveyStore::WriteEvaluations(
    const std::vector<PreparedEvaluation>& evaluations, const std::string& by,
    absl::Time now) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<WriteResult>> results;
  absl::Status s = InTransaction([&](Writer& writer) {
    results = WriteEvaluationsWith(writer, evaluations, by, now);
    return results.status();
  });
  if (!s.ok()) return s;
  return results;
}

absl::StatusOr<std::vector<WriteResult>> SqliteSurveyStore::WriteReturnVisits(
    const std::vector<zwfw::v1::ReturnVisit>& visits, const std::string& by,
    absl::Time now) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<WriteResult>> results;
  absl::Status s = InTransaction([&](Writer& writer) {
    results = WriteReturnVisitsWith(writer, visits, by, now);
    return results.status();
  });
  if (!s.ok()) return s;
  return results;
}

absl::StatusOr<Rectification> SqliteSurveyStore::UpdateRectification(
    const std::string& evaluation_id, const zwfw::v1::RectificationEvent& event,
    int follow_up_rating,
    const std::function<absl::Status(const Rectification&)>& check,
    absl::Time now) {
  absl::MutexLock lock(&mu_);
  absl::Status s = InTransaction([&](Writer& writer) {
    return UpdateRectificationWith(writer, evaluation_id, event,
                                   follow_up_rating, check, now);
  });
  if (!s.ok()) return s;
  absl::StatusOr<std::vector<Rectification>> after =
      Query(" WHERE evaluation_id = ?", {evaluation_id}, 1, now, true);
  if (!after.ok()) return after.status();
  return after->front();
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
  out.data_version = MonthDataVersion(writes, late_by_clock);
  return out;
}

namespace {

// The records (Record protos) a PeriodRecordsSql query selects.
template <typename Record>
absl::StatusOr<std::vector<Record>> ReadPeriodRecords(
    Database& db, absl::string_view table, absl::string_view key,
    absl::string_view extra, const ReportPeriod& period,
    const std::string& department_code, int limit) {
  absl::StatusOr<Statement> q =
      db.Prepare(PeriodRecordsSql(table, key, "?1", "?2", extra,
                                  department_code.empty() ? "" : "?3", limit));
  if (!q.ok()) return q.status();
  q->Bind(1, period.first().ToString()).Bind(2, period.last().ToString());
  if (!department_code.empty()) q->Bind(3, department_code);
  std::vector<Record> out;
  absl::StatusOr<bool> row;
  while ((row = q->Step()).ok() && *row) {
    if (!out.emplace_back().ParseFromString(q->ColumnText(0))) {
      return absl::DataLossError(
          absl::StrCat("a stored record of ", table, " cannot be parsed"));
    }
  }
  if (!row.ok()) return row.status();
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Evaluation>> SqliteSurveyStore::ListEvaluations(
    const ReportPeriod& period, const std::string& department_code, int limit) {
  absl::MutexLock lock(&mu_);
  return ReadPeriodRecords<Evaluation>(*db_, "evaluations", "evaluation_id",
                                       " AND counted = 1", period,
                                       department_code, limit);
}

absl::StatusOr<std::vector<zwfw::v1::ReturnVisit>>
SqliteSurveyStore::ListReturnVisits(const ReportPeriod& period,
                                    const std::string& department_code,
                                    int limit) {
  absl::MutexLock lock(&mu_);
  return ReadPeriodRecords<zwfw::v1::ReturnVisit>(
      *db_, "return_visits", "visit_id", "", period, department_code, limit);
}

}  // namespace zwfw::survey
