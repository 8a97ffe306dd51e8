#include "services/common/change_follower.h"

#include <algorithm>
#include <utility>

#include "services/common/bearer.h"
#include "zwfw/v1/changes.grpc.pb.h"

namespace zwfw {

ChangeFollower::ChangeFollower(std::shared_ptr<grpc::Channel> channel,
                               std::string token, OnChange on_change,
                               OnLost on_lost)
    : token_(std::move(token)),
      on_change_(std::move(on_change)),
      on_lost_(std::move(on_lost)) {
  callbacks_ = std::thread([this] { Deliver(); });
  reader_ = std::thread([this, channel = std::move(channel)] { Run(channel); });
}

ChangeFollower::~ChangeFollower() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  reader_.join();
  callbacks_.join();
}

void ChangeFollower::Post(Event event) {
  absl::MutexLock lock(&mu_);
  if (!events_.empty() &&
      std::holds_alternative<zwfw::v1::DataChange>(events_.back()) &&
      std::holds_alternative<zwfw::v1::DataChange>(event)) {
    events_.back() = std::move(event);  // only the latest is told
  } else {
    events_.push_back(std::move(event));
  }
}

bool ChangeFollower::HasWork() const { return stopping_ || !events_.empty(); }

void ChangeFollower::Deliver() {
  for (;;) {
    Event event;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &ChangeFollower::HasWork));
      if (stopping_) return;
      event = std::move(events_.front());
      events_.pop_front();
    }
    if (const auto* change = std::get_if<zwfw::v1::DataChange>(&event)) {
      on_change_(*change);
    } else {
      on_lost_(std::get<grpc::Status>(event));
    }
  }
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
      Post(change);
    }
    grpc::Status status = reader->Finish();
    {
      absl::MutexLock lock(&mu_);
      context_ = nullptr;
      if (stopping_) return;
    }
    Post(status);
    if (!SleepUnlessStopping(backoff)) return;
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
}

}  // namespace zwfw
