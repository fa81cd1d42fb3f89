#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "common/https_client.hpp"
#include "secrets/secret_url.hpp"

namespace agent {

/// One HTTP request to Infisical, in plain types (Beast and OpenSSL stay in the .cpp).
struct secret_http_request {
    std::string method;  ///< "GET", "POST"
    std::string target;  ///< path and query, already encoded, without the base path
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;    ///< JSON when not empty
};

/// Status, body and Retry-After.
using secret_http_reply = https_reply;

/// HTTPS (or loopback HTTP) to one Infisical base URL through https_client: one connection per
/// call, TLS 1.2 or later, the peer's certificate checked against the system CA store plus
/// `ca_file` (INFISICAL_CA_FILE), and its name against the URL's host. The TLS context is built
/// on first use: an agent that never fetches a secret never pays for it.
class secret_transport {
public:
    /// `deadline` bounds each whole call (resolve, connect, handshake, request, answer).
    secret_transport(boost::asio::any_io_executor executor, secret_url url, std::string ca_file,
                     system_ca_store system, std::chrono::milliseconds deadline);

    /// Sends `request` and reads the answer (at most 8 MiB). Throws secrets_error when the
    /// server cannot be reached, its certificate is refused, the deadline passes or the answer
    /// is not HTTP; any HTTP status is returned.
    boost::asio::awaitable<secret_http_reply> send(secret_http_request request);

    /// "https://host:port" for messages.
    std::string origin() const;

private:
    https_client client_;
    secret_url url_;
    std::string ca_file_;
    std::chrono::milliseconds deadline_;
};

}  // namespace agent
