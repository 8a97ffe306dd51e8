// An asynchronous HTTP/1.1 server on Boost.Beast: keep-alive, bounded
// request size and header size, a timeout on slow clients, and a drain on
// Stop().
//
// Each I/O thread runs its own event loop over the connections it was
// given (no locks shared between them). A request is first offered to the
// `quick` handler on the I/O thread, which answers what it can without
// blocking (a cached answer, a static file); anything else goes to `handle`
// on a pool of worker threads, so a slow backend never stalls other
// connections.
#ifndef ZWFW_GATEWAY_HTTP_SERVER_H_
#define ZWFW_GATEWAY_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/gateway.h"

namespace zwfw::gateway {

// Sent on every page (text/html: the dashboard, an HTML bulletin): scripts,
// styles, images and requests only from the gateway itself, no plug-ins, no
// framing, no <base> rewriting.
inline constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";
  int threads = 2;   // I/O threads
  int workers = 16;  // threads for requests that may block
  size_t max_body_bytes = 8 << 20;
  size_t max_header_bytes = 16 << 10;
  absl::Duration timeout = absl::Seconds(30);
  // How long Stop() waits for requests being handled.
  absl::Duration drain_timeout = absl::Seconds(10);
  // Requests waiting for or running on a worker; one more is answered 503
  // with Retry-After at once, so a slow backend cannot pile up memory.
  int max_queued = 1024;
  // Open connections; one more is closed as soon as it is accepted.
  int max_connections = 10000;
  // A body larger than this is read only after Handlers::admit_body let
  // its headers through (the caller's token, checked first).
  size_t unauthenticated_body_bytes = 4096;
  // PEM certificate chain and private key: serve HTTPS (TLS 1.2+) with
  // Strict-Transport-Security; both empty: plaintext.
  std::string tls_cert;
  std::string tls_key;
};

// Thread-safe: the handlers are called from the I/O threads (`quick`) and
// the worker threads (`handle`) at once, so they must be thread-safe
// themselves; Stop() may be called from any thread, once.
class HttpServer {
 public:
  struct Handlers {
    // Answers without blocking, or nullopt when the request needs `handle`.
    // May be empty.
    std::function<std::optional<HttpReply>(const HttpRequest&)> quick;
    // Answers anything; may block (runs on a worker thread).
    std::function<HttpReply(const HttpRequest&)> handle;
    // Before a body over unauthenticated_body_bytes is read, on the I/O
    // thread and without blocking: a reply refuses it unread (the request
    // has its verb, target, authorization and client only). May be empty.
    std::function<std::optional<HttpReply>(const HttpRequest&)> admit_body;
  };
  // Binds and starts serving; UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      HttpServerOptions options, Handlers handlers);
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
