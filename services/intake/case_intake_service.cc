#include "services/intake/case_intake_service.h"

#include <deque>
#include <functional>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "services/common/closed_periods.h"
#include "services/common/department_access.h"
#include "services/common/rpc_handler.h"
#include "services/common/status.h"
#include "services/intake/case_cells.h"
#include "services/intake/case_rules.h"
#include "services/intake/case_stats.h"
#include "services/intake/case_sums.h"
#include "services/intake/overtime.h"

namespace zwfw::intake {
namespace {

using zwfw::v1::Case;
using zwfw::v1::RecordResult;

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Page tokens: web-safe base64 of "department\0case_no" of the last case.
std::string PageToken(const Case& last) {
  return absl::WebSafeBase64Escape(absl::StrCat(
      last.department_code(), std::string(1, '\0'), last.case_no()));
}

bool ParsePageToken(const std::string& token, std::string* department,
                    std::string* case_no) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return false;
  std::vector<std::string> parts = absl::StrSplit(raw, '\0');
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) return false;
  *department = parts[0];
  *case_no = parts[1];
  return true;
}

}  // namespace

CaseIntakeService::PreparedBatch CaseIntakeService::Prepare(
    const google::protobuf::RepeatedPtrField<Case>& records,
    const Principal& who, const std::string& correction_reason) const {
  PreparedBatch batch;
  batch.results.resize(records.size());
  for (int i = 0; i < records.size(); ++i) batch.results[i].set_index(i);
  absl::Status correction = CheckCorrection(who, correction_reason);
  if (!correction.ok()) {
    for (RecordResult& r : batch.results) Reject(&r, correction);
    return batch;
  }
  if (records.size() > options_.max_batch) {
    for (RecordResult& r : batch.results) {
      Reject(&r, absl::ResourceExhaustedError(absl::StrCat(
                     "cases: a batch of ", records.size(),
                     " records is over the limit of ", options_.max_batch,
                     "; send smaller batches")));
    }
    return batch;
  }
  std::shared_ptr<const DirectoryIndex> directory = directory_->Current();
  for (const Case& c : records) {
    if (directory->FindDepartment(c.department_code()) == nullptr) {
      directory = directory_->CurrentNaming(c.department_code());
      break;  // one look at the store a batch at most
    }
  }
  absl::Time now = options_.now();
  for (int i = 0; i < records.size(); ++i) {
    absl::StatusOr<Case> normalized =
        NormalizeCase(records[i], *directory, *calendar_, who, now);
    if (!normalized.ok()) {
      Reject(&batch.results[i], normalized.status());
      continue;
    }
    batch.cases.push_back(*std::move(normalized));
    batch.positions.push_back(i);
  }
  return batch;
}

void CaseIntakeService::Complete(
    PreparedBatch& batch,
    const absl::StatusOr<std::vector<WriteResult>>& written) {
  ApplyWrites(written, batch.positions.size(), "cases", [&batch](size_t k) {
    return &batch.results[batch.positions[k]];
  });
}

// One SubmitCases stream. Batches are validated on arrival and handed to
// the store; their acks are written in order as the store commits them.
// Reading pauses while max_in_flight batches await their commit.
class CaseIntakeService::SubmitReactor
    : public grpc::ServerBidiReactor<zwfw::v1::SubmitCasesRequest,
                                     zwfw::v1::SubmitCasesResponse> {
 public:
  SubmitReactor(CaseIntakeService* service,
                grpc::CallbackServerContext* context)
      : service_(service) {
    absl::StatusOr<Principal> who =
        Authorize(*service->tokens(), *context, "SubmitCases",
                  {Role::kDepartment, Role::kAdmin, Role::kService});
    if (!who.ok()) {
      Finish(ToGrpcStatus(who.status()));
      return;
    }
    who_ = *std::move(who);
    token_ = *BearerToken(*context);  // Authorize read it
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    // A long stream is authorised again at every batch: a token revoked
    // while it runs stops it (what was read before is still answered).
    absl::Status still = ok ? Reauthorize() : absl::OkStatus();
    if (!ok || !still.ok()) {
      bool finish;
      {
        absl::MutexLock lock(&mu_);
        reads_done_ = true;
        if (!still.ok()) final_status_ = ToGrpcStatus(still);
        finish = ShouldFinishLocked();
      }
      if (finish) Finish(final_status_);
      return;
    }
    auto batch = std::make_shared<PreparedBatch>(service_->Prepare(
        request_.cases(), who_, request_.correction_reason()));
    const uint64_t batch_id = request_.batch_id();
    {
      absl::MutexLock lock(&mu_);
      ++in_flight_;
    }
    std::vector<Case> cases = std::move(batch->cases);
    service_->store()->Write(
        std::move(cases),
        {who_.Who(), "SubmitCases", request_.correction_reason(),
         service_->options().now()},
        [this, batch,
         batch_id](absl::StatusOr<std::vector<WriteResult>> written) {
          Complete(*batch, written);
          zwfw::v1::SubmitCasesResponse ack;
          ack.set_batch_id(batch_id);
          for (RecordResult& r : batch->results) {
            *ack.add_results() = std::move(r);
          }
          bool finish;
          {
            absl::MutexLock lock(&mu_);
            acks_.push_back(std::move(ack));
            --in_flight_;
            MaybeWriteLocked();
            if (read_paused_ &&
                in_flight_ < service_->options().max_in_flight) {
              read_paused_ = false;
              StartRead(&request_);
            }
            finish = ShouldFinishLocked();
          }
          // Not under the lock: Finish may run OnDone, which deletes this.
          if (finish) Finish(final_status_);
        });
    absl::MutexLock lock(&mu_);
    if (in_flight_ < service_->options().max_in_flight) {
      StartRead(&request_);
    } else {
      read_paused_ = true;
    }
  }

  void OnWriteDone(bool ok) override {
    bool finish;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!acks_.empty()) acks_.pop_front();
      if (!ok) broken_ = true;  // the client is gone; drop further acks
      MaybeWriteLocked();
      finish = ShouldFinishLocked();
    }
    if (finish) Finish(final_status_);
  }

  void OnDone() override { delete this; }

 private:
  // The stream's token, checked again: UNAUTHENTICATED once revoked,
  // PERMISSION_DENIED when it now names another role.
  absl::Status Reauthorize() {
    absl::StatusOr<Principal> now = service_->tokens()->Authenticate(token_);
    if (!now.ok()) {
      return absl::UnauthenticatedError(
          absl::StrCat("SubmitCases: the stream's token is no longer valid (",
                       now.status().message(), ")"));
    }
    if (now->RoleName() != who_.RoleName()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "SubmitCases: the stream's token is now ", now->RoleName()));
    }
    return absl::OkStatus();
  }

  void MaybeWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (broken_) acks_.clear();
    if (writing_ || acks_.empty()) return;
    writing_ = true;
    StartWrite(&acks_.front());
  }

  // True once, when everything read has been acknowledged and the client
  // has closed its side; the caller then Finishes outside the lock.
  bool ShouldFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || !reads_done_ || in_flight_ > 0 || writing_ ||
        !acks_.empty()) {
      return false;
    }
    finished_ = true;
    return true;
  }

  CaseIntakeService* const service_;
  Principal who_;
  std::string token_;
  // OK, or why the stream was stopped (written once, before reads_done_;
  // read when finishing).
  grpc::Status final_status_;
  zwfw::v1::SubmitCasesRequest request_;

  absl::Mutex mu_;
  std::deque<zwfw::v1::SubmitCasesResponse> acks_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool read_paused_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

grpc::ServerBidiReactor<zwfw::v1::SubmitCasesRequest,
                        zwfw::v1::SubmitCasesResponse>*
CaseIntakeService::SubmitCases(grpc::CallbackServerContext* context) {
  return new SubmitReactor(this, context);
}

grpc::ServerUnaryReactor* CaseIntakeService::UpsertCase(
    grpc::CallbackServerContext* context,
    const zwfw::v1::UpsertCaseRequest* request,
    zwfw::v1::UpsertCaseResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*tokens_, *context, "UpsertCase",
                {Role::kDepartment, Role::kAdmin, Role::kService});
  if (!who.ok()) return FinishNow(context, who.status());
  google::protobuf::RepeatedPtrField<Case> one;
  *one.Add() = request->case_();
  auto batch = std::make_shared<PreparedBatch>(
      Prepare(one, *who, request->correction_reason()));
  const RecordResult& early = batch->results[0];
  if (early.outcome() == zwfw::v1::RECORD_OUTCOME_REJECTED) {
    return FinishNow(context, StatusOf(early));
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  *response->mutable_case_() = batch->cases[0];
  std::vector<Case> cases = std::move(batch->cases);
  store_->Write(
      std::move(cases),
      {who->Who(), "UpsertCase", request->correction_reason(), options_.now()},
      [reactor, response,
       batch](absl::StatusOr<std::vector<WriteResult>> written) {
        Complete(*batch, written);
        const RecordResult& r = batch->results[0];
        if (r.outcome() == zwfw::v1::RECORD_OUTCOME_REJECTED) {
          response->Clear();
          reactor->Finish(ToGrpcStatus(StatusOf(r)));
          return;
        }
        *response->mutable_result() = r;
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

grpc::ServerUnaryReactor* CaseIntakeService::GetCase(
    grpc::CallbackServerContext* context,
    const zwfw::v1::GetCaseRequest* request,
    zwfw::v1::GetCaseResponse* response) {
  return HandleRpcNow(
      *tokens_, context, "GetCase",
      {Role::kDepartment, Role::kAdmin, Role::kService, Role::kOffice},
      [&](const Principal& who) -> absl::Status {
        absl::StatusOr<const zwfw::v1::Department*> department =
            DepartmentReadableBy(*directory_->Current(),
                                 request->department_code(), who, "cases");
        if (!department.ok()) return department.status();
        absl::StatusOr<std::optional<Case>> found =
            store_->Get((*department)->code(), request->case_no());
        if (!found.ok()) return found.status();
        if (!found->has_value()) {
          return absl::NotFoundError(
              absl::StrCat("case ", request->case_no(), " of department ",
                           (*department)->code(), " not found"));
        }
        response->set_overtime(IsOvertime(**found, options_.now()));
        *response->mutable_case_() = **std::move(found);
        return absl::OkStatus();
      });
}

namespace {

// A filtered ListCases reads the store in pages of this many, and at most
// kFilteredReadsPerCall cases a call (then returns a token to go on).
constexpr int kFilteredPage = 1000;
constexpr int kFilteredReadsPerCall = 20000;

}  // namespace

grpc::ServerUnaryReactor* CaseIntakeService::ListCases(
    grpc::CallbackServerContext* context,
    const zwfw::v1::ListCasesRequest* request,
    zwfw::v1::ListCasesResponse* response) {
  return HandleRpcNow(
      *tokens_, context, "ListCases",
      {Role::kDepartment, Role::kAdmin, Role::kService, Role::kOffice},
      [&](const Principal& who) -> absl::Status {
        CaseQuery query;
        // Which cases of the query's pages the list keeps: those of the
        // filter and, for an indicator, of the part its figure counts.
        std::optional<zwfw::v1::CaseFilter> filter;
        std::optional<IndicatorCases> behind;
        zwfw::v1::CaseTimeBasis basis = request->basis();
        if (!request->indicator().empty()) {
          absl::StatusOr<IndicatorCases> cases = CasesOfIndicator(*request);
          if (!cases.ok()) return cases.status();
          behind = *std::move(cases);
          basis = behind->measure.basis();
          if (behind->measure.has_filter()) filter = behind->measure.filter();
          query.counted_only = true;
        } else if (basis != zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED ||
                   request->has_filter()) {
          zwfw::v1::CaseMeasure measure;
          measure.set_basis(basis == zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED
                                ? zwfw::v1::CASE_TIME_BASIS_ACCEPTED
                                : basis);
          *measure.mutable_filter() = request->filter();
          absl::Status s = CheckMeasure(measure, "");
          if (!s.ok()) return s;
          if (request->has_filter()) filter = request->filter();
          query.counted_only = true;
        }
        if (!request->period().empty()) {
          absl::StatusOr<ReportPeriod> period =
              ReportPeriod::Parse(request->period());
          if (!period.ok()) return period.status();
          switch (basis) {
            case zwfw::v1::CASE_TIME_BASIS_COMPLETED:
              query.completed_period = *period;
              break;
            case zwfw::v1::CASE_TIME_BASIS_DUE:
              query.due_period = *period;
              break;
            default:
              query.period = *period;
              break;
          }
        }
        if (!request->due_period().empty()) {
          absl::StatusOr<ReportPeriod> due =
              ReportPeriod::Parse(request->due_period());
          if (!due.ok()) {
            return absl::InvalidArgumentError(
                absl::StrCat("due_period: ", due.status().message()));
          }
          if (query.due_period.has_value() && !(*query.due_period == *due)) {
            return absl::InvalidArgumentError(
                "due_period: differs from the period of basis "
                "CASE_TIME_BASIS_DUE");
          }
          query.due_period = *due;
        }
        query.extended_only = request->extended_only();
        std::string department = request->department_code();
        if (department.empty() && who.role == Role::kDepartment) {
          department = who.department_code;
        }
        if (!department.empty()) {
          absl::StatusOr<const zwfw::v1::Department*> d = DepartmentReadableBy(
              *directory_->Current(), department, who, "cases");
          if (!d.ok()) return d.status();
          query.department_code = (*d)->code();
        }
        if (request->status() < zwfw::v1::CASE_STATUS_UNSPECIFIED ||
            request->status() > zwfw::v1::CASE_STATUS_WITHDRAWN) {
          return absl::InvalidArgumentError("status: unknown");
        }
        query.status = request->status();
        // Overtime is a condition the store can test: the list reads only
        // those cases (the part's check stays, as for any part).
        query.overtime_only =
            request->overtime_only() ||
            (behind.has_value() && behind->part == CasePart::kOvertime);
        if (request->page_size() < 0 ||
            request->page_size() > options_.max_page_size) {
          return absl::InvalidArgumentError(
              absl::StrCat("page_size: must be 1 to ", options_.max_page_size));
        }
        query.limit = request->page_size() == 0 ? 100 : request->page_size();
        if (!request->page_token().empty() &&
            !ParsePageToken(request->page_token(), &query.after_department,
                            &query.after_case_no)) {
          return absl::InvalidArgumentError(
              "page_token: is not a token this server issued");
        }
        const absl::Time now = options_.now();
        std::function<bool(const Case&)> keep;
        if (filter.has_value() ||
            (behind.has_value() && behind->part != CasePart::kAll)) {
          keep = [&filter, &behind, basis, now](const Case& c) {
            return (!filter.has_value() ||
                    Matches(*filter, CaseDimensions(c))) &&
                   (!behind.has_value() ||
                    CountsAs(c, basis, behind->part, now));
          };
        }
        if (request->with_total_size()) {
          absl::StatusOr<int64_t> total = CountCases(query, keep, now);
          if (!total.ok()) return total.status();
          response->set_total_size(*total);
        }
        absl::Status listed = ListPage(query, keep, now, response);
        if (!listed.ok()) return listed;
        for (const Case& c : response->cases()) {
          response->add_overtime(IsOvertime(c, now));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<IndicatorCases> CaseIntakeService::CasesOfIndicator(
    const zwfw::v1::ListCasesRequest& request) const {
  if (request.basis() != zwfw::v1::CASE_TIME_BASIS_UNSPECIFIED ||
      request.has_filter()) {
    return absl::InvalidArgumentError(
        "indicator: not with basis or filter (the indicator says which "
        "cases)");
  }
  if (request.period().empty()) {
    return absl::InvalidArgumentError(
        "period: required with an indicator (its figure is of a period)");
  }
  IndicatorPlan plan;
  absl::StatusOr<int> index = plan.Add(request.indicator());
  if (!index.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("indicator: ", index.status().message()));
  }
  absl::StatusOr<IndicatorCases> cases =
      plan.CasesBehind(*index, request.denominator());
  if (!cases.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("indicator: ", cases.status().message()));
  }
  return cases;
}

absl::Status CaseIntakeService::ListPage(
    CaseQuery query, const std::function<bool(const Case&)>& keep,
    absl::Time now, zwfw::v1::ListCasesResponse* response) {
  if (!keep) {
    absl::StatusOr<CasePage> page = store_->List(query, now);
    if (!page.ok()) return page.status();
    for (Case& c : page->cases) *response->add_cases() = std::move(c);
    if (page->more) {
      response->set_next_page_token(PageToken(*response->cases().rbegin()));
    }
    return absl::OkStatus();
  }
  // Some of the query's cases are kept (the filter's fields are inside the
  // stored records): read pages of the query and keep those, up to a bound
  // of cases read a call; the token resumes after the last one read.
  const int wanted = query.limit;
  int read_budget = kFilteredReadsPerCall;
  query.limit = std::max(wanted, kFilteredPage);
  std::string last_department, last_case_no;
  for (;;) {
    absl::StatusOr<CasePage> page = store_->List(query, now);
    if (!page.ok()) return page.status();
    read_budget -= static_cast<int>(page->cases.size());
    for (size_t i = 0; i < page->cases.size(); ++i) {
      Case& c = page->cases[i];
      last_department = c.department_code();
      last_case_no = c.case_no();
      if (keep(c)) {
        *response->add_cases() = std::move(c);
        if (response->cases_size() == wanted) {
          // More to read: the rest of this page or the next ones.
          if (i + 1 < page->cases.size() || page->more) {
            response->set_next_page_token(
                PageToken(*response->cases().rbegin()));
          }
          return absl::OkStatus();
        }
      }
    }
    if (!page->more) return absl::OkStatus();
    query.after_department = last_department;
    query.after_case_no = last_case_no;
    if (read_budget <= 0) {
      Case resume;
      resume.set_department_code(last_department);
      resume.set_case_no(last_case_no);
      response->set_next_page_token(PageToken(resume));
      return absl::OkStatus();
    }
  }
}

absl::StatusOr<int64_t> CaseIntakeService::CountCases(
    CaseQuery query, const std::function<bool(const Case&)>& keep,
    absl::Time now) {
  // Every case the query reads is listed: the database counts them.
  if (!keep) return store_->Count(query, now);
  query.after_department.clear();
  query.after_case_no.clear();
  query.limit = kFilteredPage;
  int64_t total = 0;
  for (;;) {
    absl::StatusOr<CasePage> page = store_->List(query, now);
    if (!page.ok()) return page.status();
    for (const Case& c : page->cases) {
      if (!keep || keep(c)) ++total;
    }
    if (!page->more || page->cases.empty()) return total;
    query.after_department = page->cases.back().department_code();
    query.after_case_no = page->cases.back().case_no();
  }
}

grpc::ServerUnaryReactor* CaseIntakeService::GetCaseStats(
    grpc::CallbackServerContext* context,
    const zwfw::v1::GetCaseStatsRequest* request,
    zwfw::v1::GetCaseStatsResponse* response) {
  return HandleRpcNow(
      *tokens_, context, "GetCaseStats",
      {Role::kDepartment, Role::kAdmin, Role::kService, Role::kViewer,
       Role::kOffice},
      [&](const Principal&) -> absl::Status {
        absl::StatusOr<ReportPeriod> period =
            ReportPeriod::Parse(request->period());
        if (!period.ok()) return period.status();
        // Its months from one snapshot.
        absl::StatusOr<std::vector<MonthCounters>> months =
            store_->ReadMonths(period->months(), options_.now());
        if (!months.ok()) return months.status();
        *response = BuildCaseStats(*period, MergeMonths(*std::move(months)),
                                   *directory_->Current());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CaseIntakeService::GetCaseSums(
    grpc::CallbackServerContext* context,
    const zwfw::v1::GetCaseSumsRequest* request,
    zwfw::v1::GetCaseSumsResponse* response) {
  // Aggregates only, like GetCaseStats: every reader of figures may ask.
  return HandleRpcNow(
      *tokens_, context, "GetCaseSums",
      {Role::kDepartment, Role::kAdmin, Role::kService, Role::kViewer,
       Role::kOffice},
      [&](const Principal&) -> absl::Status {
        absl::StatusOr<ReportPeriod> period =
            ReportPeriod::Parse(request->period());
        if (!period.ok()) return period.status();
        absl::Status s = CheckMeasures(*request);
        if (!s.ok()) return s;
        const absl::Time now = options_.now();
        absl::StatusOr<PeriodCells> cells = store_->ReadCells(*period, now);
        if (!cells.ok()) return cells.status();
        absl::StatusOr<zwfw::v1::GetCaseSumsResponse> sums = BuildCaseSums(
            *period, request->measures(), *cells, *directory_->Current(), now);
        if (!sums.ok()) return sums.status();
        *response = *std::move(sums);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CaseIntakeService::LookupCases(
    grpc::CallbackServerContext* context,
    const zwfw::v1::LookupCasesRequest* request,
    zwfw::v1::LookupCasesResponse* response) {
  return HandleRpcNow(
      *tokens_, context, "LookupCases", {Role::kService, Role::kAdmin},
      [&](const Principal&) -> absl::Status {
        if (request->keys_size() > kMaxLookupKeys) {
          return absl::ResourceExhaustedError(
              absl::StrCat("keys: ", request->keys_size(),
                           " is over the limit of ", kMaxLookupKeys));
        }
        for (const zwfw::v1::CaseKey& key : request->keys()) {
          zwfw::v1::CaseFact* fact = response->add_facts();
          if (key.case_no().empty() || key.case_no().size() > kMaxCaseNoBytes)
            continue;
          absl::StatusOr<std::optional<Case>> found =
              store_->Get(key.department_code(), key.case_no());
          if (!found.ok()) return found.status();
          if (!found->has_value()) continue;
          fact->set_found(true);
          *fact->mutable_accepted_at() = (*found)->accepted_at();
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CaseIntakeService::ClosePeriod(
    grpc::CallbackServerContext* context,
    const zwfw::v1::ClosePeriodRequest* request,
    zwfw::v1::ClosePeriodResponse* response) {
  return HandleRpcNow(
      *tokens_, context, "ClosePeriod", {Role::kService, Role::kAdmin},
      [&](const Principal& who) -> absl::Status {
        return ServeClosePeriod(
            *request, who, options_.now(), "back-dated and rewritten cases",
            [this](const Period& p, const std::string& by, absl::Time now) {
              return store_->ClosePeriod(p, by, now);
            },
            response);
      });
}

}  // namespace zwfw::intake
