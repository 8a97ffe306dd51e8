#include "services/survey/pg_survey_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/month_version.h"
#include "services/common/pg_audit_log.h"
#include "services/common/pg_month_book.h"
#include "services/common/proto_time.h"
#include "services/survey/rectification_rules.h"
#include "services/survey/survey_schema.h"
#include "services/survey/survey_writes.h"

namespace zwfw::survey {
namespace {

using zwfw::v1::Evaluation;
using zwfw::v1::Rectification;

// The tables of survey_schema.cc at its latest version, in PostgreSQL's
// types (times in Unix microseconds, records as serialised protos).
const std::vector<std::string>& Migrations() {
  static const auto* const migrations = new std::vector<std::string>{
      absl::StrCat(R"sql(
CREATE TABLE evaluations (
  evaluation_id text PRIMARY KEY,
  department_code text NOT NULL,
  case_no text,
  month text NOT NULL,
  rating integer NOT NULL,
  counted boolean NOT NULL,
  record bytea NOT NULL
);
CREATE UNIQUE INDEX evaluations_one_per_case
  ON evaluations (department_code, case_no) WHERE case_no IS NOT NULL;
CREATE TABLE rating_counters (
  month text NOT NULL,
  scope integer NOT NULL,
  code text NOT NULL,
  a1 bigint NOT NULL, a2 bigint NOT NULL, a3 bigint NOT NULL,
  a4 bigint NOT NULL, a5 bigint NOT NULL,
  d1 bigint NOT NULL, d2 bigint NOT NULL, d3 bigint NOT NULL,
  d4 bigint NOT NULL, d5 bigint NOT NULL,
  PRIMARY KEY (month, scope, code)
);
CREATE TABLE return_visits (
  visit_id text PRIMARY KEY,
  department_code text NOT NULL,
  month text NOT NULL,
  record bytea NOT NULL
);
CREATE TABLE visit_counters (
  month text NOT NULL,
  department_code text NOT NULL,
  made bigint NOT NULL,
  reached bigint NOT NULL,
  r1 bigint NOT NULL, r2 bigint NOT NULL, r3 bigint NOT NULL,
  r4 bigint NOT NULL, r5 bigint NOT NULL,
  PRIMARY KEY (month, department_code)
);
CREATE TABLE rectifications (
  evaluation_id text PRIMARY KEY REFERENCES evaluations (evaluation_id),
  department_code text NOT NULL,
  case_no text NOT NULL,
  rating integer NOT NULL,
  month text NOT NULL,
  state integer NOT NULL,
  opened_at bigint NOT NULL,
  due_at bigint NOT NULL,
  rectified_at bigint,
  follow_up_rating integer NOT NULL DEFAULT 0
);
CREATE INDEX rectifications_by_month ON rectifications (month, department_code);
CREATE TABLE rectification_events (
  evaluation_id text NOT NULL REFERENCES rectifications (evaluation_id),
  seq integer NOT NULL,
  record bytea NOT NULL,
  PRIMARY KEY (evaluation_id, seq)
);
)sql",
                   PgMonthBookTables(), R"sql(CREATE TABLE walk_in_counts (
  window_code text NOT NULL,
  day text NOT NULL,
  ratings bigint NOT NULL,
  PRIMARY KEY (window_code, day)
);
)sql"),
      // 2: the audit trail.
      PgAuditLogMigration()};
  return *migrations;
}

// The rectifications `where` selects ("" or " WHERE ..." over `params`),
// oldest first, with their histories when `with_events`.
absl::StatusOr<std::vector<Rectification>> QueryRectifications(
    PgConnection& c, const std::string& where, const PgParams& params,
    int limit, absl::Time now, bool with_events) {
  absl::StatusOr<PgResult> r = c.Exec(
      absl::StrCat("SELECT ", kRectificationColumns, " FROM rectifications",
                   where, " ORDER BY opened_at, evaluation_id LIMIT ", limit),
      params);
  if (!r.ok()) return r.status();
  std::vector<Rectification> out;
  std::map<std::string, size_t> index;
  for (int i = 0; i < r->rows(); ++i) {
    RectificationColumns columns;
    columns.evaluation_id = r->Text(i, 0);
    columns.department_code = r->Text(i, 1);
    columns.case_no = r->Text(i, 2);
    columns.rating = r->Int(i, 3);
    columns.state = r->Int(i, 4);
    columns.opened_at = r->Int(i, 5);
    columns.due_at = r->Int(i, 6);
    if (!r->IsNull(i, 7)) columns.rectified_at = r->Int(i, 7);
    columns.follow_up_rating = r->Int(i, 8);
    index[columns.evaluation_id] = out.size();
    out.push_back(ToRectification(columns, now));
  }
  if (!with_events || out.empty()) return out;
  // One round trip for every history.
  std::vector<std::string> ids;
  for (const Rectification& rect : out) ids.push_back(rect.evaluation_id());
  absl::StatusOr<PgResult> events = c.Exec(
      "SELECT evaluation_id, record FROM rectification_events WHERE "
      "evaluation_id = ANY ($1::text[]) ORDER BY evaluation_id, seq",
      PgParams().Text(PgArray(ids)));
  if (!events.ok()) return events.status();
  for (int i = 0; i < events->rows(); ++i) {
    auto at = index.find(events->Text(i, 0));
    if (at == index.end()) continue;
    if (!out[at->second].add_events()->ParseFromString(events->Bytes(i, 1))) {
      return absl::DataLossError(absl::StrCat("an event of rectification ",
                                              at->first, " cannot be parsed"));
    }
  }
  return out;
}

// survey_writes.h's statements on the connection of one Write.
class PgSurveyWriter final : public PgBookWriter<SurveyWriter> {
 public:
  using PgBookWriter::PgBookWriter;

  absl::StatusOr<bool> IsClosed(const std::string& month) override {
    return Exists("SELECT 1 FROM closed_months WHERE month = $1", month);
  }
  absl::StatusOr<bool> IsKnownEvaluation(
      const std::string& evaluation_id) override {
    return Exists("SELECT 1 FROM evaluations WHERE evaluation_id = $1",
                  evaluation_id);
  }
  absl::StatusOr<int64_t> WalkIns(const std::string& window_code,
                                  const std::string& day) override {
    absl::StatusOr<PgResult> r = c_.Exec(
        "SELECT ratings FROM walk_in_counts WHERE window_code = $1 AND "
        "day = $2",
        PgParams().Text(window_code).Text(day));
    if (!r.ok()) return r.status();
    return r->rows() > 0 ? r->Int(0, 0) : 0;
  }
  absl::Status CountWalkIn(const std::string& window_code,
                           const std::string& day) override {
    return c_.Run(
        "INSERT INTO walk_in_counts (window_code, day, ratings) VALUES ($1, "
        "$2, 1) ON CONFLICT (window_code, day) DO UPDATE SET ratings = "
        "walk_in_counts.ratings + 1",
        PgParams().Text(window_code).Text(day));
  }
  absl::StatusOr<std::optional<RectificationTarget>> FindTarget(
      const std::string& evaluation_id) override {
    absl::StatusOr<PgResult> r = c_.Exec(
        "SELECT department_code, state, month FROM rectifications "
        "WHERE evaluation_id = $1",
        PgParams().Text(evaluation_id));
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return std::optional<RectificationTarget>();
    return std::optional<RectificationTarget>(RectificationTarget{
        r->Text(0, 0), static_cast<zwfw::v1::RectificationState>(r->Int(0, 1)),
        r->Text(0, 2)});
  }
  absl::StatusOr<bool> InsertEvaluation(const Evaluation& e,
                                        const std::string& month,
                                        bool counted) override {
    PgParams params;
    params.Text(e.evaluation_id()).Text(e.department_code());
    if (!counted || e.case_no().empty()) {
      params.Null();
    } else {
      params.Text(e.case_no());
    }
    params.Text(month)
        .Int(e.rating())
        .Text(counted ? "true" : "false")
        .Bytes(e.SerializeAsString());
    // No conflict target: a known id and a case already rated are both
    // DUPLICATE.
    absl::StatusOr<PgResult> r = c_.Exec(
        "INSERT INTO evaluations (evaluation_id, department_code, case_no, "
        "month, rating, counted, record) VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT DO NOTHING RETURNING 1",
        params);
    if (!r.ok()) return r.status();
    return r->rows() > 0;
  }
  absl::Status AddRating(const Evaluation& e, int sign) override {
    for (const RatingDelta& d : RatingDeltas(e, sign)) {
      PgParams params;
      params.Text(d.month).Int(static_cast<int>(d.scope)).Text(d.code);
      for (int v : d.active) params.Int(v);
      for (int v : d.defaulted) params.Int(v);
      absl::Status s = c_.Run(
          "INSERT INTO rating_counters AS c VALUES ($1, $2, $3, $4, $5, $6, "
          "$7, $8, $9, $10, $11, $12, $13) ON CONFLICT (month, scope, code) "
          "DO UPDATE SET a1 = c.a1 + $4, a2 = c.a2 + $5, a3 = c.a3 + $6, "
          "a4 = c.a4 + $7, a5 = c.a5 + $8, d1 = c.d1 + $9, d2 = c.d2 + $10, "
          "d3 = c.d3 + $11, d4 = c.d4 + $12, d5 = c.d5 + $13",
          params);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }
  absl::Status Uncount(const std::string& evaluation_id) override {
    return c_.Run(
        "UPDATE evaluations SET counted = false WHERE evaluation_id = $1",
        PgParams().Text(evaluation_id));
  }
  absl::StatusOr<Evaluation> ReadEvaluation(
      const std::string& evaluation_id) override {
    Evaluation e;
    absl::StatusOr<bool> found = PgReadRecord(
        c_, "SELECT record FROM evaluations WHERE evaluation_id = $1",
        PgParams().Text(evaluation_id), &e, "a stored evaluation");
    if (!found.ok()) return found.status();
    if (!*found) return MissingEvaluation(evaluation_id);
    return e;
  }
  absl::Status OpenRectification(const Evaluation& e, absl::Time due) override {
    return c_.Run(
        "INSERT INTO rectifications (evaluation_id, department_code, case_no, "
        "rating, month, state, opened_at, due_at) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7, $8)",
        PgParams()
            .Text(e.evaluation_id())
            .Text(e.department_code())
            .Text(e.case_no())
            .Int(e.rating())
            .Text(MonthOf(e.evaluated_at()))
            .Int(static_cast<int>(kOpeningState))
            .Int(absl::ToUnixMicros(ToTime(e.evaluated_at())))
            .Int(absl::ToUnixMicros(due)));
  }
  absl::StatusOr<std::optional<Rectification>> ReadRectification(
      const std::string& evaluation_id, absl::Time now) override {
    absl::StatusOr<std::vector<Rectification>> found =
        QueryRectifications(c_, " WHERE evaluation_id = $1",
                            PgParams().Text(evaluation_id), 1, now, false);
    if (!found.ok()) return found.status();
    if (found->empty()) return std::optional<Rectification>();
    return std::optional<Rectification>(std::move(found->front()));
  }
  absl::Status SetRectificationState(const std::string& evaluation_id,
                                     zwfw::v1::RectificationState state,
                                     std::optional<absl::Time> rectified_at,
                                     int follow_up_rating) override {
    PgParams params;
    params.Int(static_cast<int>(state));
    if (rectified_at) {
      params.Int(absl::ToUnixMicros(*rectified_at));
    } else {
      params.Null();
    }
    return c_.Run(
        "UPDATE rectifications SET state = $1, "
        "rectified_at = coalesce($2::bigint, rectified_at), "
        "follow_up_rating = CASE WHEN $3::integer > 0 THEN $3::integer "
        "ELSE follow_up_rating END WHERE evaluation_id = $4",
        params.Int(follow_up_rating).Text(evaluation_id));
  }
  absl::Status AddEvent(const std::string& evaluation_id,
                        const zwfw::v1::RectificationEvent& event) override {
    return c_.Run(
        "INSERT INTO rectification_events (evaluation_id, seq, record) "
        "VALUES ($1, (SELECT count(*) FROM rectification_events WHERE "
        "evaluation_id = $1), $2)",
        PgParams().Text(evaluation_id).Bytes(event.SerializeAsString()));
  }
  absl::StatusOr<bool> InsertReturnVisit(const zwfw::v1::ReturnVisit& v,
                                         const std::string& month) override {
    absl::StatusOr<PgResult> r = c_.Exec(
        "INSERT INTO return_visits (visit_id, department_code, month, record) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1",
        PgParams()
            .Text(v.visit_id())
            .Text(v.department_code())
            .Text(month)
            .Bytes(v.SerializeAsString()));
    if (!r.ok()) return r.status();
    return r->rows() > 0;
  }
  absl::Status CountReturnVisit(const zwfw::v1::ReturnVisit& v,
                                const std::string& month) override {
    const VisitDelta d = VisitDeltaOf(v);
    PgParams params;
    params.Text(month).Text(v.department_code()).Int(d.reached);
    for (int n : d.by_rating) params.Int(n);
    return c_.Run(
        "INSERT INTO visit_counters AS c (month, department_code, made, "
        "reached, r1, r2, r3, r4, r5) VALUES ($1, $2, 1, $3, $4, $5, $6, $7, "
        "$8) ON CONFLICT (month, department_code) DO UPDATE SET made = "
        "c.made + 1, reached = c.reached + $3, r1 = c.r1 + $4, r2 = c.r2 + "
        "$5, r3 = c.r3 + $6, r4 = c.r4 + $7, r5 = c.r5 + $8",
        params);
  }

 private:
  absl::StatusOr<bool> Exists(const char* sql, const std::string& key) {
    absl::StatusOr<PgResult> r = c_.Exec(sql, PgParams().Text(key));
    if (!r.ok()) return r.status();
    return r->rows() > 0;
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<PgSurveyStore>> PgSurveyStore::Open(
    const PgOptions& options) {
  absl::StatusOr<std::unique_ptr<PgDatabase>> db =
      PgDatabase::Open(options, Migrations());
  if (!db.ok()) return db.status();
  return std::unique_ptr<PgSurveyStore>(new PgSurveyStore(*std::move(db)));
}

absl::StatusOr<std::vector<WriteResult>> PgSurveyStore::WriteEvaluations(
    const std::vector<PreparedEvaluation>& evaluations, const std::string& by,
    absl::Time now) {
  absl::StatusOr<std::vector<WriteResult>> results;
  absl::Status s = db_->Write([&](PgConnection& c) {
    PgSurveyWriter writer(c);
    results = WriteEvaluationsWith(writer, evaluations, by, now);
    return results.status();
  });
  if (!s.ok()) return s;
  return results;
}

absl::StatusOr<std::vector<WriteResult>> PgSurveyStore::WriteReturnVisits(
    const std::vector<zwfw::v1::ReturnVisit>& visits, const std::string& by,
    absl::Time now) {
  absl::StatusOr<std::vector<WriteResult>> results;
  absl::Status s = db_->Write([&](PgConnection& c) {
    PgSurveyWriter writer(c);
    results = WriteReturnVisitsWith(writer, visits, by, now);
    return results.status();
  });
  if (!s.ok()) return s;
  return results;
}

absl::StatusOr<std::optional<Rectification>> PgSurveyStore::GetRectification(
    const std::string& evaluation_id, absl::Time now) {
  absl::StatusOr<std::vector<Rectification>> found;
  absl::Status s = db_->Read([&](PgConnection& c) {
    found = QueryRectifications(c, " WHERE evaluation_id = $1",
                                PgParams().Text(evaluation_id), 1, now, true);
    return found.status();
  });
  if (!s.ok()) return s;
  if (found->empty()) return std::optional<Rectification>();
  return std::optional<Rectification>(std::move(found->front()));
}

absl::StatusOr<std::vector<Rectification>> PgSurveyStore::ListRectifications(
    const RectificationQuery& query, absl::Time now) {
  std::vector<std::string> conditions;
  PgParams params;
  int bound = 0;
  auto next = [&bound] { return absl::StrCat("$", ++bound); };
  if (query.period) {
    const std::string first = next(), last = next();
    conditions.push_back(
        absl::StrCat("month >= ", first, " AND month <= ", last));
    params.Text(query.period->first().ToString())
        .Text(query.period->last().ToString());
  }
  if (!query.department_code.empty()) {
    conditions.push_back(absl::StrCat("department_code = ", next()));
    params.Text(query.department_code);
  }
  if (query.state != zwfw::v1::RECTIFICATION_STATE_UNSPECIFIED) {
    conditions.push_back(
        absl::StrCat("state = ", static_cast<int>(query.state)));
  }
  if (query.overdue_only) {
    conditions.push_back(OverdueSql(absl::StrCat(next(), "::bigint")));
    params.Int(absl::ToUnixMicros(now));
  }
  const std::string where =
      conditions.empty()
          ? ""
          : absl::StrCat(" WHERE ", absl::StrJoin(conditions, " AND "));
  absl::StatusOr<std::vector<Rectification>> found;
  absl::Status s = db_->Read([&](PgConnection& c) {
    found = QueryRectifications(c, where, params, query.limit, now, true);
    return found.status();
  });
  if (!s.ok()) return s;
  return found;
}

absl::StatusOr<Rectification> PgSurveyStore::UpdateRectification(
    const std::string& evaluation_id, const zwfw::v1::RectificationEvent& event,
    int follow_up_rating,
    const std::function<absl::Status(const Rectification&)>& check,
    absl::Time now) {
  absl::StatusOr<std::vector<Rectification>> after;
  absl::Status s = db_->Write([&](PgConnection& c) {
    PgSurveyWriter writer(c);
    absl::Status w = UpdateRectificationWith(writer, evaluation_id, event,
                                             follow_up_rating, check, now);
    if (!w.ok()) return w;
    after = QueryRectifications(c, " WHERE evaluation_id = $1",
                                PgParams().Text(evaluation_id), 1, now, true);
    return after.status();
  });
  if (!s.ok()) return s;
  return after->front();
}

absl::StatusOr<bool> PgSurveyStore::ClosePeriod(const Period& period,
                                                const std::string& by,
                                                absl::Time now) {
  return PgCloseMonth(*db_, period.ToString(), by, now);
}

absl::StatusOr<SurveyMonth> PgSurveyStore::ReadMonth(const Period& period,
                                                     absl::Time now) {
  const std::string month = period.ToString();
  SurveyMonth out;
  absl::Status s = db_->Read([&](PgConnection& c) -> absl::Status {
    out = SurveyMonth();
    absl::StatusOr<int64_t> writes = PgMonthWrites(c, month);
    if (!writes.ok()) return writes.status();

    absl::StatusOr<PgResult> r = c.Exec(
        "SELECT scope, code, a1, a2, a3, a4, a5, d1, d2, d3, d4, d5 "
        "FROM rating_counters WHERE month = $1",
        PgParams().Text(month));
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      auto& target = r->Int(i, 0) == kDepartment ? out.departments
                     : r->Int(i, 0) == kWindow   ? out.windows
                                                 : out.staff;
      RatingCounts& counts = target[r->Text(i, 1)];
      for (int level = 0; level < kRatingLevels; ++level) {
        counts.active[level] = r->Int(i, 2 + level);
        counts.defaulted[level] = r->Int(i, 7 + level);
      }
    }

    r = c.Exec(
        "SELECT department_code, made, reached, r1, r2, r3, r4, r5 "
        "FROM visit_counters WHERE month = $1",
        PgParams().Text(month));
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      VisitCounts& v = out.visits[r->Text(i, 0)];
      v.made = r->Int(i, 1);
      v.reached = r->Int(i, 2);
      for (int level = 0; level < kRatingLevels; ++level) {
        v.reached_by_rating[level] = r->Int(i, 3 + level);
      }
    }

    // Rectifications of the month, counted here: overdue depends on the
    // clock (as in SQLite, sqlite_survey_store.cc).
    r = c.Exec(
        absl::StrCat(
            "SELECT department_code, count(*), count(*) FILTER (WHERE state = ",
            static_cast<int>(kClosedState),
            " AND rectified_at <= due_at), count(*) FILTER (WHERE ",
            OverdueSql("$1::bigint"), "), count(*) FILTER (WHERE ", OpenSql(),
            "), count(*) FILTER (WHERE state = ",
            static_cast<int>(kVoidedState), "), count(*) FILTER (WHERE ",
            LateByClockSql("$1::bigint"),
            ") FROM rectifications WHERE month = $2 GROUP BY "
            "department_code"),
        PgParams().Int(absl::ToUnixMicros(now)).Text(month));
    if (!r.ok()) return r.status();
    int64_t late_by_clock = 0;
    for (int i = 0; i < r->rows(); ++i) {
      out.rectifications[r->Text(i, 0)] = {
          r->Int(i, 1), r->Int(i, 2), r->Int(i, 3), r->Int(i, 4), r->Int(i, 5)};
      late_by_clock += r->Int(i, 6);
    }

    r = c.Exec(absl::StrCat("SELECT min(due_at) FROM rectifications WHERE "
                            "month = $1 AND rectified_at IS NULL AND ",
                            ClockRunningSql(), " AND due_at >= $2"),
               PgParams().Text(month).Int(absl::ToUnixMicros(now)));
    if (!r.ok()) return r.status();
    if (r->rows() > 0 && !r->IsNull(0, 0)) {
      out.stable_until = absl::FromUnixMicros(r->Int(0, 0));
    }
    out.data_version = MonthDataVersion(*writes, late_by_clock);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

namespace {

// The records (Record protos) a PeriodRecordsSql query selects.
template <typename Record>
absl::StatusOr<std::vector<Record>> ReadPeriodRecords(
    PgDatabase& db, absl::string_view table, absl::string_view key,
    absl::string_view extra, const ReportPeriod& period,
    const std::string& department_code, int limit) {
  PgParams params;
  params.Text(period.first().ToString()).Text(period.last().ToString());
  if (!department_code.empty()) params.Text(department_code);
  const std::string sql =
      PeriodRecordsSql(table, key, "$1", "$2", extra,
                       department_code.empty() ? "" : "$3", limit);
  std::vector<Record> out;
  absl::Status s = db.Read([&](PgConnection& c) {
    absl::StatusOr<PgResult> r = c.Exec(sql, params);
    if (!r.ok()) return r.status();
    out.clear();
    for (int i = 0; i < r->rows(); ++i) {
      if (!out.emplace_back().ParseFromString(r->Bytes(i, 0))) {
        return absl::DataLossError(
            absl::StrCat("a stored record of ", table, " cannot be parsed"));
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Evaluation>> PgSurveyStore::ListEvaluations(
    const ReportPeriod& period, const std::string& department_code, int limit) {
  return ReadPeriodRecords<Evaluation>(*db_, "evaluations", "evaluation_id",
                                       " AND counted", period, department_code,
                                       limit);
}

absl::StatusOr<std::vector<zwfw::v1::ReturnVisit>>
PgSurveyStore::ListReturnVisits(const ReportPeriod& period,
                                const std::string& department_code, int limit) {
  return ReadPeriodRecords<zwfw::v1::ReturnVisit>(
      *db_, "return_visits", "visit_id", "", period, department_code, limit);
}

}  // namespace zwfw::survey
