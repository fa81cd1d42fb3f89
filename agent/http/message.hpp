#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/text.hpp"

namespace agent {

/// An HTTP request as the handlers see it: already bounded and read in full by the server.
/// Header names keep the case they arrived in; look them up with `header()`, which ignores case.
struct http_request {
    std::string method;  ///< "POST", "GET", ...
    std::string target;  ///< path and query, as sent
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;       ///< the raw bytes as received (signatures are computed over these)
    std::string peer;       ///< address of the TCP peer, e.g. "127.0.0.1"
    /// Where the request comes from, for logs and allow-lists: CF-Connecting-IP or the
    /// X-Forwarded-For client when the peer is a trusted proxy (TRUSTED_PROXIES), else the peer.
    std::string client;

    /// The value of the first header named `name` (case-insensitive), or nullptr.
    const std::string* header(std::string_view name) const;
    /// The path without the query string.
    std::string_view path() const;
    /// The decoded value of query parameter `key`, or empty when absent.
    std::string query_param(std::string_view key) const;
};

/// What a handler answers. The server adds Content-Length, Date and Server headers.
struct http_response {
    unsigned status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
};

/// `{"success":false,"error":"<reason>"}` with the given status.
http_response json_error(unsigned status, std::string_view reason);

}  // namespace agent
