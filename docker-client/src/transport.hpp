#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "docker_client/client.hpp"

namespace docker_client::detail {

/// One HTTP exchange with the engine, in plain types (Beast stays in transport.cpp).
struct http_call {
    std::string method;  ///< "GET", "POST", "DELETE"
    std::string target;  ///< already versioned and encoded: "/v1.41/containers/x/json"
    std::string body;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;
};

struct http_reply {
    unsigned status = 0;
    std::string body;  ///< for streamed calls: only filled when the status is not 2xx
    std::vector<std::pair<std::string, std::string>> headers;
    bool stopped = false;     ///< streamed: the line callback asked to stop
    bool idle_ended = false;  ///< streamed: ended by silence (only with stream_settings::idle_ends)
    bool cancelled = false;   ///< streamed: ended by Asio per-operation cancellation

    /// The value of header `name` (case-insensitive), or empty.
    std::string header(std::string_view name) const;
};

/// Called with each complete line of a streamed body, without its line ending; returns false
/// to stop reading (the connection is closed).
using line_callback = std::function<bool(std::string_view line)>;

/// Produces the next piece of a request body sent with chunked encoding; "" ends the body.
/// May throw docker_client::error (e.g. an unreadable build context): the call then fails.
using body_source = std::function<std::string()>;

/// How a streamed call behaves besides its lines.
struct stream_settings {
    /// Deadline for each write and read, reset on progress; 0: options.stream_idle_timeout.
    std::chrono::milliseconds idle_timeout{0};
    /// Silence for idle_timeout ends the stream normally (events) instead of throwing.
    bool idle_ends = false;
    /// When set, the request body is streamed from it (chunked) instead of http_call::body.
    body_source upload;
};

/// HTTP/1.1 to the engine over a unix socket or TCP, one connection per call, a deadline on
/// connect, write and every read. Throws docker_client::error (status 0) on transport failures.
class transport {
  public:
    transport(net::any_io_executor executor, client_options options);

    /// Sends the call and reads the whole reply (bounded by options.response_body_limit);
    /// the whole exchange must finish within `timeout`.
    net::awaitable<http_reply> call(http_call request, std::chrono::milliseconds timeout);

    /// Sends the call and hands each line of a 2xx body to `on_line` as it arrives; the idle
    /// deadline is reset on each read. A non-2xx reply is returned with its body instead.
    net::awaitable<http_reply> stream(http_call request, line_callback on_line);
    /// Like stream(request, on_line), with an idle deadline, an upload or silence as an end.
    net::awaitable<http_reply> stream(http_call request, line_callback on_line,
                                      stream_settings settings);

    const std::string& host() const { return options_.host; }

  private:
    net::any_io_executor executor_;
    client_options options_;
};

}  // namespace docker_client::detail
