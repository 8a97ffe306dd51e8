#include "services/intake/group_commit.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

namespace zwfw::intake {
namespace {

using Batch = GroupCommitter::Batch;

std::vector<zwfw::v1::Case> Cases(std::vector<std::string> numbers) {
  std::vector<zwfw::v1::Case> b;
  for (const std::string& no : numbers) b.emplace_back().set_case_no(no);
  return b;
}

// A Transact that records what each transaction held, and can be held
// back (so batches queue behind it) or made to fail.
struct Recorder {
  absl::Mutex mu;
  std::vector<std::vector<std::string>> transactions ABSL_GUARDED_BY(mu);
  bool fail ABSL_GUARDED_BY(mu) = false;
  // The first transaction says it has begun, then waits to be released.
  absl::Notification* entered = nullptr;
  absl::Notification* hold = nullptr;

  absl::StatusOr<GroupCommitter::Results> Transact(
      const std::vector<Batch*>& batches) {
    if (hold != nullptr) {
      entered->Notify();
      hold->WaitForNotification();
      hold = nullptr;
    }
    absl::MutexLock lock(&mu);
    if (fail) return absl::UnavailableError("disk gone");
    std::vector<std::string>& t = transactions.emplace_back();
    GroupCommitter::Results results;
    for (const Batch* b : batches) {
      std::vector<WriteResult>& r = results.emplace_back();
      for (const auto& c : *b) {
        t.push_back(c.record.case_no());
        r.push_back({zwfw::v1::RECORD_OUTCOME_ACCEPTED, absl::OkStatus()});
      }
    }
    return results;
  }
};

TEST(GroupCommitTest, BatchesQueuedTogetherShareOneTransactionInOrder) {
  Recorder recorder;
  absl::Notification entered, release;
  recorder.entered = &entered;
  recorder.hold = &release;
  std::vector<std::string> answered;
  absl::Mutex answered_mu;
  {
    GroupCommitter committer(
        {.max_records_per_transaction = 3},
        [&](const std::vector<Batch*>& b, const std::vector<const Actor*>&) {
          return recorder.Transact(b);
        });
    auto done = [&](std::string name) {
      return [&, name](absl::StatusOr<std::vector<WriteResult>> r) {
        ASSERT_TRUE(r.ok());
        absl::MutexLock lock(&answered_mu);
        answered.push_back(absl::StrCat(name, ":", r->size()));
      };
    };
    committer.Write(Cases({"a1"}), {}, done("a"));  // held in the first
    // Queued while the first transaction is held: b and c fit in one (3
    // records at most), d goes to the next.
    entered.WaitForNotification();
    committer.Write(Cases({"b1", "b2"}), {}, done("b"));
    committer.Write(Cases({"c1"}), {}, done("c"));
    committer.Write(Cases({"d1", "d2"}), {}, done("d"));
    release.Notify();
  }  // destruction writes and answers everything given
  absl::MutexLock lock(&recorder.mu);
  EXPECT_EQ(recorder.transactions,
            (std::vector<std::vector<std::string>>{
                {"a1"}, {"b1", "b2", "c1"}, {"d1", "d2"}}));
  EXPECT_EQ(answered, (std::vector<std::string>{"a:1", "b:2", "c:1", "d:2"}));
}

// Writers faster than the disk: past the queue's bound a batch is refused
// at once, stored nowhere, and the caller told to retry.
TEST(GroupCommitTest, AFullQueueRefusesABatchAtOnce) {
  Recorder recorder;
  absl::Notification entered, release;
  recorder.entered = &entered;
  recorder.hold = &release;
  absl::Status refused;
  {
    GroupCommitter committer(
        {.max_records_per_transaction = 100, .max_queued_records = 3},
        [&](const std::vector<Batch*>& b, const std::vector<const Actor*>&) {
          return recorder.Transact(b);
        });
    auto ok = [](absl::StatusOr<std::vector<WriteResult>> r) {
      EXPECT_TRUE(r.ok()) << r.status();
    };
    committer.Write(Cases({"a1"}), {}, ok);  // taken, held
    entered.WaitForNotification();
    committer.Write(Cases({"b1", "b2"}), {}, ok);  // waiting: 2
    committer.Write(Cases({"c1", "c2"}), {},
                    [&](auto r) { refused = r.status(); });
    EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_NE(refused.message().find("retry"), std::string::npos);
    committer.Write(Cases({"d1"}), {}, ok);  // 3: still fits
    release.Notify();
  }
  absl::MutexLock lock(&recorder.mu);
  EXPECT_EQ(recorder.transactions, (std::vector<std::vector<std::string>>{
                                       {"a1"}, {"b1", "b2", "d1"}}));
}

TEST(GroupCommitTest, AFailedTransactionAnswersEachOfItsBatchesWithTheError) {
  Recorder recorder;
  {
    absl::MutexLock lock(&recorder.mu);
    recorder.fail = true;
  }
  absl::Notification answered;
  absl::Status seen;
  GroupCommitter committer(
      {}, [&](const std::vector<Batch*>& b, const std::vector<const Actor*>&) {
        return recorder.Transact(b);
      });
  committer.Write(Cases({"x"}), {},
                  [&](absl::StatusOr<std::vector<WriteResult>> r) {
                    seen = r.status();
                    answered.Notify();
                  });
  answered.WaitForNotification();
  EXPECT_EQ(seen, absl::UnavailableError("disk gone"));
  EXPECT_EQ(committer.transactions(), 0);
}

TEST(GroupCommitTest, AnEmptyBatchIsAnsweredAtOnce) {
  Recorder recorder;
  GroupCommitter committer(
      {}, [&](const std::vector<Batch*>& b, const std::vector<const Actor*>&) {
        return recorder.Transact(b);
      });
  bool called = false;
  committer.Write({}, {}, [&](absl::StatusOr<std::vector<WriteResult>> r) {
    called = r.ok() && r->empty();
  });
  EXPECT_TRUE(called);
}

TEST(GroupCommitTest, MaintenanceRunsOnceBetweenTransactionsWhenAsked) {
  Recorder recorder;
  int maintained = 0;  // the writer thread's only
  std::vector<int> maintained_before;
  {
    GroupCommitter committer(
        {},
        [&](const std::vector<Batch*>& b, const std::vector<const Actor*>&) {
          maintained_before.push_back(maintained);
          return recorder.Transact(b);
        },
        [&] { ++maintained; });
    auto wait = [&](std::vector<zwfw::v1::Case> b) {
      absl::Notification n;
      committer.Write(
          std::move(b), {},
          [&](absl::StatusOr<std::vector<WriteResult>>) { n.Notify(); });
      n.WaitForNotification();
    };
    wait(Cases({"1"}));
    committer.RequestMaintenance();
    committer.RequestMaintenance();  // once, however often asked
    wait(Cases({"2"}));
    wait(Cases({"3"}));
    EXPECT_EQ(committer.transactions(), 3);
  }
  EXPECT_EQ(maintained_before, (std::vector<int>{0, 1, 1}));
}

}  // namespace
}  // namespace zwfw::intake
