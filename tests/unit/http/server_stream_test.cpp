// http_server's streamed answers (server-sent events use them): chunked, piece by piece.
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>

#include "http/server.hpp"
#include "support/http_client.hpp"

namespace server_stream_test {

namespace {

namespace net = boost::asio;

class counting_stream final : public agent::response_stream {
public:
    net::awaitable<std::optional<std::string>> next() override {
        if (sent_ == 3) {
            co_return std::nullopt;
        }
        net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(20));
        co_await pause.async_wait(net::use_awaitable);
        co_return "piece " + std::to_string(++sent_) + "\n";
    }

private:
    int sent_ = 0;
};

net::awaitable<agent::http_response> answer(const agent::http_request& request) {
    agent::http_response r;
    r.content_type = "text/event-stream";
    if (request.path() == "/stream") {
        r.stream = std::make_shared<counting_stream>();
    } else {
        r.body = "plain";
    }
    co_return r;
}

}  // namespace

TEST_CASE("a streamed answer is sent in chunks, each as it comes, then the connection ends",
          "[http]") {
    net::io_context io;
    agent::server_options options;
    options.address = "127.0.0.1";
    options.port = 0;
    agent::route_table routes;
    routes.add_owner(
        "every path", [](std::string_view) { return true; },
        [](const agent::http_request& r) { return answer(r); });
    agent::http_server server(io.get_executor(), options,
                              agent::router(std::move(routes), nullptr));
    const auto port = server.listen();
    net::co_spawn(io, server.run(), net::detached);
    std::thread loop([&io] { io.run(); });
    auto streamed = test::http_request(port, "GET", "/stream");
    auto plain = test::http_request(port, "GET", "/plain");
    server.stop();
    io.stop();
    loop.join();
    CHECK(streamed.status == 200);
    CHECK(streamed.body == "piece 1\npiece 2\npiece 3\n");
    bool chunked = false;
    bool closes = false;
    for (const auto& [name, value] : streamed.headers) {
        chunked = chunked || (name == "Transfer-Encoding" && value == "chunked");
        closes = closes || (name == "Connection" && value == "close");
    }
    CHECK(chunked);
    CHECK(closes);
    CHECK(plain.body == "plain");
}

}  // namespace server_stream_test
