#include "gateway/backends.h"

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/common/data_changes.h"
#include "services/common/status.h"

namespace zwfw::gateway {
namespace {

// A backend that answered a request this recently is busy, not slow.
constexpr absl::Duration kAnswering = absl::Milliseconds(250);

}  // namespace

Backends::Backends(std::map<std::string, Backend> backends,
                   absl::Duration deadline, int max_in_flight)
    : deadline_(deadline), max_in_flight_(max_in_flight) {
  for (auto& [name, b] : backends) {
    backends_[name] = Entry{b.address, b.channel,
                            std::make_unique<grpc::GenericStub>(b.channel),
                            std::make_unique<Bulkhead>()};
  }
}

absl::StatusOr<Backends::Permit> Backends::Admit(const std::string& backend) {
  auto it = backends_.find(backend);
  if (it == backends_.end()) {
    return absl::UnavailableError(
        absl::StrCat("no ", backend, " server configured"));
  }
  Bulkhead* bulkhead = it->second.bulkhead.get();
  if (bulkhead->waiting.fetch_add(1) >= max_in_flight_ && max_in_flight_ > 0 &&
      absl::GetCurrentTimeNanos() - bulkhead->last_answer_ns.load() >
          absl::ToInt64Nanoseconds(kAnswering)) {
    bulkhead->waiting.fetch_sub(1);
    return absl::UnavailableError(absl::StrCat(
        backend, " at ", it->second.address, " is slow: ", max_in_flight_,
        " requests wait for it and none was answered in ",
        absl::FormatDuration(kAnswering), "; retry shortly"));
  }
  return Permit(bulkhead);
}

Backends::Permit::~Permit() {
  if (bulkhead_ == nullptr) return;
  bulkhead_->last_answer_ns.store(absl::GetCurrentTimeNanos());
  bulkhead_->waiting.fetch_sub(1);
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Backends::Call(
    const Route& route, const google::protobuf::Message& request,
    const std::string& authorization, const std::string& traceparent,
    std::string* data_version) {
  auto it = backends_.find(route.backend);
  if (it == backends_.end()) {
    return absl::UnavailableError(
        absl::StrCat("no ", route.backend, " server configured"));
  }
  grpc::ClientContext context;
  if (!authorization.empty())
    context.AddMetadata("authorization", authorization);
  if (!traceparent.empty() && traceparent.size() <= 128) {
    context.AddMetadata("traceparent", traceparent);
  }
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(deadline_));
  std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::CompletionQueue cq;
  const std::string method = absl::StrCat(
      "/", route.method->service()->full_name(), "/", route.method->name());
  grpc::Status status;
  void* tag = nullptr;
  bool ok = false;
  if (route.method->client_streaming() || route.method->server_streaming()) {
    // A stream carrying one message each way: a batch and its ack.
    std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
        it->second.stub->PrepareCall(&context, method, &cq);
    auto step = [&](auto&& start) {
      start();
      return cq.Next(&tag, &ok) && ok;
    };
    bool sent = step([&] { call->StartCall(reinterpret_cast<void*>(1)); }) &&
                step([&] {
                  call->Write(request_buffer, reinterpret_cast<void*>(2));
                }) &&
                step([&] { call->WritesDone(reinterpret_cast<void*>(3)); });
    bool read = sent && step([&] {
                  call->Read(&response_buffer, reinterpret_cast<void*>(4));
                });
    step([&] { call->Finish(&status, reinterpret_cast<void*>(5)); });
    if (status.ok() && !read) {
      status = grpc::Status(grpc::StatusCode::INTERNAL,
                            "the stream ended without an answer");
    }
  } else {
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
        it->second.stub->PrepareUnaryCall(&context, method, request_buffer,
                                          &cq);
    call->StartCall();
    call->Finish(&response_buffer, &status, reinterpret_cast<void*>(1));
    cq.Next(&tag, &ok);
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (data_version != nullptr) {
    data_version->clear();
    const auto& trailers = context.GetServerTrailingMetadata();
    auto version = trailers.find(kDataVersionTrailer);
    if (version != trailers.end()) {
      data_version->assign(version->second.data(), version->second.size());
    }
  }
  if (!status.ok()) {
    absl::Status s = FromGrpcStatus(status);
    if (s.code() == absl::StatusCode::kUnavailable) {
      return absl::UnavailableError(
          absl::StrCat(route.backend, " at ", it->second.address,
                       " cannot be reached: ", s.message()));
    }
    return s;
  }
  std::vector<grpc::Slice> slices;
  (void)response_buffer.Dump(&slices);
  std::string response_bytes;
  for (const auto& s : slices) {
    response_bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  std::unique_ptr<google::protobuf::Message> response(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(route.method->output_type())
          ->New());
  if (!response->ParseFromString(response_bytes)) {
    return absl::InternalError(
        absl::StrCat("bad response from ", route.backend));
  }
  return response;
}

absl::Status Backends::CheckHealth() {
  for (const auto& [name, entry] : backends_) {
    auto stub = grpc::health::v1::Health::NewStub(entry.channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(2));
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status s = stub->Check(&context, {}, &response);
    if (!s.ok() ||
        response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      return absl::UnavailableError(
          absl::StrCat(name, " at ", entry.address, " is not ready",
                       s.ok() ? "" : absl::StrCat(": ", s.error_message())));
    }
  }
  return absl::OkStatus();
}

}  // namespace zwfw::gateway
