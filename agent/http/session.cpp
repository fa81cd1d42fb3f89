// One connection's life: read a request head, find its route, check it, read its body, hand it
// to the router, answer; refuse what the limits of server_options and of the route refuse. The
// socket side is in session_io.cpp.
#include "common/log.hpp"
#include "http/request_checks.hpp"
#include "http/session_io.hpp"
#include "metrics/agent_metrics.hpp"

namespace agent {

using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;
using session_state = std::shared_ptr<http_server::state>;

namespace {

// The connection's place in the registry and in the open-connections gauge, for its lifetime.
struct connection_slot {
    session_state s;
    connection_registry::handle handle;
    connection_slot(session_state st, connection_registry::handle h, beast::tcp_stream& stream)
        : s(std::move(st)), handle(h) {
        handle->evict = [&stream] { stream.close(); };
        if (s->options.metrics != nullptr) {
            s->options.metrics->open_connections.add(1);
        }
    }
    ~connection_slot() {
        s->connections.remove(handle);
        if (s->options.metrics != nullptr) {
            s->options.metrics->open_connections.add(-1);
        }
    }
    connection_slot(const connection_slot&) = delete;
    connection_slot& operator=(const connection_slot&) = delete;
    void busy(bool value) { handle->busy = value; }
};

// Answers a request the server itself refuses, then closes the connection.
net::awaitable<void> refuse(beast::tcp_stream& stream, http_server::state& s, std::string_view path,
                            clock_type::time_point start, const http_response& response,
                            answer_form form) {
    s.count_request(path, response.status, start);
    form.keep_alive = false;
    co_await write_response(stream, response, form, write_limits_of(s.options));
    co_await linger_close(stream, s);
}

// What the session knows of the request it is serving, for answers and log lines.
struct request_context {
    std::string peer;
    std::string client;
    std::string method;  // escaped and truncated, for the log
    std::string path;    // as sent, for metrics; loggable(path) for the log
    clock_type::time_point start;
    answer_form form;
};

request_context context_of(const request_reader& reader, const std::string& peer,
                           const server_options& o) {
    request_context c;
    c.peer = peer;
    c.client = client_of(reader, peer, o.trusted_proxies);
    c.method = loggable(reader.method(), 16);
    c.path = std::string(reader.path());
    c.start = clock_type::now();
    c.form = answer_form{reader.version(), reader.keep_alive(), reader.method() == "HEAD"};
    return c;
}

// Logs (within the client-line budget) and answers a refused request, then closes.
net::awaitable<void> refuse_request(beast::tcp_stream& stream, http_server::state& s,
                                    const request_context& c, const head_refusal& r) {
    if (s.may_log(c.client, r.code)) {
        spdlog::warn("{} {} {} {} refused: {}", c.client, c.method, loggable(c.path), r.status,
                     r.detail);
    }
    if (r.status == 403 || r.status == 503) {
        s.count_refusal(r.code);
    }
    const http_response answer = json_error(r.status, r.reason);
    co_await refuse(stream, s, c.path, c.start, answer, c.form);
}

// A body that did not arrive whole: answered when the client can still read an answer.
net::awaitable<void> on_body_failure(beast::tcp_stream& stream, http_server::state& s,
                                     const request_context& c, const request_reader& reader,
                                     const body_reservation& reservation, body_outcome body) {
    const auto& o = s.options;
    if (body == body_outcome::failed) {
        const auto& f = reader.failure();
        const head_refusal refusal{f.status, f.reason, std::to_string(f.status), f.detail};
        co_await refuse_request(stream, s, c, refusal);
    } else if (body == body_outcome::over_budget) {
        const head_refusal refusal{
            503, "too many request bodies in flight", "inflight_body_budget",
            fmt::format("request bodies in flight would exceed MAX_INFLIGHT_BODY_BYTES ({}), "
                        "and no other address holds more than this one ({} bytes{})",
                        o.max_inflight_body_bytes, s.bodies.held_by(c.client),
                        reservation.taken() ? "; its body was dropped for another's" : "")};
        co_await refuse_request(stream, s, c, refusal);
    } else if (body == body_outcome::too_slow || body == body_outcome::timed_out) {
        if (s.may_log(c.client, "slow_client")) {
            spdlog::warn("{} {} dropped: request body {} ({} bytes in)", c.client, loggable(c.path),
                         body == body_outcome::too_slow
                             ? fmt::format("slower than {} bytes/s", o.min_body_rate)
                             : fmt::format("not received within {} ms", o.read_timeout.count()),
                         reader.body_size());
        }
        s.count_refusal("slow_client");
    }
}

net::awaitable<http_response> call_handler(http_server::state& s, http_request request) {
    const std::string client = request.client;
    try {
        http_response response = co_await s.routes.handle(std::move(request));
        co_return response;
    } catch (const std::exception& e) {
        spdlog::error("{} handler failed: {}", client, e.what());
    }
    co_return json_error(500, "internal error");
}

// One request whose head has been read: checks, body, handler, answer. True: the connection
// may carry another request.
net::awaitable<bool> serve_request(beast::tcp_stream& stream, http_server::state& s,
                                   request_reader& reader, const std::string& peer,
                                   connection_registry::entry& entry) {
    const auto& o = s.options;
    const request_context c = context_of(reader, peer, o);
    // The route first: its limits decide before the body is read.
    const route_limits& limits = s.routes.table().limits_for(c.path);
    auto refusal = check_framing(reader);
    if (!refusal) {
        refusal = check_admission(reader, o, limits, c.client, c.peer);
    }
    // Body bytes are counted as they arrive (body_budget.hpp): a declared length holds nothing.
    body_reservation reservation(s.bodies, c.client, [&stream] { stream.cancel(); });
    if (refusal) {
        co_await refuse_request(stream, s, c, *refusal);
        co_return false;
    }
    reader.set_body_limit(body_limit_of(limits, o));
    const bool continued = co_await send_continue(stream, reader, c.form, o);
    if (!continued) {
        co_return false;
    }
    const body_outcome body = co_await read_body(stream, reader, reservation, o);
    if (body != body_outcome::complete) {
        co_await on_body_failure(stream, s, c, reader, reservation, body);
        co_return false;
    }
    http_request request = reader.take_request(c.peer, c.client);
    const http_response response = co_await call_handler(s, std::move(request));
    const bool written =
        co_await write_response(stream, response, c.form, write_limits_of(o, &entry));
    s.count_request(c.path, response.status, c.start);
    co_return written&& c.form.keep_alive;
}

// A head that could not be read: a silent or closed connection ends quietly, a trickled header
// is dropped, a malformed or oversize one answered.
net::awaitable<void> on_head_failure(beast::tcp_stream& stream, http_server::state& s,
                                     const request_reader& reader, const std::string& peer,
                                     head_outcome head) {
    if (head == head_outcome::header_timeout) {
        if (s.may_log(peer, "header_timeout")) {
            spdlog::warn("{} dropped: request header not complete within {} ms", peer,
                         s.options.header_timeout.count());
        }
        s.count_refusal("header_timeout");
    } else if (head == head_outcome::failed) {
        const auto& f = reader.failure();
        if (s.may_log(peer, std::to_string(f.status))) {
            spdlog::warn("{} refused ({}): {}", peer, f.status, loggable(f.detail));
        }
        const http_response answer = json_error(f.status, f.reason);
        co_await refuse(stream, s, "", clock_type::now(), answer, answer_form{});
    }
}

net::awaitable<void> serve_connection(beast::tcp_stream& stream, http_server::state& s,
                                      connection_slot& slot, const std::string& peer) {
    request_reader reader(s.options.header_limit);
    for (bool first = true;; first = false) {
        slot.busy(false);
        reader.start();
        const auto wait = first ? s.options.first_byte_timeout : s.options.idle_timeout;
        const auto head = co_await read_head(stream, reader, *slot.handle, wait, s.options);
        if (head != head_outcome::ready) {
            co_await on_head_failure(stream, s, reader, peer, head);
            co_return;
        }
        const bool more = co_await serve_request(stream, s, reader, peer, *slot.handle);
        if (!more) {
            co_return;
        }
    }
}

}  // namespace

net::awaitable<void> run_session(tcp::socket socket, session_state s,
                                 connection_registry::handle handle) {
    beast::tcp_stream stream(std::move(socket));
    connection_slot slot(s, handle, stream);
    if (handle->evicted) {
        co_return;
    }
    const std::string peer = peer_address(stream);
    try {
        co_await serve_connection(stream, *s, slot, peer);
    } catch (const std::exception& e) {
        // Nothing a client sends may end the process: the connection ends instead.
        if (s->may_log(peer, "internal")) {
            spdlog::error("{} connection closed after an unexpected error: {}", peer,
                          loggable(e.what()));
        }
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> refuse_busy(tcp::socket socket, session_state s) {
    beast::tcp_stream stream(std::move(socket));
    try {
        const http_response answer = json_error(503, "too many connections");
        co_await write_response(stream, answer, answer_form{}, write_limits_of(s->options));
        co_await linger_close(stream, *s);
    } catch (const std::exception&) {
        // The client is gone; nothing to tell anyone.
    }
}

}  // namespace agent
