// Closed-loop unary load for the benchmarks: N callers, each sending its
// next call when the previous one returns, over several connections, with
// latency percentiles and the CPU each call cost client and server. Shared
// by the benchmarks so that every figure is measured the same way.
#ifndef ZWFW_TOOLS_BENCH_UNARY_LOAD_H_
#define ZWFW_TOOLS_BENCH_UNARY_LOAD_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "services/common/bearer.h"

namespace zwfw::bench {

using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

struct UnaryFigures {
  double calls_per_second, p50_ms, p99_ms;
  // CPU time (user + system) per call, in microseconds.
  double server_cpu_us = 0, client_cpu_us = 0;
};

// CPU seconds (user + system) a process has used so far.
double ProcessCpuSeconds(pid_t pid);
// CPU seconds (user + system) this process has used so far.
double OwnCpuSeconds();

// A closed loop of unary calls: `concurrency` callers, each sending its
// next call when the previous one returns, until `calls` have returned.
// Callback-driven rather than one thread per caller, so the client's own
// CPU weighs less on the server's latency (both share the machine). The
// CPU per call is read over the loop alone: the client's, and the
// server's when `server` > 0 (a process on this machine; "nan" when not).
// Thread-safe: callbacks may run on any thread.
class ClosedLoop {
 public:
  // Sends call number i and runs `done` with its status once it returned.
  using Issue =
      std::function<void(int i, std::function<void(const grpc::Status&)> done)>;

  ClosedLoop(int calls, Issue issue)
      : calls_(calls), issue_(std::move(issue)), finished_(calls) {}

  UnaryFigures Run(int concurrency, pid_t server = 0) {
    const double server_before = server > 0 ? ProcessCpuSeconds(server) : 0;
    const double client_before = OwnCpuSeconds();
    Clock::time_point start = Clock::now();
    for (int c = 0; c < std::min(concurrency, calls_); ++c) StartNext();
    finished_.Wait();  // every callback is past its last use of this
    double seconds = Seconds(Clock::now() - start);
    UnaryFigures f;
    f.client_cpu_us = (OwnCpuSeconds() - client_before) / calls_ * 1e6;
    f.server_cpu_us =
        server > 0 ? (ProcessCpuSeconds(server) - server_before) / calls_ * 1e6
                   : std::nan("");
    absl::MutexLock lock(&mu_);
    if (failures_ > 0) {
      std::fprintf(stderr, "%d unary calls failed, the first: %s\n", failures_,
                   first_error_.c_str());
      std::exit(1);
    }
    std::sort(latencies_.begin(), latencies_.end());
    f.calls_per_second = calls_ / seconds;
    f.p50_ms = latencies_[latencies_.size() / 2];
    f.p99_ms = latencies_[latencies_.size() * 99 / 100];
    return f;
  }

 private:
  void StartNext() {
    int i;
    {
      absl::MutexLock lock(&mu_);
      if (started_ == calls_) return;
      i = started_++;
    }
    Clock::time_point start = Clock::now();
    issue_(i, [this, start](const grpc::Status& s) {
      double ms = Seconds(Clock::now() - start) * 1000;
      StartNext();
      {
        absl::MutexLock lock(&mu_);
        latencies_.push_back(ms);
        if (!s.ok() && failures_++ == 0) first_error_ = s.error_message();
      }
      finished_.DecrementCount();
    });
  }

  const int calls_;
  const Issue issue_;
  absl::BlockingCounter finished_;
  absl::Mutex mu_;
  int started_ ABSL_GUARDED_BY(mu_) = 0;
  int failures_ ABSL_GUARDED_BY(mu_) = 0;
  std::string first_error_ ABSL_GUARDED_BY(mu_);
  std::vector<double> latencies_ ABSL_GUARDED_BY(mu_);
};

// One outstanding unary call: what must outlive it until its callback.
template <typename Request, typename Response>
struct PendingCall {
  grpc::ClientContext context;
  Request request;
  Response response;
};

// `count` separate connections (one channel each) to `address`, connected
// before this returns; exits when one cannot connect within 10 seconds.
std::vector<std::shared_ptr<grpc::Channel>> Connections(
    const std::string& address, int count);

// `calls` unary calls of `Service` as a ClosedLoop of `concurrency`
// callers over `connections` connections, each with the authorization header:
// `make(i)` builds the request of call i (all of them before the clock
// starts: the figures are of the calls, not of the bench building them),
// `send(async_stub, args...)` passes the call's context, request, response
// and callback to the stub's method. `server`: as for ClosedLoop::Run.
template <typename Service, typename Request, typename Response, typename Make,
          typename Send>
UnaryFigures RunUnary(const std::string& address, const std::string& token,
                      int connections, int calls, int concurrency, Make make,
                      Send send, pid_t server = 0) {
  std::vector<std::unique_ptr<typename Service::Stub>> stubs;
  for (const auto& channel : Connections(address, connections)) {
    stubs.push_back(Service::NewStub(channel));
  }
  std::vector<Request> requests;
  requests.reserve(calls);
  for (int i = 0; i < calls; ++i) requests.push_back(make(i));
  const std::string authorization = zwfw::BearerValue(token);
  ClosedLoop loop(calls, [&](int i, auto done) {
    auto* call = new PendingCall<Request, Response>;
    call->context.AddMetadata(zwfw::kAuthorizationKey, authorization);
    call->request = std::move(requests[i]);
    send(stubs[i % stubs.size()]->async(), &call->context, &call->request,
         &call->response, [call, done = std::move(done)](grpc::Status s) {
           delete call;
           done(s);
         });
  });
  return loop.Run(concurrency, server);
}

}  // namespace zwfw::bench

#endif  // ZWFW_TOOLS_BENCH_UNARY_LOAD_H_
