#pragma once

#include <chrono>
#include <string_view>

#include "http/message.hpp"
#include "store/history_reader.hpp"

namespace agent {

/// Bounds of GET /api/deployments/{id}/events.
struct event_stream_limits {
    std::chrono::milliseconds poll{250};          ///< how often the store is read for news
    std::chrono::milliseconds heartbeat{15000};   ///< a comment line keeps proxies from closing
    std::chrono::milliseconds max_duration{std::chrono::minutes(30)};  ///< then `timeout`
    std::size_t max_streams = 32;                 ///< open at once; beyond it 503
};

/// GET /api/deployments/{id}/events (the caller has checked the bearer token): 400 for an
/// invalid id, 404 for an unknown one, 503 beyond `limits.max_streams`; otherwise a
/// text/event-stream of
///   event: state  data: {"id","app","state","error"}        first, and at every change
///   event: step   data: {"at","message"}                     each step-log line, in order
///   event: end    data: {"state": …}                         when the deployment has ended
///   event: timeout data: {}                                  after limits.max_duration
/// The stream ends after `end` or `timeout`.
http_response deployment_events(history_reader& db, std::string_view id_text,
                                const event_stream_limits& limits = {});

}  // namespace agent
