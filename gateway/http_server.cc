#include "gateway/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <type_traits>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/http_message.h"

namespace zwfw::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// What every connection shares: the options, the handlers, the workers and
// the counters the limits are kept with.
struct Shared {
  const HttpServerOptions& options;
  const HttpServer::Handlers& handlers;
  asio::thread_pool* workers;
  std::atomic<int>* in_flight;
  std::atomic<int>* queued;
  std::atomic<int>* connections;
};

// One connection, over plain TCP or TLS (Stream).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  template <class... TlsContext>
  Session(tcp::socket socket, const Shared& shared, TlsContext&... tls)
      : stream_(std::move(socket), tls...),
        options_(shared.options),
        handlers_(shared.handlers),
        workers_(shared.workers),
        in_flight_(shared.in_flight),
        queued_(shared.queued),
        connections_(shared.connections) {
    ++*connections_;
  }
  ~Session() { --*connections_; }

  auto executor() { return stream_.get_executor(); }

  void Start() {
    beast::error_code ec;
    auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) peer_ = peer.address().to_string();
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(
          absl::ToChronoSeconds(options_.timeout));
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return self->Close();  // not TLS, or a bad handshake
            self->Read();
          });
    } else {
      Read();
    }
  }

 private:
  Session(const Session&) = delete;
  void Read() {
    parser_.emplace();
    LimitParser(options_, &*parser_);
    beast::get_lowest_layer(stream_).expires_after(
        absl::ToChronoSeconds(options_.timeout));
    // The header first: a large body is read only once the caller may send
    // it (Handlers::admit_body).
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(
                                &Session::OnHeader, this->shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t bytes) {
    if (ec) return OnRead(ec, bytes);
    const auto& header = parser_->get();
    const boost::optional<uint64_t> length = parser_->content_length();
    if (handlers_.admit_body && length.has_value() &&
        *length > options_.unauthenticated_body_bytes) {
      if (std::optional<HttpReply> refused =
              handlers_.admit_body(FromHeader(header, peer_))) {
        ++*in_flight_;
        return Write(*std::move(refused), /*keep_alive=*/false,
                     header.version());
      }
    }
    if (parser_->is_done()) return OnRead(ec, bytes);
    http::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) {
      return Close();
    }
    if (std::optional<HttpReply> too_large = ReplyToReadError(ec, options_)) {
      ++*in_flight_;
      return Write(*std::move(too_large), /*keep_alive=*/false, 11);
    }
    if (ec) return Close();
    ++*in_flight_;  // until its reply is written
    http::request<http::string_body> request = parser_->release();
    HttpRequest in = FromHeader(request, peer_);
    in.body = std::move(request.body());
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    if (handlers_.quick) {
      if (std::optional<HttpReply> reply = handlers_.quick(in)) {
        return Write(*std::move(reply), keep_alive, version);
      }
    }
    // May block: answered on a worker, written back on this connection's
    // own thread — unless the workers have enough waiting already.
    if (queued_->fetch_add(1) >= options_.max_queued) {
      --*queued_;
      HttpReply busy = ErrorReply(absl::UnavailableError(
          "the gateway is busy: too many requests waiting; retry shortly"));
      busy.status = 503;
      busy.headers.emplace_back("Retry-After", "1");
      return Write(std::move(busy), keep_alive, version);
    }
    asio::post(*workers_, [self = this->shared_from_this(), in = std::move(in),
                           keep_alive, version]() mutable {
      auto reply = std::make_shared<HttpReply>(self->handlers_.handle(in));
      --*self->queued_;
      asio::post(self->stream_.get_executor(),
                 [self, reply, keep_alive, version] {
                   self->Write(std::move(*reply), keep_alive, version);
                 });
    });
  }

  void Write(HttpReply reply, bool keep_alive, unsigned version) {
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(reply.status), version);
    response->set(http::field::server, "zwfw-gateway");
    response->set(http::field::content_type, reply.content_type);
    // No answer is sniffed into another type; a page (the dashboard, an
    // HTML bulletin) loads only the gateway's own scripts and styles and
    // cannot be framed. (Only pages get the page headers: on every JSON
    // answer they cost ~10% of the cached path's throughput for nothing.)
    response->set("X-Content-Type-Options", "nosniff");
    if (absl::StartsWith(reply.content_type, "text/html")) {
      response->set("Content-Security-Policy", kContentSecurityPolicy);
      response->set("Referrer-Policy", "no-referrer");
      response->set("X-Frame-Options", "DENY");
    }
    if constexpr (kTls) {
      // Browsers that reached it over HTTPS never fall back to plaintext.
      response->set("Strict-Transport-Security", "max-age=31536000");
    }
    for (const auto& [name, value] : reply.headers) {
      response->set(name, value);
    }
    response->keep_alive(keep_alive);
    response->body() = std::move(reply.body);
    response->prepare_payload();
    http::async_write(stream_, *response,
                      [self = this->shared_from_this(), response](
                          beast::error_code ec, std::size_t) {
                        --*self->in_flight_;
                        if (ec || !response->keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    if constexpr (kTls) {
      // close_notify, then the socket (its timeout bounds a silent peer).
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) {
            beast::error_code ignored;
            beast::get_lowest_layer(self->stream_)
                .socket()
                .shutdown(tcp::socket::shutdown_both, ignored);
          });
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServerOptions& options_;
  const HttpServer::Handlers& handlers_;
  asio::thread_pool* workers_;
  std::atomic<int>* in_flight_;
  std::atomic<int>* queued_;
  std::atomic<int>* connections_;
  std::string peer_;  // the client's address
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  Handlers handlers;
  // One event loop per I/O thread; the acceptor runs on the first and
  // hands connections out in turn.
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::thread_pool> workers;
  std::unique_ptr<asio::ssl::context> tls;  // null: plaintext
  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::atomic<int> in_flight{0};
  std::atomic<int> queued{0};
  std::atomic<int> connections{0};
  size_t next_loop = 0;

  void Accept() {
    asio::io_context& loop = *loops[next_loop];
    next_loop = (next_loop + 1) % loops.size();
    acceptor->async_accept(
        loop, [this](beast::error_code ec, tcp::socket socket) {
          if (ec == asio::error::operation_aborted) return;
          if (!ec && connections.load() >= options.max_connections) {
            socket.close(ec);  // over the cap: refused at once
          } else if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);
            const Shared shared{options,    handlers, workers.get(),
                                &in_flight, &queued,  &connections};
            // Started on the thread of the loop that owns the connection.
            if (tls != nullptr) {
              auto session = std::make_shared<Session<TlsStream>>(
                  std::move(socket), shared, *tls);
              asio::post(session->executor(), [session] { session->Start(); });
            } else {
              auto session = std::make_shared<Session<PlainStream>>(
                  std::move(socket), shared);
              asio::post(session->executor(), [session] { session->Start(); });
            }
          }
          Accept();
        });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    HttpServerOptions options, Handlers handlers) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->handlers = std::move(handlers);
  const std::string& listen = impl->options.listen;
  size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen=", listen, ": expected HOST:PORT"));
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(listen.substr(0, colon), ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen=", listen, ": ", ec.message()));
  }
  if (!impl->options.tls_cert.empty() || !impl->options.tls_key.empty()) {
    // TLS 1.2 and later only, the certificate chain and key in PEM.
    impl->tls =
        std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    impl->tls->set_options(
        asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
        asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    impl->tls->use_certificate_chain_file(impl->options.tls_cert, ec);
    if (ec) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--tls_cert=", impl->options.tls_cert, ": ", ec.message()));
    }
    impl->tls->use_private_key_file(impl->options.tls_key,
                                    asio::ssl::context::pem, ec);
    if (ec) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--tls_key=", impl->options.tls_key, ": ", ec.message()));
    }
  }
  const int threads = std::max(1, impl->options.threads);
  for (int i = 0; i < threads; ++i) {
    // Concurrency hint 1: each loop is run by one thread, without locks.
    impl->loops.push_back(std::make_unique<asio::io_context>(1));
  }
  impl->acceptor = std::make_unique<tcp::acceptor>(*impl->loops[0]);
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec)
    impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec)
    impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen, ": ", ec.message()));
  }
  impl->workers = std::make_unique<asio::thread_pool>(
      static_cast<size_t>(std::max(1, impl->options.workers)));
  impl->Accept();
  Impl* raw = impl.get();
  for (auto& loop : raw->loops) {
    raw->work.push_back(asio::make_work_guard(*loop));
    raw->threads.emplace_back([loop = loop.get()] { loop->run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const {
  return impl_->acceptor->local_endpoint().port();
}

void HttpServer::Stop() {
  if (impl_->threads.empty()) return;
  asio::post(*impl_->loops[0], [this] {
    beast::error_code ec;
    impl_->acceptor->close(ec);
  });
  // Requests being handled get up to the drain timeout to be answered;
  // idle keep-alive connections are simply closed with the loops.
  const absl::Time deadline = absl::Now() + impl_->options.drain_timeout;
  while (impl_->in_flight.load() > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  impl_->work.clear();
  for (auto& loop : impl_->loops) loop->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->workers->stop();
  impl_->workers->join();
}

}  // namespace zwfw::gateway
