#pragma once

#include <stdexcept>
#include <string>

namespace docker_client {

/// The one error type of the library. `status()` is the HTTP status the daemon answered
/// (0 when no answer was had: connect failure, timeout, dropped connection, malformed reply);
/// `daemon_message()` is the daemon's own `message` (or the stream's `error`), verbatim.
class error : public std::runtime_error {
public:
    error(unsigned status, std::string daemon_message, const std::string& context)
        : std::runtime_error(context + (daemon_message.empty() ? "" : ": " + daemon_message)),
          status_(status),
          daemon_message_(std::move(daemon_message)) {}

    unsigned status() const noexcept { return status_; }
    const std::string& daemon_message() const noexcept { return daemon_message_; }

private:
    unsigned status_;
    std::string daemon_message_;
};

}  // namespace docker_client
