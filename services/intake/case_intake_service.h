// The gRPC adapter of the CaseIntake service (callback API): authorisation,
// per-record validation, streaming acks, status mapping. The rules are in
// case_rules.h, storage behind CaseStore.
#ifndef ZWFW_SERVICES_INTAKE_CASE_INTAKE_SERVICE_H_
#define ZWFW_SERVICES_INTAKE_CASE_INTAKE_SERVICE_H_

#include <functional>
#include <vector>

#include "absl/time/clock.h"
#include "services/common/auth.h"
#include "services/common/calendar.h"
#include "services/common/indicators.h"
#include "services/intake/case_store.h"
#include "services/intake/directory_catalog.h"
#include "zwfw/v1/intake.grpc.pb.h"

namespace zwfw::intake {

struct CaseIntakeOptions {
  int max_batch = 5000;      // records per SubmitCases batch
  int max_in_flight = 8;     // unacknowledged batches per stream
  int max_page_size = 1000;  // ListCases
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

class CaseIntakeService final : public zwfw::v1::CaseIntake::CallbackService {
 public:
  // All must outlive the service.
  CaseIntakeService(DirectoryCatalog* directory, const Calendar* calendar,
                    CaseStore* store, TokenStore* tokens,
                    CaseIntakeOptions options = {})
      : directory_(directory),
        calendar_(calendar),
        store_(store),
        tokens_(tokens),
        options_(std::move(options)) {}

  grpc::ServerBidiReactor<zwfw::v1::SubmitCasesRequest,
                          zwfw::v1::SubmitCasesResponse>*
  SubmitCases(grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* UpsertCase(
      grpc::CallbackServerContext* context,
      const zwfw::v1::UpsertCaseRequest* request,
      zwfw::v1::UpsertCaseResponse* response) override;
  grpc::ServerUnaryReactor* GetCase(
      grpc::CallbackServerContext* context,
      const zwfw::v1::GetCaseRequest* request,
      zwfw::v1::GetCaseResponse* response) override;
  grpc::ServerUnaryReactor* ListCases(
      grpc::CallbackServerContext* context,
      const zwfw::v1::ListCasesRequest* request,
      zwfw::v1::ListCasesResponse* response) override;
  grpc::ServerUnaryReactor* GetCaseStats(
      grpc::CallbackServerContext* context,
      const zwfw::v1::GetCaseStatsRequest* request,
      zwfw::v1::GetCaseStatsResponse* response) override;
  grpc::ServerUnaryReactor* GetCaseSums(
      grpc::CallbackServerContext* context,
      const zwfw::v1::GetCaseSumsRequest* request,
      zwfw::v1::GetCaseSumsResponse* response) override;
  grpc::ServerUnaryReactor* ClosePeriod(
      grpc::CallbackServerContext* context,
      const zwfw::v1::ClosePeriodRequest* request,
      zwfw::v1::ClosePeriodResponse* response) override;
  grpc::ServerUnaryReactor* LookupCases(
      grpc::CallbackServerContext* context,
      const zwfw::v1::LookupCasesRequest* request,
      zwfw::v1::LookupCasesResponse* response) override;

  // A validated batch on its way to the store: the normalised cases and,
  // per record of the request, its result so far (REJECTED ones final).
  struct PreparedBatch {
    std::vector<zwfw::v1::Case> cases;
    std::vector<int> positions;  // index in the request of cases[i]
    std::vector<zwfw::v1::RecordResult> results;
  };
  // Validates every record of a batch for `who`.
  // A correction (`correction_reason` set) that `who` may not make
  // rejects every record.
  PreparedBatch Prepare(
      const google::protobuf::RepeatedPtrField<zwfw::v1::Case>& records,
      const Principal& who, const std::string& correction_reason) const;
  // Fills the results of the stored records from the store's answer.
  static void Complete(PreparedBatch& batch,
                       const absl::StatusOr<std::vector<WriteResult>>& written);

  const CaseIntakeOptions& options() const { return options_; }
  CaseStore* store() const { return store_; }
  TokenStore* tokens() const { return tokens_; }

 private:
  class SubmitReactor;

  // ListCases' parts. The cases behind the request's indicator.
  absl::StatusOr<IndicatorCases> CasesOfIndicator(
      const zwfw::v1::ListCasesRequest& request) const;
  // One page of the query's cases that `keep` keeps (all when it is empty).
  absl::Status ListPage(CaseQuery query,
                        const std::function<bool(const zwfw::v1::Case&)>& keep,
                        absl::Time now, zwfw::v1::ListCasesResponse* response);
  // How many of the query's cases, every page, `keep` keeps: counted by
  // the store when it keeps all, else read and judged one by one.
  absl::StatusOr<int64_t> CountCases(
      CaseQuery query, const std::function<bool(const zwfw::v1::Case&)>& keep,
      absl::Time now);

  DirectoryCatalog* const directory_;
  const Calendar* const calendar_;
  CaseStore* const store_;
  TokenStore* const tokens_;
  const CaseIntakeOptions options_;
};

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_CASE_INTAKE_SERVICE_H_
