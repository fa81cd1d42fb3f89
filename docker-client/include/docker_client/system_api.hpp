#pragma once

#include <boost/asio/awaitable.hpp>

#include "docker_client/types.hpp"

namespace docker_client {

namespace net = boost::asio;

/// The engine itself: version negotiation and its event stream. One role of the engine seam
/// (docker_api.hpp).
class system_api {
  public:
    virtual ~system_api() = default;

    /// `/_ping` then `/version`: negotiates the API version all later calls use.
    virtual net::awaitable<engine_version> ping() = 0;
    /// Streams events matching `filter` to `on_event` until it returns false, `until` passes,
    /// nothing arrives for the idle limit, or the coroutine is cancelled (Asio per-operation
    /// cancellation, e.g. `||` with a timer). Throws when the connection fails.
    virtual net::awaitable<events_end> watch_events(event_filter filter,
                                                    event_callback on_event) = 0;
};

}  // namespace docker_client
