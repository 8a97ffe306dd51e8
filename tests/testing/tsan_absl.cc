// ThreadSanitizer's view of Abseil's synchronization, for the TSan build
// only (ZWFW_SANITIZE=thread links it into every program as a shared
// library ahead of Abseil's).
//
// Debian's Abseil is not built with TSan, so absl::Mutex, CondVar and
// Notification synchronise through atomics and futexes TSan never sees:
// every access our code makes under an absl::MutexLock would be reported
// as a race. Abseil's own TSan build annotates these calls; this file does
// the same from outside. Each public entry point is interposed (the
// programs' own definitions come before the library's in the dynamic
// linker's lookup, also for calls made inside Abseil and gRPC), calls the
// real one found with dlsym(RTLD_NEXT), and tells TSan what it did:
//   Lock, TryLock, LockWhen*        a lock (a try lock may fail)
//   Unlock                          an unlock
//   Await*, CondVar::Wait*          an unlock, the wait, a lock again
//   Notification::Notify            a release on the notification
//   WaitForNotification*, HasBeenNotified   an acquire, once notified
//   Condition::Eval                 reads ignored: Abseil evaluates a
//                                   waiter's condition on the unlocking
//                                   thread, inside Unlock (as Abseil's
//                                   own annotations also allow)
// The symbol names are those of Debian 12's Abseil (inline namespace
// debian3); a name that is not found stops the program at once.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

extern "C" {
void AnnotateIgnoreReadsBegin(const char* file, int line);
void AnnotateIgnoreReadsEnd(const char* file, int line);
}

namespace {

template <typename F>
F Real(const char* name) {
  void* f = dlsym(RTLD_NEXT, name);
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl: %s not found in Abseil\n", name);
    std::abort();
  }
  return reinterpret_cast<F>(f);
}

void Locked(void* mu) {  // only from the outermost call
  __tsan_mutex_pre_lock(mu, 0);
  __tsan_mutex_post_lock(mu, 0, 0);
}

void Unlocked(void* mu) {
  __tsan_mutex_pre_unlock(mu, 0);
  __tsan_mutex_post_unlock(mu, 0);
}

// Abseil calls its own entry points (AwaitWithTimeout calls
// AwaitWithDeadline, Notify calls Lock, ...) through the same interposed
// symbols: only the outermost call of a thread is annotated.
thread_local int depth = 0;
struct Outermost {
  Outermost() : outer(depth++ == 0) {}
  ~Outermost() { --depth; }
  const bool outer;
};

// The notification's `notified_yet_` follows its mutex (notification.h).
void* NotifiedFlag(const void* notification) {
  return const_cast<char*>(static_cast<const char*>(notification)) +
         sizeof(absl::Mutex);
}

}  // namespace

#define ZWFW_REAL(type, name)                 \
  static const auto real = Real<type>(#name); \
  const Outermost call

extern "C" {

// absl::Mutex
void _ZN4absl7debian35Mutex4LockEv(void* mu) {
  ZWFW_REAL(void (*)(void*), _ZN4absl7debian35Mutex4LockEv);
  if (call.outer) __tsan_mutex_pre_lock(mu, 0);
  real(mu);
  if (call.outer) __tsan_mutex_post_lock(mu, 0, 0);
}

void _ZN4absl7debian35Mutex6UnlockEv(void* mu) {
  ZWFW_REAL(void (*)(void*), _ZN4absl7debian35Mutex6UnlockEv);
  if (call.outer) __tsan_mutex_pre_unlock(mu, 0);
  real(mu);
  if (call.outer) __tsan_mutex_post_unlock(mu, 0);
}

bool _ZN4absl7debian35Mutex7TryLockEv(void* mu) {
  ZWFW_REAL(bool (*)(void*), _ZN4absl7debian35Mutex7TryLockEv);
  if (call.outer) __tsan_mutex_pre_lock(mu, __tsan_mutex_try_lock);
  const bool locked = real(mu);
  if (call.outer)
    __tsan_mutex_post_lock(
        mu, __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed),
        0);
  return locked;
}

void _ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE(void* mu,
                                                       const void* cond) {
  ZWFW_REAL(void (*)(void*, const void*),
            _ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE);
  real(mu, cond);
  if (call.outer) Locked(mu);
}

bool _ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE(
    void* mu, const void* cond, absl::Duration timeout) {
  ZWFW_REAL(
      bool (*)(void*, const void*, absl::Duration),
      _ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE);
  const bool met = real(mu, cond, timeout);
  if (call.outer) Locked(mu);  // held whether or not the condition became true
  return met;
}

void _ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE(void* mu,
                                                    const void* cond) {
  ZWFW_REAL(void (*)(void*, const void*),
            _ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE);
  if (call.outer) Unlocked(mu);
  real(mu, cond);
  if (call.outer) Locked(mu);
}

bool _ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE(
    void* mu, const void* cond, absl::Duration timeout) {
  ZWFW_REAL(
      bool (*)(void*, const void*, absl::Duration),
      _ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE);
  if (call.outer) Unlocked(mu);
  const bool met = real(mu, cond, timeout);
  if (call.outer) Locked(mu);
  return met;
}

bool _ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE(
    void* mu, const void* cond, absl::Time deadline) {
  ZWFW_REAL(
      bool (*)(void*, const void*, absl::Time),
      _ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE);
  if (call.outer) Unlocked(mu);
  const bool met = real(mu, cond, deadline);
  if (call.outer) Locked(mu);
  return met;
}

// absl::CondVar
void _ZN4absl7debian37CondVar4WaitEPNS0_5MutexE(void* cv, void* mu) {
  ZWFW_REAL(void (*)(void*, void*), _ZN4absl7debian37CondVar4WaitEPNS0_5MutexE);
  if (call.outer) Unlocked(mu);
  real(cv, mu);
  if (call.outer) Locked(mu);
}

bool _ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE(
    void* cv, void* mu, absl::Duration timeout) {
  ZWFW_REAL(
      bool (*)(void*, void*, absl::Duration),
      _ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE);
  if (call.outer) Unlocked(mu);
  const bool timed_out = real(cv, mu, timeout);
  if (call.outer) Locked(mu);
  return timed_out;
}

bool _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE(
    void* cv, void* mu, absl::Time deadline) {
  ZWFW_REAL(bool (*)(void*, void*, absl::Time),
            _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE);
  if (call.outer) Unlocked(mu);
  const bool timed_out = real(cv, mu, deadline);
  if (call.outer) Locked(mu);
  return timed_out;
}

// absl::Condition
bool _ZNK4absl7debian39Condition4EvalEv(const void* cond) {
  ZWFW_REAL(bool (*)(const void*), _ZNK4absl7debian39Condition4EvalEv);
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  const bool met = real(cond);
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
  return met;
}

// absl::Notification
void _ZN4absl7debian312Notification6NotifyEv(void* n) {
  ZWFW_REAL(void (*)(void*), _ZN4absl7debian312Notification6NotifyEv);
  if (call.outer) __tsan_release(NotifiedFlag(n));
  real(n);
}

void _ZNK4absl7debian312Notification19WaitForNotificationEv(const void* n) {
  ZWFW_REAL(void (*)(const void*),
            _ZNK4absl7debian312Notification19WaitForNotificationEv);
  real(n);
  if (call.outer) __tsan_acquire(NotifiedFlag(n));
}

bool _ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(
    const void* n, absl::Duration timeout) {
  ZWFW_REAL(
      bool (*)(const void*, absl::Duration),
      _ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE);
  const bool notified = real(n, timeout);
  if (notified && call.outer) __tsan_acquire(NotifiedFlag(n));
  return notified;
}

bool _ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE(
    const void* n, absl::Time deadline) {
  ZWFW_REAL(
      bool (*)(const void*, absl::Time),
      _ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE);
  const bool notified = real(n, deadline);
  if (notified && call.outer) __tsan_acquire(NotifiedFlag(n));
  return notified;
}

bool _ZN4absl7debian312Notification23HasBeenNotifiedInternalEPKSt6atomicIbE(
    const std::atomic<bool>* flag) {
  ZWFW_REAL(
      bool (*)(const std::atomic<bool>*),
      _ZN4absl7debian312Notification23HasBeenNotifiedInternalEPKSt6atomicIbE);
  const bool notified = real(flag);
  if (notified && call.outer)
    __tsan_acquire(const_cast<std::atomic<bool>*>(flag));
  return notified;
}

}  // extern "C"
