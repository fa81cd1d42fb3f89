#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "http/message.hpp"
#include "store/history_reader.hpp"

namespace agent {

/// Bounds of GET /api/deployments/{id}/events.
struct event_stream_limits {
    std::chrono::milliseconds poll{250};          ///< how often the store is read for news
    /// A comment line after this much silence: keeps proxies from closing, and a write to a
    /// vanished client fails within two of them.
    std::chrono::milliseconds heartbeat{1000};
    std::chrono::milliseconds max_duration{std::chrono::minutes(30)};  ///< then `timeout`
    std::size_t max_streams = 32;                 ///< open at once; beyond it 503
    /// When the bearer token that opened the stream expires (then `expired`); none: never.
    std::optional<std::chrono::system_clock::time_point> token_expires_at;
};

/// GET /api/deployments/{id}/events (the caller has checked the bearer token): 400 for an
/// invalid id, 404 for an unknown one, 503 beyond `limits.max_streams`; otherwise a
/// text/event-stream of
///   event: state  data: {"id","app","state","error"}        first, and at every change
///   event: step   data: {"at","message"}                     each step-log line, in order
///   event: end    data: {"state": …}                         when the deployment has ended
///   event: timeout data: {}                                  after limits.max_duration
///   event: expired data: {}                                  when the token expires
/// The stream ends after `end`, `timeout` or `expired`.
http_response deployment_events(history_reader& db, std::string_view id_text,
                                const event_stream_limits& limits = {});

}  // namespace agent
