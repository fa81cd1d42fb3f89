// The agent's only translation unit that includes Beast's HTTP server side.
#include "http/server.hpp"

#include <atomic>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/log.hpp"

namespace agent {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);
}

struct http_server::state {
    net::any_io_executor executor;
    server_options options;
    request_handler handler;
    tcp::acceptor acceptor;
    std::atomic<std::size_t> connections{0};

    state(net::any_io_executor ex, server_options opts, request_handler h)
        : executor(ex), options(std::move(opts)), handler(std::move(h)), acceptor(ex) {}
};

namespace {

http::response<http::string_body> to_beast(const http_response& r, unsigned version, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), version};
    res.set(http::field::server, "deploy-agent");
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) {
        res.set(k, v);
    }
    res.body() = r.body;
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

net::awaitable<void> write_response(beast::tcp_stream& stream, const http_response& r,
                                    unsigned version, bool keep_alive,
                                    std::chrono::milliseconds timeout) {
    auto res = to_beast(r, version, keep_alive);
    stream.expires_after(timeout);
    co_await http::async_write(stream, res, use_nothrow);
}

http_request from_beast(http::request<http::string_body>&& req, const std::string& peer) {
    http_request out;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    for (const auto& f : req.base()) {
        out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    out.body = std::move(req.body());
    out.peer = peer;
    return out;
}

struct connection_slot {
    std::shared_ptr<http_server::state> s;
    explicit connection_slot(std::shared_ptr<http_server::state> st) : s(std::move(st)) {}
    ~connection_slot() { s->connections.fetch_sub(1); }
    connection_slot(const connection_slot&) = delete;
    connection_slot& operator=(const connection_slot&) = delete;
};

net::awaitable<void> do_session(beast::tcp_stream stream, std::shared_ptr<http_server::state> s) {
    connection_slot slot(s);
    std::string peer;
    {
        beast::error_code ec;
        auto ep = stream.socket().remote_endpoint(ec);
        peer = ec ? "unknown" : ep.address().to_string();
    }
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(s->options.header_limit));
        parser.body_limit(s->options.body_limit);
        // The first request must arrive within the read timeout; later ones may idle a little longer.
        stream.expires_after(first ? s->options.read_timeout : s->options.idle_timeout);
        auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
        if (hec == http::error::end_of_stream || hec == beast::error::timeout ||
            hec == net::error::connection_reset || hec == net::error::eof) {
            break;
        }
        if (hec == http::error::header_limit) {
            spdlog::warn("{} refused: request headers exceed {} bytes", peer, s->options.header_limit);
            co_await write_response(stream, json_error(431, "request headers too large"), 11, false,
                                    s->options.write_timeout);
            break;
        }
        if (hec) {
            spdlog::warn("{} refused: malformed request: {}", peer, hec.message());
            co_await write_response(stream, json_error(400, "malformed HTTP request"), 11, false,
                                    s->options.write_timeout);
            break;
        }
        first = false;
        const unsigned version = parser.get().version();
        if (auto len = parser.content_length(); len && *len > s->options.body_limit) {
            spdlog::warn("{} {} {} refused: Content-Length {} exceeds the {} byte limit", peer,
                         std::string(parser.get().method_string()), std::string(parser.get().target()),
                         *len, s->options.body_limit);
            co_await write_response(stream, json_error(413, "payload too large"), version, false,
                                    s->options.write_timeout);
            break;
        }
        // The whole body must arrive within the read timeout: a slow client cannot hold the slot.
        stream.expires_after(s->options.read_timeout);
        auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_nothrow);
        if (bec == http::error::body_limit) {
            spdlog::warn("{} refused: body exceeds the {} byte limit", peer, s->options.body_limit);
            co_await write_response(stream, json_error(413, "payload too large"), version, false,
                                    s->options.write_timeout);
            break;
        }
        if (bec == beast::error::timeout) {
            spdlog::warn("{} dropped: request body not received within {} ms", peer,
                         s->options.read_timeout.count());
            break;
        }
        if (bec) {
            spdlog::debug("{} connection ended while reading the body: {}", peer, bec.message());
            break;
        }
        const bool keep_alive = parser.get().keep_alive();
        http_response response;
        try {
            response = co_await s->handler(from_beast(parser.release(), peer));
        } catch (const std::exception& e) {
            spdlog::error("{} handler failed: {}", peer, e.what());
            response = json_error(500, "internal error");
        }
        co_await write_response(stream, response, version, keep_alive, s->options.write_timeout);
        if (!keep_alive) {
            break;
        }
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> refuse_busy(beast::tcp_stream stream, std::chrono::milliseconds timeout) {
    co_await write_response(stream, json_error(503, "too many connections"), 11, false, timeout);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

http_server::http_server(net::any_io_executor executor, server_options options,
                         request_handler handler)
    : state_(std::make_shared<state>(std::move(executor), std::move(options), std::move(handler))) {}

http_server::~http_server() { stop(); }

unsigned short http_server::listen() {
    auto& a = state_->acceptor;
    tcp::endpoint endpoint{net::ip::make_address(state_->options.address), state_->options.port};
    a.open(endpoint.protocol());
    a.set_option(net::socket_base::reuse_address(true));
    beast::error_code ec;
    a.bind(endpoint, ec);
    if (ec) {
        throw std::system_error(ec, "cannot listen on " + state_->options.address + ":" +
                                        std::to_string(state_->options.port));
    }
    a.listen(net::socket_base::max_listen_connections);
    return a.local_endpoint().port();
}

net::awaitable<void> http_server::run() {
    auto s = state_;
    while (s->acceptor.is_open()) {
        auto [ec, socket] = co_await s->acceptor.async_accept(use_nothrow);
        if (ec == net::error::operation_aborted || !s->acceptor.is_open()) {
            break;
        }
        if (ec) {
            // EMFILE and friends: back off briefly rather than spin.
            spdlog::warn("accept failed: {}", ec.message());
            net::steady_timer t(s->executor, std::chrono::milliseconds(50));
            co_await t.async_wait(use_nothrow);
            continue;
        }
        beast::tcp_stream stream(std::move(socket));
        if (s->connections.load() >= s->options.max_connections) {
            spdlog::warn("connection refused: {} connections open (limit {})", s->connections.load(),
                         s->options.max_connections);
            net::co_spawn(s->executor, refuse_busy(std::move(stream), s->options.write_timeout),
                          net::detached);
            continue;
        }
        s->connections.fetch_add(1);
        net::co_spawn(s->executor, do_session(std::move(stream), s), net::detached);
    }
}

void http_server::stop() {
    beast::error_code ignored;
    state_->acceptor.close(ignored);
}

}  // namespace agent
