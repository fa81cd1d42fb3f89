// The fake engine: Beast in this one translation unit of the test support.
#include "support/fake_engine.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <list>
#include <mutex>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "support/engine.hpp"

namespace test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using unix_socket = net::local::stream_protocol::socket;
constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);

std::string http_response(unsigned status, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
    bool has_type = false;
    for (const auto& [k, v] : headers) {
        out += k + ": " + v + "\r\n";
        has_type = has_type || beast::iequals(k, "content-type");
    }
    if (!has_type) {
        out += "Content-Type: application/json\r\n";
    }
    out +=
        "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    return out;
}

std::string chunked_head_and(const std::vector<std::string>& chunks) {
    std::string out =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const auto& c : chunks) {
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", c.size());
        out += size + c + "\r\n";
    }
    return out;
}

std::vector<fake_rule> negotiation_rules(const std::string& api_version, const std::string& min) {
    return {
        {"GET", "/_ping",
         http_response(200, "OK", {{"Api-Version", api_version}, {"Content-Type", "text/plain"}})},
        {"GET", "/version",
         http_response(200, R"({"Version":"fake","ApiVersion":")" + api_version +
                                R"(","MinAPIVersion":")" + min + R"(","Os":"linux"})")},
    };
}

struct fake_engine::impl {
    std::vector<fake_rule> rules;
    std::string path;
    net::io_context io;
    net::local::stream_protocol::acceptor acceptor{io};
    std::thread thread;
    mutable std::mutex mutex;
    std::vector<std::string> seen;
    std::list<unix_socket> hung;  // connections told to hang: kept open until the end

    const fake_rule* find(const std::string& method, const std::string& target) const {
        for (const auto& r : rules) {
            if ((r.method.empty() || r.method == method) &&
                target.find(r.target_contains) != std::string::npos) {
                return &r;
            }
        }
        return nullptr;
    }
};

namespace {

net::awaitable<void> serve_connection(fake_engine::impl* self, unix_socket socket) {
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    parser.body_limit(64u * 1024u * 1024u);
    auto [ec, n] = co_await http::async_read(socket, buffer, parser, use_nothrow);
    if (ec) {
        co_return;
    }
    auto& req = parser.get();
    std::string method(req.method_string());
    std::string target(req.target());
    {
        std::lock_guard lock(self->mutex);
        self->seen.push_back(method + " " + target + "\n\n" + req.body());
    }
    const fake_rule* rule = self->find(method, target);
    std::string out = rule != nullptr ? rule->raw_response
                                      : http_response(404, R"({"message":"fake engine: no rule"})");
    auto [wec, wn] = co_await net::async_write(socket, net::buffer(out), use_nothrow);
    if (rule != nullptr && rule->after == fake_rule::then::hang && !wec) {
        self->hung.push_back(std::move(socket));
        co_return;
    }
    beast::error_code ignored;
    socket.shutdown(net::socket_base::shutdown_both, ignored);
    socket.close(ignored);
}

net::awaitable<void> accept_loop(fake_engine::impl* self) {
    for (;;) {
        auto [ec, socket] = co_await self->acceptor.async_accept(use_nothrow);
        if (ec) {
            co_return;
        }
        net::co_spawn(self->io, serve_connection(self, std::move(socket)), net::detached);
    }
}

}  // namespace

fake_engine::fake_engine(std::vector<fake_rule> rules) : impl_(std::make_unique<impl>()) {
    impl_->rules = std::move(rules);
    impl_->path =
        (std::filesystem::temp_directory_path() / (unique_name("da-fake") + ".sock")).string();
    ::unlink(impl_->path.c_str());
    net::local::stream_protocol::endpoint ep(impl_->path);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    net::co_spawn(impl_->io, accept_loop(impl_.get()), net::detached);
    impl_->thread = std::thread([io = &impl_->io] { io->run(); });
}

fake_engine::~fake_engine() {
    impl_->io.stop();
    impl_->thread.join();
    ::unlink(impl_->path.c_str());
}

std::string fake_engine::host() const {
    return "unix://" + impl_->path;
}

std::vector<std::string> fake_engine::requests() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->seen;
}

}  // namespace test
