#pragma once

// Private to agent/status: how the page's answers are built.

#include <string>
#include <string_view>

#include "http/message.hpp"
#include "status/html.hpp"
#include "status/sessions.hpp"

namespace agent::status {

/// Forms on the page are tiny; a larger body is refused before it is parsed.
inline constexpr std::size_t max_form_bytes = 8 * 1024;

/// An HTML answer with the page's security headers: a Content-Security-Policy that allows only
/// the agent's own stylesheet and script, no framing, no caching, no referrer.
http_response html_response(unsigned status, std::string body);

/// 303 See Other to `location` (a path on this agent).
http_response redirect(std::string_view location);

/// /status.css or /status.js, cacheable for an hour.
http_response asset(std::string_view body, std::string_view content_type);

/// The decoded value of `key` in an application/x-www-form-urlencoded body, or empty.
std::string form_value(std::string_view body, std::string_view key);

/// The frame of a page for a logged-in session.
page_frame frame_for(const session& who, std::string title, bool refresh = false);

}  // namespace agent::status
