#include "services/common/data_changes.h"

#include <openssl/rand.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/rpc_handler.h"
#include "services/common/status.h"

namespace zwfw {
namespace {

std::string NewEpoch() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Without randomness, the start time still differs between runs.
    const int64_t now = absl::ToUnixNanos(absl::Now());
    for (size_t i = 0; i < sizeof bytes; ++i)
      bytes[i] = (now >> (8 * i)) & 0xff;
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace

DataChanges& DataChanges::Process() {
  static DataChanges* const changes = new DataChanges();
  return *changes;
}

DataChanges::DataChanges() : epoch_(NewEpoch()) {}

void DataChanges::Bump() {
  absl::MutexLock lock(&mu_);
  if (!shared_epoch_.empty()) ++local_;
  ++counter_;
}

void DataChanges::Observe(const std::string& epoch, int64_t counter) {
  absl::MutexLock lock(&mu_);
  if (epoch != shared_epoch_) {
    shared_epoch_ = epoch;
    counter_ = counter + local_;
  } else {
    counter_ = std::max(counter_, counter + local_);
  }
}

DataChanges::Version DataChanges::CurrentLocked() const {
  if (shared_epoch_.empty()) return {epoch_, counter_};
  if (local_ == 0) return {shared_epoch_, counter_};
  return {absl::StrCat(shared_epoch_, "-", epoch_), counter_};
}

DataChanges::Version DataChanges::Current() const {
  absl::MutexLock lock(&mu_);
  return CurrentLocked();
}

DataChanges::Version DataChanges::WaitForChange(int64_t seen,
                                                absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return counter_ != seen || closed_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return CurrentLocked();
}

void DataChanges::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

void DataChanges::Reopen() {
  absl::MutexLock lock(&mu_);
  closed_ = false;
}

bool DataChanges::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

namespace {

class DataVersionInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit DataVersionInterceptor(DataChanges* changes) : changes_(changes) {}
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      DataChanges::Version v = changes_->Current();
      methods->GetSendTrailingMetadata()->emplace(
          kDataVersionTrailer, absl::StrCat(v.epoch, ".", v.counter));
    }
    methods->Proceed();
  }

 private:
  DataChanges* const changes_;
};

class DataVersionInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit DataVersionInterceptorFactory(DataChanges* changes)
      : changes_(changes) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo*) override {
    return new DataVersionInterceptor(changes_);
  }

 private:
  DataChanges* const changes_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewDataVersionInterceptorFactory(DataChanges* changes) {
  return std::make_unique<DataVersionInterceptorFactory>(changes);
}

grpc::Status ChangesService::Watch(
    grpc::ServerContext* context, const zwfw::v1::WatchChangesRequest*,
    grpc::ServerWriter<zwfw::v1::DataChange>* writer) {
  return HandleRpc(*tokens_, *context, "Watch", {Role::kService, Role::kAdmin},
                   [&](const Principal& who) -> absl::Status {
                     const std::string token = *BearerToken(*context);
                     int64_t sent = -1;
                     while (!context->IsCancelled()) {
                       // Wakes at least twice a second to notice a
                       // cancelled call or a revoked token.
                       DataChanges::Version v = changes_->WaitForChange(
                           sent, absl::Milliseconds(500));
                       if (changes_->closed()) {
                         return absl::UnavailableError("server draining");
                       }
                       absl::StatusOr<Principal> now =
                           tokens_->Authenticate(token);
                       if (!now.ok() || now->RoleName() != who.RoleName()) {
                         return absl::UnauthenticatedError(
                             "Watch: the stream's token is no longer valid");
                       }
                       if (v.counter == sent) continue;
                       zwfw::v1::DataChange change;
                       change.set_epoch(v.epoch);
                       change.set_counter(v.counter);
                       if (!writer->Write(change)) break;
                       sent = v.counter;
                       if (interval_ > absl::ZeroDuration()) {
                         absl::SleepFor(interval_);
                       }
                     }
                     return absl::OkStatus();
                   });
}

}  // namespace zwfw
