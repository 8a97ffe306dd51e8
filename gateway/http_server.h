// An asynchronous HTTP/1.1 server on Boost.Beast: keep-alive, bounded
// request size and header size, a timeout on slow clients, and a drain on
// Stop(). Requests are handled by a function on the server's threads.
#ifndef ZWFW_GATEWAY_HTTP_SERVER_H_
#define ZWFW_GATEWAY_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/gateway.h"

namespace zwfw::gateway {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";
  int threads = 4;
  size_t max_body_bytes = 8 << 20;
  size_t max_header_bytes = 16 << 10;
  absl::Duration timeout = absl::Seconds(30);
  // How long Stop() waits for requests being handled.
  absl::Duration drain_timeout = absl::Seconds(10);
};

class HttpServer {
 public:
  using Handler = std::function<HttpReply(const HttpRequest&)>;
  // Binds and starts serving; UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      HttpServerOptions options, Handler handler);
  ~HttpServer();

  int port() const;
  // Stops accepting, waits (up to drain_timeout) for the requests being
  // handled to be answered, then stops and joins the threads.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zwfw::gateway

#endif  // ZWFW_GATEWAY_HTTP_SERVER_H_
