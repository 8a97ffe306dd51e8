// A SQLite VFS that wraps the default one and fails the Nth open, write,
// sync or lock on purpose (SQLite's own test_vfs / "I/O error" tests): the
// seam the storage-fault tests walk N over.
//
//   FaultyVfs& vfs = FaultyVfs::Install();  // now the default VFS
//   vfs.Arm(FaultyVfs::kWrite, 7, FaultyVfs::kDiskFull, /*persist=*/true);
//   ... the 7th write from now, and every one after, fails SQLITE_FULL ...
//   vfs.Disarm();
//
// Every database opened after Install() goes through it (SQLite's VFS list
// is process-wide). Counting is always on: counts() says how many of each
// operation a scenario makes, so a walk knows how far N goes. Thread-safe.
#ifndef ZWFW_TESTS_TESTING_FAULTY_VFS_H_
#define ZWFW_TESTS_TESTING_FAULTY_VFS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace zwfw::testing {

class FaultyVfs {
 public:
  enum Operation { kOpen, kWrite, kSync, kLock, kOperations };
  enum Failure {
    kIoError,   // SQLITE_IOERR_* (SQLITE_CANTOPEN for an open)
    kDiskFull,  // SQLITE_FULL (writes only)
    kBusy,      // SQLITE_BUSY (locks only): another process holds it
  };

  // Registers the VFS as the default, once; later calls return it.
  static FaultyVfs& Install();

  // From the `n`th (1-based) `operation` after this call: fail it with
  // `failure`, and with `persist` every one after it too until Disarm().
  void Arm(Operation operation, int64_t n, Failure failure, bool persist);
  void Disarm();
  // Operations that failed on purpose since Arm().
  int64_t injected() const { return injected_.load(); }

  // Counts since the last ResetCounts(), armed or not.
  int64_t count(Operation operation) const { return counts_[operation].load(); }
  void ResetCounts();

  static const char* Name(Operation operation);
  static const char* Name(Failure failure);

  // Called by the VFS's methods: counts `operation`, and whether it fails
  // (how: `*failure`).
  bool Fails(Operation operation, Failure* failure);

 private:
  FaultyVfs() = default;

  std::array<std::atomic<int64_t>, kOperations> counts_{};
  std::atomic<int> armed_operation_{-1};
  std::atomic<int64_t> armed_at_{0};  // the count that fails first
  std::atomic<int> failure_{kIoError};
  std::atomic<bool> persist_{false};
  std::atomic<int64_t> injected_{0};
};

// Walks a scenario over every fault point (SQLite's "I/O error" tests):
//
//   int trials = FaultWalk::Run([&](FaultWalk& walk) {
//     ... fresh files, set up ...
//     walk.Begin();   // the part of the scenario faults are injected in
//     ... the scenario, answers checked against walk ...
//     walk.End();     // the fault clears
//     ... serving again, nothing acknowledged lost ...
//   });
//
// The first trial injects nothing and counts each operation between Begin
// and End; then one trial for every operation, every N up to its count and
// every failure that operation can have, once failing only the Nth
// (transient) and once the Nth and all after it until End (persistent,
// like a full disk). A busy lock is transient only: persistent, it is
// another process holding the file, which the busy timeout waits out.
class FaultWalk {
 public:
  // Which of the two kinds of fault to walk (a long walk is split in two
  // tests this way).
  struct Kinds {
    bool transient = true;
    bool persistent = true;
  };
  static int Run(const std::function<void(FaultWalk&)>& trial, Kinds kinds);
  static int Run(const std::function<void(FaultWalk&)>& trial) {
    return Run(trial, Kinds());
  }

  void Begin();
  void End();
  // Whether this trial's fault was injected (before End).
  bool injected() const { return injected_; }
  // "write #7: disk full, persistent", or "no fault".
  std::string Describe() const;

 private:
  FaultWalk() = default;
  bool counting_ = true;
  FaultyVfs::Operation operation_ = FaultyVfs::kOpen;
  int64_t n_ = 0;
  FaultyVfs::Failure failure_ = FaultyVfs::kIoError;
  bool persist_ = false;
  bool injected_ = false;
  std::array<int64_t, FaultyVfs::kOperations> counted_{};
};

}  // namespace zwfw::testing

#endif  // ZWFW_TESTS_TESTING_FAULTY_VFS_H_
