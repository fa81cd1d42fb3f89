#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "common/environment.hpp"

namespace agent {

/// One outbound HTTP/1.1 request, in plain types (Beast and OpenSSL stay in the .cpp).
struct https_request {
    std::string host;    ///< a name or an address, without brackets for IPv6
    std::string port;    ///< "443", "80" or as configured
    bool tls = true;     ///< false: plain HTTP (loopback servers, tests)
    std::string method;  ///< "GET", "POST"
    std::string target;  ///< path and query, already encoded
    /// Sent as given, besides Host, User-Agent, Connection: close and Content-Length.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds timeout{10000};  ///< the whole call: resolve to the answer's end
    std::size_t answer_limit = 64 * 1024;      ///< the most answer body read
};

struct https_reply {
    unsigned status = 0;
    std::string body;
    std::string retry_after;  ///< the Retry-After header, when sent (at most 64 characters)
};

/// Why a call got no complete answer. what() reads "https://host:port: step: detail", e.g.
/// "https://hooks.example.com:443: TLS certificate refused: hostname mismatch".
class https_error : public std::runtime_error {
public:
    enum class step {
        trust,        ///< the extra CA file could not be loaded (what(): "FILE: cannot load: …")
        resolve,
        connect,
        handshake,    ///< TLS, for a reason other than the certificate
        certificate,  ///< the peer's certificate was refused; detail() says why in words
        send,
        receive,      ///< the answer was not HTTP, too large, cut off or late
    };

    https_error(step failed, std::string detail, bool timed_out, unsigned status,
                const std::string& message);

    step failed_step() const { return step_; }
    /// The cause alone: an error code's words, "deadline passed", or the certificate problem.
    const std::string& detail() const { return detail_; }
    /// The call's timeout passed.
    bool timed_out() const { return timed_out_; }
    /// The answer's status when its header arrived and its body did not (step::receive); else 0.
    unsigned status() const { return status_; }

private:
    step step_;
    std::string detail_;
    bool timed_out_;
    unsigned status_;
};

/// Where OpenSSL's default CA store is, as its variables say (SSL_CERT_FILE, SSL_CERT_DIR; each
/// nullopt when unset): read where the program is assembled and passed down with each client.
struct system_ca_store {
    std::optional<std::string> cert_file;
    std::optional<std::string> cert_dir;
};

/// SSL_CERT_FILE and SSL_CERT_DIR (OpenSSL's names for them) in `env`.
system_ca_store system_ca_store_from(const environment& env);

/// The agent's one client for outbound HTTP(S): one connection per call, TLS 1.2 or later, the
/// peer's certificate checked against the system CA store (OpenSSL's defaults, with SSL_CERT_FILE /
/// SSL_CERT_DIR honoured through `system`) plus an optional extra CA file, and its name against the
/// host (SNI sent for names). The TLS context is built on the first https call, once per client: an
/// agent that never calls out over https never pays for the CA store. Calls may overlap; use the
/// client on its executor's thread.
class https_client {
public:
    /// `ca_file`: PEM bundle trusted besides the system store; empty for none.
    https_client(boost::asio::any_io_executor executor, std::string ca_file,
                 system_ca_store system);
    ~https_client();
    https_client(const https_client&) = delete;
    https_client& operator=(const https_client&) = delete;

    /// Sends `request` and reads the whole answer. Any HTTP status is returned; throws
    /// https_error when there is no complete answer within `request.timeout`.
    boost::asio::awaitable<https_reply> send(https_request request);

    /// "https://host:port" (or http://) for messages.
    static std::string origin(const https_request& request);

private:
    struct tls_state;
    tls_state& tls();

    boost::asio::any_io_executor executor_;
    std::string ca_file_;
    system_ca_store system_;
    std::unique_ptr<tls_state> tls_;
};

}  // namespace agent
