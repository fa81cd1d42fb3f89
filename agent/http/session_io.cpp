#include "http/session_io.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace agent {

namespace http = beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {
// Refused connections are drained for at most this long so the client reads the answer
// instead of a reset; at most this many drain at once, beyond that they are closed at once.
constexpr std::chrono::milliseconds linger_time{1000};
constexpr std::size_t max_lingering = 64;
}  // namespace

namespace {

// Whether the client closed its side (an orderly close, or a reset), asked without waiting.
bool peer_closed(beast::tcp_stream& stream) {
    char byte = 0;
    const auto n = ::recv(stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

}  // namespace

// A streamed body (server-sent events): the header, then each piece as the stream gives it,
// each write within `timeout`; chunked (HTTP/1.0: the body ends with the connection).
net::awaitable<bool> write_streamed(beast::tcp_stream& stream, const http_response& r,
                                    answer_form form, write_limits limits) {
    const auto timeout = limits.stall;
    http::response<http::empty_body> res{static_cast<http::status>(r.status), form.version};
    res.set(http::field::server, "deploy-agent");
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) {
        res.set(k, v);
    }
    res.keep_alive(false);
    const bool chunked = form.version >= 11;
    res.chunked(chunked);
    http::response_serializer<http::empty_body> header{res};
    stream.expires_after(timeout);
    auto [hec, hn] = co_await http::async_write_header(stream, header, use_nothrow);
    if (hec || form.head_only) {
        co_return !hec;
    }
    for (;;) {
        // No deadline while the stream waits for news: only its writes are timed.
        stream.expires_never();
        std::optional<std::string> piece = co_await r.stream->next();
        if (peer_closed(stream)) {
            co_return false;  // the client has gone: nobody to write to
        }
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

namespace {

// Writes what `sr` serializes, each piece within the stall limit and the whole within the
// timeout, noting progress for eviction.
template <class serializer>
net::awaitable<bool> write_moving(beast::tcp_stream& stream, serializer& sr,
                                  const write_limits& limits) {
    const auto deadline = clock_type::now() + limits.timeout;
    if (limits.entry != nullptr) {
        limits.entry->writing = true;
        limits.entry->progress = clock_type::now();
    }
    bool written = true;
    while (!sr.is_done()) {
        const auto now = clock_type::now();
        if (now >= deadline) {
            written = false;
            break;
        }
        stream.expires_at(std::min(deadline, now + limits.stall));
        auto [ec, n] = co_await http::async_write_some(stream, sr, use_nothrow);
        if (ec) {
            written = false;
            break;
        }
        if (limits.entry != nullptr) {
            limits.entry->progress = clock_type::now();
        }
    }
    if (limits.entry != nullptr) {
        limits.entry->writing = false;
    }
    co_return written;
}

}  // namespace

net::awaitable<bool> write_response(beast::tcp_stream& stream, const http_response& r,
                                    answer_form form, write_limits limits) {
    if (r.stream) {
        co_await write_streamed(stream, r, form, limits);
        co_return false;  // a stream is the connection's last answer: end it
    }
    http::response<http::string_body> res{static_cast<http::status>(r.status), form.version};
    res.set(http::field::server, "deploy-agent");
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) {
        res.set(k, v);
    }
    res.keep_alive(form.keep_alive);
    res.content_length(r.body.size());
    if (!form.head_only) {
        res.body() = r.body;
    }
    http::response_serializer<http::string_body> sr{res};
    const bool written = co_await write_moving(stream, sr, limits);
    co_return written;
}

// Half-closes, then reads and discards what the client still sends (an unread body, a request
// sent after a refusal) for a bounded time: closing with unread bytes would send a reset that
// can destroy the answer before the client reads it.
net::awaitable<void> linger_close(beast::tcp_stream& stream, http_server::state& s) {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (s.lingering < max_lingering) {
        ++s.lingering;
        stream.expires_after(linger_time);
        static thread_local char sink[16 * 1024];
        for (;;) {
            auto [ec, n] = co_await stream.async_read_some(net::buffer(sink), use_nothrow);
            if (ec) {
                break;
            }
        }
        --s.lingering;
    }
    stream.socket().close(ignored);
}

// Waits for the first byte of a request (`wait`), then gives the whole head `header_timeout`: a
// client trickling its header cannot hold the connection for longer.
net::awaitable<head_outcome> read_head(beast::tcp_stream& stream, request_reader& reader,
                                       connection_registry::entry& entry,
                                       std::chrono::milliseconds wait, const server_options& o) {
    if (reader.buffered() == 0) {
        stream.expires_after(wait);
        const auto space = reader.space();
        auto [ec, n] =
            co_await stream.async_read_some(net::buffer(space.data(), space.size()), use_nothrow);
        if (ec) {
            co_return ec == beast::error::timeout ? head_outcome::silent : head_outcome::closed;
        }
        reader.commit(n);
    }
    entry.busy = true;
    stream.expires_after(o.header_timeout);
    for (;;) {
        const auto status = reader.parse();
        if (status == request_reader::status::head) {
            co_return head_outcome::ready;
        }
        if (status == request_reader::status::failed) {
            co_return head_outcome::failed;
        }
        const auto space = reader.space();
        auto [ec, n] =
            co_await stream.async_read_some(net::buffer(space.data(), space.size()), use_nothrow);
        if (ec) {
            co_return ec == beast::error::timeout ? head_outcome::header_timeout
                                                  : head_outcome::closed;
        }
        reader.commit(n);
    }
}

namespace {

// Reads the body with a deadline on every read: by then the client must have sent
// min_body_rate bytes for each second after the grace period, and the whole body must be in
// within read_timeout however fast it comes. The in-flight budget is held for the bytes as they
// arrive; another request may take it meanwhile (the read is then cancelled).
net::awaitable<body_outcome> read_body_bytes(beast::tcp_stream& stream, request_reader& reader,
                                             body_reservation& reservation,
                                             const server_options& o,
                                             clock_type::time_point start) {
    const auto hard_deadline = start + o.read_timeout;
    const std::size_t rate = std::max<std::size_t>(o.min_body_rate, 1);
    const std::uint64_t head_bytes = reader.consumed();
    for (;;) {
        const auto status = reader.parse();
        // A chunked body grows by reallocation: while its string moves, old and new copies are
        // both resident.
        const std::size_t held = reader.chunked() ? 2 * reader.body_size() : reader.body_size();
        if (!reservation.hold_at_least(held)) {
            co_return body_outcome::over_budget;
        }
        if (status == request_reader::status::complete) {
            co_return body_outcome::complete;
        }
        if (status == request_reader::status::failed) {
            co_return body_outcome::failed;
        }
        const auto received = reader.consumed() - head_bytes + reader.buffered();
        const auto rate_deadline =
            start + o.body_rate_grace +
            std::chrono::milliseconds(static_cast<std::int64_t>(received * 1000 / rate));
        const bool rate_bound = rate_deadline < hard_deadline;
        stream.expires_at(rate_bound ? rate_deadline : hard_deadline);
        const auto space = reader.space();
        auto [ec, n] =
            co_await stream.async_read_some(net::buffer(space.data(), space.size()), use_nothrow);
        if (reservation.taken()) {
            co_return body_outcome::over_budget;
        }
        if (ec == beast::error::timeout) {
            co_return rate_bound ? body_outcome::too_slow : body_outcome::timed_out;
        }
        if (ec) {
            co_return body_outcome::closed;
        }
        reader.commit(n);
    }
}

}  // namespace

net::awaitable<body_outcome> read_body(beast::tcp_stream& stream, request_reader& reader,
                                       body_reservation& reservation, const server_options& o) {
    const auto start = clock_type::now();
    reservation.start_reading(start);
    const body_outcome outcome = co_await read_body_bytes(stream, reader, reservation, o, start);
    reservation.stop_reading();
    co_return outcome;
}

std::string peer_address(const beast::tcp_stream& stream) {
    beast::error_code ec;
    auto ep = stream.socket().remote_endpoint(ec);
    return ec ? "unknown" : ep.address().to_string();
}

// curl waits a second for "100 Continue" before sending a large body; without it the body-rate
// clock would run while the client politely waits.
net::awaitable<bool> send_continue(beast::tcp_stream& stream, const request_reader& reader,
                                   const answer_form& form, const server_options& o) {
    const auto expect = reader.field("Expect");
    if (!expect || !iequals(*expect, "100-continue") || reader.body_size() > 0) {
        co_return true;
    }
    http::response<http::empty_body> cont{http::status::continue_, form.version};
    stream.expires_after(o.write_timeout);
    auto [ec, n] = co_await http::async_write(stream, cont, use_nothrow);
    co_return !ec;
}

}  // namespace agent
