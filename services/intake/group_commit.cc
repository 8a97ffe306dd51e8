#include "services/intake/group_commit.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace zwfw::intake {

GroupCommitter::GroupCommitter(Options options, Transact transact,
                               Maintain maintain)
    : options_(options),
      transact_(std::move(transact)),
      maintain_(std::move(maintain)) {
  writer_ = std::thread([this] { WriterLoop(); });
  answerer_ = std::thread([this] { AnswerLoop(); });
}

GroupCommitter::~GroupCommitter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
  answerer_.join();
}

namespace {

absl::Status QueueFull(int64_t limit) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "intake's write queue is full (", limit,
      " records waiting for the disk): nothing of this batch was stored; "
      "retry it shortly"));
}

}  // namespace

bool GroupCommitter::HasRoomLocked(int64_t records) const {
  return queue_.empty() ||
         queued_records_ + records <= options_.max_queued_records;
}

void GroupCommitter::Write(std::vector<zwfw::v1::Case> cases, Actor actor,
                           WriteCallback done) {
  if (cases.empty()) {
    done(std::vector<WriteResult>());
    return;
  }
  const int64_t size = static_cast<int64_t>(cases.size());
  bool room;
  {
    // A full queue refuses before the staging work is spent.
    absl::MutexLock lock(&mu_);
    room = HasRoomLocked(size);
  }
  if (!room) {
    done(QueueFull(options_.max_queued_records));
    return;
  }
  Batch batch = Stage(std::move(cases));  // on the caller's thread
  {
    absl::MutexLock lock(&mu_);
    if (HasRoomLocked(size)) {
      queued_records_ += size;
      queue_.push_back(
          Request{std::move(batch), std::move(actor), std::move(done)});
      return;
    }
  }
  done(QueueFull(options_.max_queued_records));
}

void GroupCommitter::RequestMaintenance() {
  absl::MutexLock lock(&mu_);
  maintain_due_ = true;
}

int64_t GroupCommitter::transactions() const {
  absl::MutexLock lock(&mu_);
  return transactions_;
}

void GroupCommitter::WriterLoop() {
  while (true) {
    std::vector<Request> taken;
    bool maintain;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](GroupCommitter* g) ABSL_EXCLUSIVE_LOCKS_REQUIRED(g->mu_) {
            return g->stopping_ || !g->queue_.empty();
          },
          this));
      if (queue_.empty()) {  // stopping, and nothing left to write
        writer_stopped_ = true;
        return;
      }
      // Whole batches up to the per-transaction limit (at least one).
      size_t records = 0;
      while (!queue_.empty() &&
             (taken.empty() ||
              records + queue_.front().cases.size() <=
                  static_cast<size_t>(options_.max_records_per_transaction))) {
        records += queue_.front().cases.size();
        queued_records_ -= static_cast<int64_t>(queue_.front().cases.size());
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      maintain = std::exchange(maintain_due_, false);
    }
    if (maintain && maintain_) maintain_();
    std::vector<Batch*> batches;
    std::vector<const Actor*> actors;
    for (Request& r : taken) {
      batches.push_back(&r.cases);
      actors.push_back(&r.actor);
    }
    absl::StatusOr<Results> results = transact_(batches, actors);
    if (!results.ok()) {
      LogError(absl::StrCat(
          "case write of ", taken.size(),
          " batches failed, nothing stored: ", results.status().ToString()));
    }
    absl::MutexLock lock(&mu_);
    if (results.ok()) ++transactions_;
    done_.push_back(Done{std::move(taken), std::move(results)});
  }
}

void GroupCommitter::AnswerLoop() {
  while (true) {
    std::deque<Done> ready;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](GroupCommitter* g) ABSL_EXCLUSIVE_LOCKS_REQUIRED(g->mu_) {
            return g->writer_stopped_ || !g->done_.empty();
          },
          this));
      if (done_.empty()) return;  // the writer has stopped and all answered
      ready.swap(done_);
    }
    for (Done& d : ready) {
      for (size_t i = 0; i < d.requests.size(); ++i) {
        if (d.results.ok()) {
          d.requests[i].done(std::move((*d.results)[i]));
        } else {
          d.requests[i].done(d.results.status());
        }
      }
    }
  }
}

}  // namespace zwfw::intake
