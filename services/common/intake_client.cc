#include "services/common/intake_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/bearer.h"
#include "services/common/data_changes.h"
#include "services/common/log.h"
#include "services/common/proto_time.h"
#include "services/common/status.h"

namespace zwfw {

IntakeClient::IntakeClient(std::shared_ptr<grpc::Channel> channel,
                           std::string address, std::string token,
                           absl::Duration refresh, absl::Duration deadline)
    : channel_(channel),
      directory_(zwfw::v1::Directory::NewStub(channel)),
      intake_(zwfw::v1::CaseIntake::NewStub(channel)),
      address_(std::move(address)),
      token_(std::move(token)),
      refresh_(refresh),
      deadline_(deadline) {}

absl::StatusOr<std::unique_ptr<IntakeClient>> IntakeClient::ForServer(
    const ServerConfig& config, const std::string& service_token) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      ClientChannel(config, config.intake);
  if (!channel.ok()) return channel.status();
  auto client =
      std::make_unique<IntakeClient>(*channel, config.intake, service_token);
  client->FollowDirectory([] { DataChanges::Process().Bump(); });
  return client;
}

IntakeClient::~IntakeClient() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;  // ends a Recheck's pause
  }
  follower_.reset();
}

void IntakeClient::FollowDirectory(std::function<void()> on_change,
                                   absl::Duration min_interval) {
  {
    absl::MutexLock lock(&mu_);
    on_change_ = std::move(on_change);
  }
  follower_ = std::make_unique<ChangeFollower>(
      channel_, token_,
      [this, min_interval](const zwfw::v1::DataChange&) {
        if (!std::exchange(following_, true)) {
          LogInfo(
              "following intake's changes: a new directory is read "
              "when it changes");
        }
        Recheck(min_interval);
      },
      [this](const grpc::Status& s) {
        if (std::exchange(following_, false)) {
          LogWarning(absl::StrCat(
              "not following intake's changes (", s.error_message(),
              "): the directory is re-read every ",
              absl::FormatDuration(refresh_), " until it is back"));
        }
      });
}

void IntakeClient::Recheck(absl::Duration min_interval) {
  {
    absl::MutexLock lock(&mu_);
    // Intake moves with every case it stores: look at most this often.
    mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                         checked_at_ + min_interval - absl::Now());
    if (stopping_ || cached_ == nullptr) return;  // Current() reads it first
    checked_at_ = absl::Now();
  }
  zwfw::v1::ListDepartmentsResponse departments;
  grpc::Status s =
      directory_->ListDepartments(Context().get(), {}, &departments);
  if (!s.ok()) return;  // the next change, or the refresh, tries again
  {
    absl::MutexLock lock(&mu_);
    if (cached_->version() == departments.directory_version()) return;
  }
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> fresh = Fetch();
  if (!fresh.ok()) return;
  absl::MutexLock lock(&mu_);
  Keep(*std::move(fresh));
}

void IntakeClient::Keep(std::shared_ptr<const DirectoryIndex> fresh) {
  fetched_at_ = absl::Now();
  const bool changed =
      cached_ != nullptr && fresh->version() != cached_->version();
  cached_ = std::move(fresh);
  if (changed) {
    LogInfo(absl::StrCat("directory version ", cached_->version(),
                         " read from intake"));
    if (on_change_) on_change_();
  }
}

std::unique_ptr<grpc::ClientContext> IntakeClient::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  AddBearerToken(context.get(), token_);
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(deadline_));
  return context;
}

absl::Status IntakeClient::Failed(const grpc::Status& s) const {
  return PeerFailure("intake", address_, s);
}

absl::StatusOr<std::shared_ptr<const DirectoryIndex>> IntakeClient::Fetch() {
  zwfw::v1::DirectorySnapshot snapshot;
  zwfw::v1::ListDepartmentsResponse departments;
  grpc::Status s =
      directory_->ListDepartments(Context().get(), {}, &departments);
  if (!s.ok()) return Failed(s);
  *snapshot.mutable_departments() = departments.departments();
  zwfw::v1::ListWindowsResponse windows;
  s = directory_->ListWindows(Context().get(), {}, &windows);
  if (!s.ok()) return Failed(s);
  *snapshot.mutable_windows() = windows.windows();
  zwfw::v1::ListStaffResponse staff;
  s = directory_->ListStaff(Context().get(), {}, &staff);
  if (!s.ok()) return Failed(s);
  *snapshot.mutable_staff() = staff.staff();
  return DirectoryIndex::Build(std::move(snapshot),
                               departments.directory_version());
}

absl::StatusOr<std::shared_ptr<const DirectoryIndex>> IntakeClient::Current() {
  absl::MutexLock lock(&mu_);
  if (cached_ != nullptr && absl::Now() - fetched_at_ < refresh_) {
    return cached_;
  }
  absl::StatusOr<std::shared_ptr<const DirectoryIndex>> fresh = Fetch();
  if (!fresh.ok()) {
    if (cached_ != nullptr) {
      LogWarning(
          absl::StrCat("directory not refreshed: ", fresh.status().message(),
                       "; using the one read before"));
      fetched_at_ = absl::Now();  // retry after another refresh interval
      return cached_;
    }
    return fresh.status();
  }
  Keep(*std::move(fresh));
  return cached_;
}

absl::StatusOr<zwfw::v1::GetCaseStatsResponse> IntakeClient::CaseStats(
    const ReportPeriod& period) {
  zwfw::v1::GetCaseStatsRequest request;
  request.set_period(period.ToString());
  zwfw::v1::GetCaseStatsResponse stats;
  grpc::Status s = intake_->GetCaseStats(Context().get(), request, &stats);
  if (!s.ok()) return Failed(s);
  return stats;
}

absl::StatusOr<zwfw::v1::GetCaseSumsResponse> IntakeClient::CaseSums(
    const ReportPeriod& period,
    const std::vector<zwfw::v1::CaseMeasure>& measures) {
  zwfw::v1::GetCaseSumsRequest request;
  request.set_period(period.ToString());
  for (const zwfw::v1::CaseMeasure& m : measures) *request.add_measures() = m;
  zwfw::v1::GetCaseSumsResponse sums;
  grpc::Status s = intake_->GetCaseSums(Context().get(), request, &sums);
  if (!s.ok()) return Failed(s);
  return sums;
}

absl::StatusOr<std::vector<std::string>> IntakeClient::OvertimeCases(
    const ReportPeriod& period, const std::string& department_code, int limit) {
  zwfw::v1::ListCasesRequest request;
  request.set_due_period(period.ToString());
  request.set_department_code(department_code);
  request.set_overtime_only(true);
  request.set_page_size(limit);
  zwfw::v1::ListCasesResponse page;
  grpc::Status s = intake_->ListCases(Context().get(), request, &page);
  if (!s.ok()) return Failed(s);
  std::vector<std::string> numbers;
  for (const auto& c : page.cases()) numbers.push_back(c.case_no());
  return numbers;
}

absl::StatusOr<std::vector<zwfw::v1::Case>> IntakeClient::ExtendedCases(
    const ReportPeriod& period, int limit) {
  zwfw::v1::ListCasesRequest request;
  request.set_due_period(period.ToString());
  request.set_extended_only(true);
  request.set_page_size(limit);
  zwfw::v1::ListCasesResponse page;
  grpc::Status s = intake_->ListCases(Context().get(), request, &page);
  if (!s.ok()) return Failed(s);
  return std::vector<zwfw::v1::Case>(page.cases().begin(), page.cases().end());
}

absl::StatusOr<std::map<std::string, int64_t>> IntakeClient::CaseTotals(
    const ReportPeriod& period) {
  absl::StatusOr<zwfw::v1::GetCaseStatsResponse> stats = CaseStats(period);
  if (!stats.ok()) return stats.status();
  std::map<std::string, int64_t> totals;
  for (const auto& d : stats->departments()) {
    totals[d.department_code()] =
        d.approval().total() + d.convenience().total();
  }
  return totals;
}

absl::StatusOr<std::vector<std::optional<absl::Time>>> IntakeClient::AcceptedAt(
    const std::vector<zwfw::v1::CaseKey>& keys) {
  zwfw::v1::LookupCasesRequest request;
  for (const zwfw::v1::CaseKey& key : keys) *request.add_keys() = key;
  zwfw::v1::LookupCasesResponse response;
  grpc::Status s = intake_->LookupCases(Context().get(), request, &response);
  if (!s.ok()) return Failed(s);
  if (response.facts_size() != request.keys_size()) {
    return absl::UnavailableError(absl::StrCat(
        "intake at ", address_, " answered ", response.facts_size(),
        " case facts for ", request.keys_size(), " keys"));
  }
  std::vector<std::optional<absl::Time>> accepted;
  accepted.reserve(keys.size());
  for (const zwfw::v1::CaseFact& fact : response.facts()) {
    accepted.push_back(
        fact.found() ? std::optional<absl::Time>(ToTime(fact.accepted_at()))
                     : std::nullopt);
  }
  return accepted;
}

absl::Status IntakeClient::ClosePeriod(const Period& period) {
  zwfw::v1::ClosePeriodRequest request;
  request.set_period(period.ToString());
  zwfw::v1::ClosePeriodResponse response;
  grpc::Status s = intake_->ClosePeriod(Context().get(), request, &response);
  if (!s.ok()) return Failed(s);
  return absl::OkStatus();
}

}  // namespace zwfw
