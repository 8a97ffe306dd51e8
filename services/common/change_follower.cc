#include "services/common/change_follower.h"

#include <algorithm>

#include "services/common/bearer.h"
#include "zwfw/v1/changes.grpc.pb.h"

namespace zwfw {

ChangeFollower::ChangeFollower(std::shared_ptr<grpc::Channel> channel,
                               std::string token, OnChange on_change,
                               OnLost on_lost)
    : token_(std::move(token)),
      on_change_(std::move(on_change)),
      on_lost_(std::move(on_lost)) {
  thread_ = std::thread([this, channel = std::move(channel)] { Run(channel); });
}

ChangeFollower::~ChangeFollower() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  thread_.join();
}

bool ChangeFollower::SleepUnlessStopping(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), timeout);
  return !stopping_;
}

void ChangeFollower::Run(std::shared_ptr<grpc::Channel> channel) {
  auto stub = zwfw::v1::Changes::NewStub(channel);
  absl::Duration backoff = absl::Milliseconds(100);
  for (;;) {
    grpc::ClientContext context;
    AddBearerToken(&context, token_);
    // Waits for the server to come up rather than failing at once.
    context.set_wait_for_ready(true);
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      context_ = &context;
    }
    std::unique_ptr<grpc::ClientReader<zwfw::v1::DataChange>> reader =
        stub->Watch(&context, zwfw::v1::WatchChangesRequest());
    zwfw::v1::DataChange change;
    while (reader->Read(&change)) {
      backoff = absl::Milliseconds(100);
      on_change_(change);
    }
    grpc::Status status = reader->Finish();
    {
      absl::MutexLock lock(&mu_);
      context_ = nullptr;
      if (stopping_) return;
    }
    on_lost_(status);
    if (!SleepUnlessStopping(backoff)) return;
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
}

}  // namespace zwfw
