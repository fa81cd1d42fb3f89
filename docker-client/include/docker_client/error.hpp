#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace docker_client {

/// The one error type of the library. `status()` is the HTTP status the daemon answered
/// (0 when no answer was had: connect failure, timeout, dropped connection, malformed reply,
/// or a request refused before it was sent); `daemon_message()` is the daemon's own `message`
/// (or the stream's `error`), verbatim. A failed build also carries the last lines of its log.
class error : public std::runtime_error {
  public:
    error(unsigned status, std::string daemon_message, const std::string& context)
        : std::runtime_error(context + (daemon_message.empty() ? "" : ": " + daemon_message)),
          status_(status),
          daemon_message_(std::move(daemon_message)) {}

    error(unsigned status, std::string daemon_message, const std::string& context,
          std::vector<std::string> log_tail)
        : std::runtime_error(with_tail(context, daemon_message, log_tail)),
          status_(status),
          daemon_message_(std::move(daemon_message)),
          log_tail_(std::move(log_tail)) {}

    unsigned status() const noexcept { return status_; }
    const std::string& daemon_message() const noexcept { return daemon_message_; }
    /// The last lines of a build or pull log before the failure; empty for other calls.
    const std::vector<std::string>& log_tail() const noexcept { return log_tail_; }

  private:
    static std::string with_tail(const std::string& context, const std::string& message,
                                 const std::vector<std::string>& tail) {
        std::string text = context + (message.empty() ? "" : ": " + message);
        if (!tail.empty()) {
            text += "\nlast log lines:";
            for (const auto& line : tail) {
                text += "\n  " + line;
            }
        }
        return text;
    }

    unsigned status_;
    std::string daemon_message_;
    std::vector<std::string> log_tail_;
};

}  // namespace docker_client
