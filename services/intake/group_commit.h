// Group commit for a case store: many callers' batches committed in one
// transaction by one writer thread, each caller answered only after the
// transaction that holds its batch is durable. The machinery is the same
// for every database (SQLite's one writer, PostgreSQL's connection); the
// store gives the transaction (Transact) and, optionally, work to run
// between two transactions when it asks for it (Maintain: SQLite finishes a
// WAL checkpoint there).
//
// Order and answers: batches are taken in the order Write was called,
// whole, up to `max_records_per_transaction` per transaction (at least one
// batch). Callers are answered in that order from a second thread, so the
// writer starts the next transaction at once; a callback must not block
// for long and must not call Write and wait for its answer.
//
// When Transact fails, nothing of its transaction is stored and every
// batch in it is answered with that error.
//
// Thread-safe: Write and RequestMaintenance may be called from any thread.
// Destruction writes every batch already given, answers it, then stops.
#ifndef ZWFW_SERVICES_INTAKE_GROUP_COMMIT_H_
#define ZWFW_SERVICES_INTAKE_GROUP_COMMIT_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/audit_log.h"
#include "services/intake/case_store.h"
#include "services/intake/staged_case.h"
#include "zwfw/v1/intake.pb.h"

namespace zwfw::intake {

class GroupCommitter {
 public:
  using Batch = std::vector<StagedCase>;
  using Results = std::vector<std::vector<WriteResult>>;
  // One transaction over `batches`, on the writer thread: one result per
  // record of each batch, in order, or the error that stored nothing.
  // `actors[i]` wrote `batches[i]` (for the audit trail).
  using Transact = std::function<absl::StatusOr<Results>(
      const std::vector<Batch*>& batches,
      const std::vector<const Actor*>& actors)>;
  // Work run on the writer thread between two transactions.
  using Maintain = std::function<void()>;

  struct Options {
    int max_records_per_transaction = 20000;
    // Records waiting for a transaction, across every caller; a batch that
    // would go past it is answered RESOURCE_EXHAUSTED at once (retry
    // later), so writers faster than the disk cannot exhaust memory. A
    // batch is always taken when nothing waits.
    int64_t max_queued_records = 200000;
  };

  // Starts the writer and the answering thread.
  GroupCommitter(Options options, Transact transact,
                 Maintain maintain = nullptr);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Stages `cases` (staged_case.h) on this thread and queues them as one
  // batch; `done` runs once it is durable (or failed). An empty batch, and
  // one refused because the queue is full, are answered at once, from this
  // thread.
  void Write(std::vector<zwfw::v1::Case> cases, Actor actor,
             WriteCallback done);

  // Runs Maintain once before the next transaction.
  void RequestMaintenance();

  // Transactions committed so far.
  int64_t transactions() const;

 private:
  struct Request {
    Batch cases;
    Actor actor;
    WriteCallback done;
  };
  struct Done {
    std::vector<Request> requests;
    absl::StatusOr<Results> results;
  };
  bool HasRoomLocked(int64_t records) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WriterLoop();
  void AnswerLoop();

  const Options options_;
  const Transact transact_;
  const Maintain maintain_;

  mutable absl::Mutex mu_;
  std::deque<Request> queue_ ABSL_GUARDED_BY(mu_);
  int64_t queued_records_ ABSL_GUARDED_BY(mu_) = 0;  // in queue_
  std::deque<Done> done_ ABSL_GUARDED_BY(mu_);
  bool maintain_due_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool writer_stopped_ ABSL_GUARDED_BY(mu_) = false;
  int64_t transactions_ ABSL_GUARDED_BY(mu_) = 0;

  std::thread writer_;
  std::thread answerer_;
};

}  // namespace zwfw::intake

#endif  // ZWFW_SERVICES_INTAKE_GROUP_COMMIT_H_
