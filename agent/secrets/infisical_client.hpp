#pragma once

#include <boost/asio/awaitable.hpp>

#include "secrets/secret_types.hpp"

namespace agent {

/// The one test seam for Infisical: everything the agent asks of it. The real implementation
/// (make_infisical_client) speaks HTTPS; tests may substitute their own.
class infisical_client {
public:
    virtual ~infisical_client() = default;

    /// Every secret at `scope`: the folder's own keys and its imports (own keys win). Logs in
    /// or renews the access token as needed. Throws secrets_error (unreachable, refused,
    /// deadline passed, malformed answer); the message never holds a value or a token.
    virtual boost::asio::awaitable<secret_listing> list_secrets(secret_scope scope) = 0;
};

}  // namespace agent
