#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/request_reader.hpp"
#include "http/route_limits.hpp"
#include "http/server.hpp"

namespace agent {

/// Why the server refuses a request from its head alone, before its body is read.
struct head_refusal {
    unsigned status = 400;
    std::string reason;  ///< for the client, short and uniform
    std::string code;    ///< for the log budget and metrics, e.g. "bad_transfer_encoding"
    std::string detail;  ///< for the log: the full diagnosis
};

/// RFC 9112 framing the server accepts: a Transfer-Encoding field, when there is one, is exactly
/// `chunked` (one field, any case), and never comes with Content-Length. Anything else would let
/// the bytes after the head be read as another request: 400, and the connection is closed.
std::optional<head_refusal> check_framing(const request_reader& head);

/// The longest body a request to a route with `limits` may have: its own limit, else the
/// server's `body_limit`.
std::size_t body_limit_of(const route_limits& limits, const server_options& o);

/// The source allow-list of the request's route (`limits`, found from its path: 403), then its
/// body limit against the declared Content-Length (413). `client` is the address
/// resolve_client_address gave, `peer` the TCP peer.
std::optional<head_refusal> check_admission(const request_reader& head, const server_options& o,
                                            const route_limits& limits, const std::string& client,
                                            const std::string& peer);

/// The request's client for logs and allow-lists (see resolve_client_address).
std::string client_of(const request_reader& head, const std::string& peer,
                      const cidr_list& trusted_proxies);

}  // namespace agent
