#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agent {

/// The parts of an http(s) URL after its scheme, as the outbound client needs them.
struct url_parts {
    std::string host;  ///< a name or an address, without IPv6 brackets
    std::string port;  ///< as written; "" when the URL names none
    std::string path;  ///< path and query as written; "/" when there is none
};

/// Splits "host[:port][/path]", what follows "https://" or "http://". nullopt, with the reason
/// in `*problem`, when the authority is not a plain host and port (user info, which would end up
/// in logs; an unclosed '['; a character a host cannot have; a port that is not 1 to 65535) or
/// the path holds a space or a control character (it would break the request line).
std::optional<url_parts> split_url(std::string_view after_scheme, std::string* problem);

/// RFC 3986 percent-encoding of every byte but the unreserved characters (A-Z a-z 0-9 - . _ ~),
/// for query values; with `space_as_plus`, a space becomes '+' (application/x-www-form-urlencoded
/// as Python's quote_plus writes it).
std::string percent_encode(std::string_view text, bool space_as_plus = false);

/// localhost, ::1 or 127.0.0.0/8: the only hosts plain http is spoken to (test servers, a local
/// ntfy).
bool is_loopback_host(std::string_view host);

}  // namespace agent
