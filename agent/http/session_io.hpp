// Private to http/: the socket side of a connection (session.cpp has its flow): reading a
// request under its deadlines, writing answers, lingering closes.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "http/request_reader.hpp"
#include "http/server_state.hpp"

namespace agent {

namespace beast = boost::beast;

/// Awaits an operation and returns its error code with its result instead of throwing.
inline constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);

/// How an answer is written.
struct answer_form {
    unsigned version = 11;
    bool keep_alive = false;
    bool head_only = false;  ///< a HEAD request: the header of the answer, never its body
};

/// How an answer's write is timed: whole within `timeout`, never `stall` without progress;
/// its progress is noted in `entry` when given (a connection stalled on writing may be evicted).
struct write_limits {
    std::chrono::milliseconds timeout;
    std::chrono::milliseconds stall;
    connection_registry::entry* entry = nullptr;
};

/// The write limits of server_options, for `entry`'s connection (may be null).
inline write_limits write_limits_of(const server_options& o,
                                    connection_registry::entry* entry = nullptr) {
    return write_limits{o.write_timeout, std::min(o.write_stall_timeout, o.write_timeout), entry};
}

/// Writes `r` under `limits`; false when the connection failed or the write stalled. A streamed
/// answer (`r.stream`) is written piece by piece and always returns false: it ends its
/// connection.
net::awaitable<bool> write_response(beast::tcp_stream& stream, const http_response& r,
                                    answer_form form, write_limits limits);

/// Half-closes, drains what the client still sends for a bounded time, closes.
net::awaitable<void> linger_close(beast::tcp_stream& stream, http_server::state& s);

enum class head_outcome { ready, closed, silent, header_timeout, failed };

/// Reads a request head into `reader`: the first byte within `wait` (then `entry` is marked
/// busy), the whole head within the header timeout.
net::awaitable<head_outcome> read_head(beast::tcp_stream& stream, request_reader& reader,
                                       connection_registry::entry& entry,
                                       std::chrono::milliseconds wait, const server_options& o);

enum class body_outcome { complete, failed, over_budget, too_slow, timed_out, closed };

/// Reads the body into `reader` under the body-rate and whole-body deadlines, holding the
/// in-flight budget for it in `reservation`.
net::awaitable<body_outcome> read_body(beast::tcp_stream& stream, request_reader& reader,
                                       body_reservation& reservation, const server_options& o);

/// Sends "100 Continue" when the client asked for it; false when the connection failed.
net::awaitable<bool> send_continue(beast::tcp_stream& stream, const request_reader& reader,
                                   const answer_form& form, const server_options& o);

/// "192.0.2.1", or "unknown".
std::string peer_address(const beast::tcp_stream& stream);

}  // namespace agent
