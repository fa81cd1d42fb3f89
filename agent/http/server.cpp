// The agent's only translation unit that includes Beast's HTTP server side.
#include "http/server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/log.hpp"
#include "metrics/agent_metrics.hpp"

namespace agent {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {
constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);
// Refused connections are drained for at most this long so the client reads the answer
// instead of a reset; at most this many drain at once, beyond that they are closed at once.
constexpr std::chrono::milliseconds linger_time{1000};
constexpr std::size_t max_lingering = 64;
}  // namespace

struct http_server::state {
    net::any_io_executor executor;
    server_options options;
    request_handler handler;
    tcp::acceptor acceptor;
    std::atomic<std::size_t> connections{0};
    std::atomic<std::size_t> lingering{0};

    state(net::any_io_executor ex, server_options opts, request_handler h)
        : executor(ex), options(std::move(opts)), handler(std::move(h)), acceptor(ex) {}

    void count_refusal(std::string_view reason) {
        if (options.metrics != nullptr) {
            options.metrics->refused_connections.increment({std::string(reason)});
        }
    }
    void count_request(std::string_view path, unsigned status, clock_type::time_point start) {
        if (options.metrics == nullptr) {
            return;
        }
        const std::string label(metrics::metric_path(path));
        options.metrics->http_requests.increment({label, std::to_string(status)});
        options.metrics->request_duration.observe(
            {label}, std::chrono::duration<double>(clock_type::now() - start).count());
    }
};

namespace {

using session_state = std::shared_ptr<http_server::state>;

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

// A streamed body (server-sent events): chunked, each piece within `timeout`, then close.
net::awaitable<bool> write_streamed(beast::tcp_stream& stream, const http_response& r,
                                    unsigned version, std::chrono::milliseconds timeout) {
    http::response<http::empty_body> res{static_cast<http::status>(r.status), version};
    res.set(http::field::server, "deploy-agent");
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) {
        res.set(k, v);
    }
    res.keep_alive(false);
    // HTTP/1.0 has no chunked encoding: there the body simply ends with the connection.
    const bool chunked = version >= 11;
    res.chunked(chunked);
    http::response_serializer<http::empty_body> header{res};
    stream.expires_after(timeout);
    auto [hec, hn] = co_await http::async_write_header(stream, header, use_nothrow);
    if (hec) {
        co_return false;
    }
    for (;;) {
        // No deadline while the stream thinks: only its writes are timed.
        stream.expires_never();
        std::optional<std::string> piece = co_await r.stream->next();
        stream.expires_after(timeout);
        if (!piece) {
            if (!chunked) {
                co_return true;
            }
            auto [lec, ln] = co_await net::async_write(stream, http::make_chunk_last(), use_nothrow);
            co_return !lec;
        }
        if (chunked) {
            auto [cec, cn] = co_await net::async_write(
                stream, http::make_chunk(net::buffer(*piece)), use_nothrow);
            if (cec) {
                co_return false;
            }
        } else {
            auto [wec, wn] = co_await net::async_write(stream, net::buffer(*piece), use_nothrow);
            if (wec) {
                co_return false;
            }
        }
    }
}

net::awaitable<bool> write_response(beast::tcp_stream& stream, const http_response& r,
                                    unsigned version, bool keep_alive,
                                    std::chrono::milliseconds timeout) {
    if (r.stream) {
        co_await write_streamed(stream, r, version, timeout);
        co_return false;  // a stream is the connection's last answer: end it
    }
    auto res = to_beast(r, version, keep_alive);
    stream.expires_after(timeout);
    auto [ec, n] = co_await http::async_write(stream, res, use_nothrow);
    co_return !ec;
}

// Half-closes, then reads and discards what the client still sends (an unread body, a request
// sent after a refusal) for a bounded time: closing with unread bytes would send a reset that
// can destroy the answer before the client reads it.
net::awaitable<void> linger_close(beast::tcp_stream& stream, http_server::state& s) {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (s.lingering.fetch_add(1) < max_lingering) {
        stream.expires_after(linger_time);
        static thread_local char sink[16 * 1024];
        for (;;) {
            auto [ec, n] = co_await stream.async_read_some(net::buffer(sink), use_nothrow);
            if (ec) {
                break;
            }
        }
    }
    s.lingering.fetch_sub(1);
    stream.socket().close(ignored);
}

// Waits for the first byte of a request (`wait`), then gives the whole header `header_timeout`:
// a client trickling its header cannot hold the connection for longer.
net::awaitable<beast::error_code> read_request_header(beast::tcp_stream& stream,
                                                      beast::flat_buffer& buffer,
                                                      http::request_parser<http::string_body>& parser,
                                                      std::chrono::milliseconds wait,
                                                      const server_options& o) {
    if (buffer.size() == 0) {
        stream.expires_after(wait);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(16 * 1024), use_nothrow);
        if (ec) {
            co_return ec == net::error::eof ? beast::error_code(http::error::end_of_stream) : ec;
        }
        buffer.commit(n);
    }
    stream.expires_after(o.header_timeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
    co_return ec;
}

enum class body_outcome { complete, too_large, too_slow, timed_out, failed };

// Reads the body with a deadline on every read: by then the client must have sent
// min_body_rate bytes for each second after the grace period, and the whole body must be in
// within read_timeout. A client sending one byte a second is dropped after about the grace.
net::awaitable<body_outcome> read_request_body(beast::tcp_stream& stream,
                                               beast::flat_buffer& buffer,
                                               http::request_parser<http::string_body>& parser,
                                               const server_options& o) {
    const auto start = clock_type::now();
    const auto hard_deadline = start + o.read_timeout;
    const std::size_t rate = std::max<std::size_t>(o.min_body_rate, 1);
    std::uint64_t received = 0;
    while (!parser.is_done()) {
        const auto rate_deadline =
            start + o.body_rate_grace +
            std::chrono::milliseconds(static_cast<std::int64_t>(received * 1000 / rate));
        const bool rate_bound = rate_deadline < hard_deadline;
        stream.expires_at(rate_bound ? rate_deadline : hard_deadline);
        auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_nothrow);
        received += n;
        if (ec == http::error::body_limit) {
            co_return body_outcome::too_large;
        }
        if (ec == beast::error::timeout) {
            co_return rate_bound ? body_outcome::too_slow : body_outcome::timed_out;
        }
        if (ec) {
            co_return body_outcome::failed;
        }
    }
    co_return body_outcome::complete;
}

http_request from_beast(http::request<http::string_body>&& req, const std::string& peer,
                        std::string client) {
    http_request out;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    out.headers.reserve(16);
    for (const auto& f : req.base()) {
        out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    out.body = std::move(req.body());
    out.peer = peer;
    out.client = std::move(client);
    return out;
}

std::string header_value(const http::request<http::string_body>& req, std::string_view name,
                         bool& present) {
    auto it = req.find(name);
    present = it != req.end();
    return present ? std::string(it->value()) : std::string();
}

std::string client_of(const http::request<http::string_body>& req, const std::string& peer,
                      const cidr_list& trusted) {
    if (trusted.empty()) {
        return peer;
    }
    bool has_cf = false;
    bool has_xff = false;
    const std::string cf = header_value(req, "CF-Connecting-IP", has_cf);
    const std::string xff = header_value(req, "X-Forwarded-For", has_xff);
    return resolve_client_address(peer, trusted, has_cf ? &cf : nullptr, has_xff ? &xff : nullptr);
}

struct connection_slot {
    session_state s;
    explicit connection_slot(session_state st) : s(std::move(st)) {
        if (s->options.metrics != nullptr) {
            s->options.metrics->open_connections.add(1);
        }
    }
    ~connection_slot() {
        s->connections.fetch_sub(1);
        if (s->options.metrics != nullptr) {
            s->options.metrics->open_connections.add(-1);
        }
    }
    connection_slot(const connection_slot&) = delete;
    connection_slot& operator=(const connection_slot&) = delete;
};

// Answers a request the server itself refuses, then closes the connection.
net::awaitable<void> refuse(beast::tcp_stream& stream, http_server::state& s,
                            std::string_view path, clock_type::time_point start,
                            const http_response& response, unsigned version) {
    s.count_request(path, response.status, start);
    co_await write_response(stream, response, version, false, s.options.write_timeout);
    co_await linger_close(stream, s);
}

net::awaitable<void> do_session(beast::tcp_stream stream, session_state s) {
    connection_slot slot(s);
    const server_options& o = s->options;
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
        parser.header_limit(static_cast<std::uint32_t>(o.header_limit));
        parser.body_limit(o.body_limit);
        const auto hec = co_await read_request_header(stream, buffer, parser,
                                                      first ? o.read_timeout : o.idle_timeout, o);
        const auto start = clock_type::now();
        if (hec == http::error::end_of_stream || hec == net::error::connection_reset ||
            hec == net::error::eof) {
            break;
        }
        if (hec == beast::error::timeout) {
            if (buffer.size() > 0) {
                spdlog::warn("{} dropped: request header not complete within {} ms", peer,
                             o.header_timeout.count());
                s->count_refusal("header_timeout");
            }
            break;
        }
        if (hec == http::error::header_limit) {
            spdlog::warn("{} refused: request headers exceed {} bytes", peer, o.header_limit);
            co_await refuse(stream, *s, "", start, json_error(431, "request headers too large"), 11);
            co_return;
        }
        if (hec == http::error::body_limit) {
            // Beast checks Content-Length against the limit as soon as the header is parsed.
            const auto& req = parser.get();
            const std::string target(req.target());
            const std::string_view path = std::string_view(target).substr(0, target.find('?'));
            spdlog::warn("{} {} {} 413 refused: Content-Length {} exceeds the {} byte limit",
                         client_of(req, peer, o.trusted_proxies), std::string(req.method_string()),
                         path, std::string(req[http::field::content_length]), o.body_limit);
            co_await refuse(stream, *s, path, start, json_error(413, "payload too large"),
                            req.version());
            co_return;
        }
        if (hec) {
            spdlog::warn("{} refused: malformed request: {}", peer, hec.message());
            co_await refuse(stream, *s, "", start, json_error(400, "malformed HTTP request"), 11);
            co_return;
        }
        first = false;
        auto& req = parser.get();
        const unsigned version = req.version();
        const std::string target(req.target());
        const std::string_view path = std::string_view(target).substr(0, target.find('?'));
        std::string client = client_of(req, peer, o.trusted_proxies);
        if (const auto* rule = find_access_rule(o.access_rules, path);
            rule != nullptr && !rule->allowed.contains(client)) {
            spdlog::warn("{} {} {} 403 refused: source {} is not in {} ({}){}", client,
                         std::string(req.method_string()), path, client, rule->name,
                         rule->allowed.describe(), client == peer ? "" : " [via " + peer + "]");
            s->count_refusal("source_not_allowed");
            co_await refuse(stream, *s, path, start, json_error(403, "source address not allowed"),
                            version);
            co_return;
        }
        if (auto len = parser.content_length(); len && *len > o.body_limit) {
            spdlog::warn("{} {} {} 413 refused: Content-Length {} exceeds the {} byte limit", client,
                         std::string(req.method_string()), path, *len, o.body_limit);
            co_await refuse(stream, *s, path, start, json_error(413, "payload too large"), version);
            co_return;
        }
        if (!parser.is_done() && beast::iequals(req[http::field::expect], "100-continue")) {
            // curl waits a second for this before sending a large body; without it the body
            // rate clock would run while the client politely waits.
            http::response<http::empty_body> cont{http::status::continue_, version};
            stream.expires_after(o.write_timeout);
            auto [cec, cn] = co_await http::async_write(stream, cont, use_nothrow);
            if (cec) {
                break;
            }
        }
        const body_outcome body = co_await read_request_body(stream, buffer, parser, o);
        if (body == body_outcome::too_large) {
            spdlog::warn("{} {} 413 refused: body exceeds the {} byte limit", client, path,
                         o.body_limit);
            co_await refuse(stream, *s, path, start, json_error(413, "payload too large"), version);
            co_return;
        }
        if (body == body_outcome::too_slow || body == body_outcome::timed_out) {
            spdlog::warn("{} {} dropped: request body {} ({} of {} bytes in)", client, path,
                         body == body_outcome::too_slow
                             ? fmt::format("slower than {} bytes/s", o.min_body_rate)
                             : fmt::format("not received within {} ms", o.read_timeout.count()),
                         req.body().size(), parser.content_length().value_or(0));
            s->count_refusal("slow_client");
            break;
        }
        if (body == body_outcome::failed) {
            spdlog::debug("{} connection ended while reading the body", client);
            break;
        }
        const bool keep_alive = req.keep_alive();
        http_response response;
        const std::string path_text(path);
        try {
            response = co_await s->handler(from_beast(parser.release(), peer, std::move(client)));
        } catch (const std::exception& e) {
            spdlog::error("{} handler failed: {}", peer, e.what());
            response = json_error(500, "internal error");
        }
        const bool written =
            co_await write_response(stream, response, version, keep_alive, o.write_timeout);
        s->count_request(path_text, response.status, start);
        if (!keep_alive || !written) {
            break;
        }
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> refuse_busy(beast::tcp_stream stream, session_state s) {
    co_await write_response(stream, json_error(503, "too many connections"), 11, false,
                            s->options.write_timeout);
    co_await linger_close(stream, *s);
}

// Each connection holds one descriptor; a low soft limit (1024 is common) would make accept
// fail with EMFILE long before max_connections.
void raise_open_file_limit(std::size_t max_connections) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return;
    }
    const rlim_t wanted = static_cast<rlim_t>(max_connections + max_lingering + 128);
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        const rlim_t before = limit.rlim_cur;
        limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
        if (setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < wanted) {
            spdlog::warn("open-file limit is {} (hard limit, raised from {}): fewer than the {} "
                         "MAX_CONNECTIONS need; raise it (ulimit -n / --ulimit nofile=)",
                         limit.rlim_cur, before, max_connections);
        }
    }
}

}  // namespace

http_server::http_server(net::any_io_executor executor, server_options options,
                         request_handler handler)
    : state_(std::make_shared<state>(std::move(executor), std::move(options), std::move(handler))) {}

http_server::~http_server() { stop(); }

unsigned short http_server::listen() {
    raise_open_file_limit(state_->options.max_connections);
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
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        beast::tcp_stream stream(std::move(socket));
        if (s->connections.load() >= s->options.max_connections) {
            spdlog::warn("connection refused: {} connections open (MAX_CONNECTIONS {})",
                         s->connections.load(), s->options.max_connections);
            s->count_refusal("max_connections");
            net::co_spawn(s->executor, refuse_busy(std::move(stream), s), net::detached);
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
