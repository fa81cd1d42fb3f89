#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "support/http_receiver.hpp"

namespace test {

/// What an https_server answers to one request.
struct served_reply {
    unsigned status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::string retry_after;  ///< sent as Retry-After when not empty
};

/// An HTTPS server on 127.0.0.1 (a free port) with its own CA, generated per instance, for what
/// the agent calls out to (Infisical, notification receivers). One request per connection; each
/// is answered by `handler`, called on the server's own thread. A client that refuses the
/// certificate never reaches the handler.
class https_server {
public:
    struct options {
        /// subjectAltName of the server certificate; another host's name makes clients refuse it.
        std::vector<std::string> names{"DNS:localhost", "IP:127.0.0.1"};
        bool tls = true;  ///< false: plain HTTP (loopback)
    };
    using handler = std::function<served_reply(const received_request&)>;

    https_server(options o, handler answer);
    ~https_server();
    https_server(const https_server&) = delete;
    https_server& operator=(const https_server&) = delete;

    unsigned short port() const;
    std::string url() const;      ///< "https://127.0.0.1:PORT" (http:// without tls)
    std::string ca_file() const;  ///< PEM of the CA that signed the server certificate

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace test
