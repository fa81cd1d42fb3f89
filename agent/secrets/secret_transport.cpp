#include "secrets/secret_transport.hpp"

#include "secrets/secret_types.hpp"

namespace agent {

namespace {

// Infisical answers lists of every secret in a folder and its imports.
constexpr std::size_t max_answer_bytes = 8 * 1024 * 1024;

}  // namespace

secret_transport::secret_transport(boost::asio::any_io_executor executor, secret_url url,
                                   std::string ca_file, system_ca_store system,
                                   std::chrono::milliseconds deadline)
    : client_(std::move(executor), ca_file, std::move(system)),
      url_(std::move(url)),
      ca_file_(std::move(ca_file)),
      deadline_(deadline) {}

std::string secret_transport::origin() const {
    return (url_.tls ? "https://" : "http://") + url_.host + ":" + url_.port;
}

boost::asio::awaitable<secret_http_reply> secret_transport::send(secret_http_request request) {
    https_request call{.host = url_.host,
                       .port = url_.port,
                       .tls = url_.tls,
                       .method = std::move(request.method),
                       .target = url_.base_path + request.target,
                       .headers = std::move(request.headers),
                       .body = std::move(request.body),
                       .timeout = deadline_,
                       .answer_limit = max_answer_bytes};
    call.headers.emplace_back("Accept", "application/json");
    if (!call.body.empty()) {
        call.headers.emplace_back("Content-Type", "application/json");
    }
    try {
        auto reply = co_await client_.send(std::move(call));
        co_return reply;
    } catch (const https_error& e) {
        if (e.failed_step() == https_error::step::trust) {
            throw secrets_error("INFISICAL_CA_FILE " + ca_file_ + ": cannot load: " + e.detail());
        }
        throw secrets_error(e.what());
    }
}

}  // namespace agent
