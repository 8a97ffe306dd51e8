// The gateway's HTTP server against exhaustion: a slow backend fills the
// worker queue, and what comes after is answered 503 with Retry-After at
// once instead of piling up.
#include "gateway/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

namespace zwfw::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// One GET on its own connection: the status and the Retry-After header.
std::pair<int, std::string> Get(int port, const std::string& target) {
  asio::io_context io;
  tcp::socket socket(io);
  tcp::resolver resolver(io);
  asio::connect(socket, resolver.resolve("127.0.0.1", std::to_string(port)));
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return {static_cast<int>(response.result_int()),
          std::string(response["Retry-After"])};
}

TEST(HttpServerTest, AFullWorkerQueueAnswers503WithRetryAfter) {
  absl::Notification release;
  std::atomic<int> started{0};
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 1;
  options.workers = 1;
  options.max_queued = 2;  // one running, one waiting
  auto server = HttpServer::Start(options, {.quick = nullptr,
                                            .handle =
                                                [&](const HttpRequest&) {
                                                  ++started;
                                                  release.WaitForNotification();
                                                  return HttpReply();
                                                },
                                            .admit_body = nullptr});
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();

  std::vector<std::pair<int, std::string>> slow(2);
  std::vector<std::thread> clients;
  for (int i = 0; i < 2; ++i) {
    clients.emplace_back([&, i] { slow[i] = Get(port, "/slow"); });
  }
  while (started.load() < 1) absl::SleepFor(absl::Milliseconds(5));
  absl::SleepFor(absl::Milliseconds(100));  // the second is queued
  // The third is refused at once, while the others wait.
  EXPECT_EQ(Get(port, "/third"), std::make_pair(503, std::string("1")));
  release.Notify();
  for (auto& c : clients) c.join();
  EXPECT_EQ(slow[0].first, 200);
  EXPECT_EQ(slow[1].first, 200);
  // Room again once they are answered.
  EXPECT_EQ(Get(port, "/after").first, 200);
  (*server)->Stop();
}

}  // namespace
}  // namespace zwfw::gateway
