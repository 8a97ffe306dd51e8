#include "gateway/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace zwfw::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServerOptions& options,
          const HttpServer::Handler& handler, std::atomic<int>* in_flight)
      : stream_(std::move(socket)),
        options_(options),
        handler_(handler),
        in_flight_(in_flight) {}

  void Start() { Read(); }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    stream_.expires_after(absl::ToChronoSeconds(options_.timeout));
    http::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) {
      return Close();
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      HttpReply reply = ErrorReply(absl::ResourceExhaustedError(
          absl::StrCat("request larger than the limit (",
                       options_.max_body_bytes, " bytes of body)")));
      reply.status = 413;
      ++*in_flight_;
      return Write(reply, /*keep_alive=*/false, 11);
    }
    if (ec) return Close();
    ++*in_flight_;  // until its reply is written
    http::request<http::string_body> request = parser_->release();
    HttpRequest in;
    in.verb = std::string(request.method_string());
    in.target = std::string(request.target());
    in.authorization = std::string(request[http::field::authorization]);
    in.if_none_match = std::string(request[http::field::if_none_match]);
    in.traceparent = std::string(request["traceparent"]);
    beast::error_code peer_error;
    auto peer = stream_.socket().remote_endpoint(peer_error);
    if (!peer_error) in.client = peer.address().to_string();
    in.body = std::move(request.body());
    Write(handler_(in), request.keep_alive(), request.version());
  }

  void Write(const HttpReply& reply, bool keep_alive, unsigned version) {
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(reply.status), version);
    response->set(http::field::server, "zwfw-gateway");
    response->set(http::field::content_type, reply.content_type);
    for (const auto& [name, value] : reply.headers) {
      response->set(name, value);
    }
    response->keep_alive(keep_alive);
    response->body() = reply.body;
    response->prepare_payload();
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](
                          beast::error_code ec, std::size_t) {
                        --*self->in_flight_;
                        if (ec || !response->keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpServerOptions& options_;
  const HttpServer::Handler& handler_;
  std::atomic<int>* in_flight_;
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  Handler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      work;
  std::atomic<int> in_flight{0};

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec,
                                                        tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        std::make_shared<Session>(std::move(socket), options, handler,
                                  &in_flight)
            ->Start();
      }
      Accept();
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    HttpServerOptions options, Handler handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->handler = std::move(handler);
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
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec)
    impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen, ": ", ec.message()));
  }
  impl->Accept();
  impl->work.emplace(asio::make_work_guard(impl->io));
  Impl* raw = impl.get();
  for (int i = 0; i < std::max(1, raw->options.threads); ++i) {
    raw->threads.emplace_back([raw] { raw->io.run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::Stop() {
  if (impl_->threads.empty()) return;
  asio::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  // Requests being handled get up to the drain timeout to be answered;
  // idle keep-alive connections are simply closed with the loop.
  const absl::Time deadline = absl::Now() + impl_->options.drain_timeout;
  while (impl_->in_flight.load() > 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace zwfw::gateway
