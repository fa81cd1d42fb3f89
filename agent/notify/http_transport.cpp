// Notifications over the agent's one outbound HTTP(S) client.
#include "common/https_client.hpp"
#include "notify/transport.hpp"

namespace agent::notify {

namespace {

// A receiver's answer is only its status; its body (a page of HTML, a JSON echo) is read and
// dropped, up to this much.
constexpr std::size_t max_answer_bytes = 64 * 1024;

// The step's name in an attempt's error ("connect: timed out").
const char* step_name(https_error::step failed) {
    using step = https_error::step;
    switch (failed) {
    case step::trust:
        return "NOTIFY_CA_FILE";
    case step::resolve:
        return "resolve";
    case step::connect:
        return "connect";
    case step::handshake:
        return "TLS handshake";
    case step::certificate:
        return "certificate refused";
    case step::send:
        return "send";
    case step::receive:
        return "no answer";
    }
    return "send";
}

// What the store records: "connect: timed out", "certificate refused: hostname mismatch", …
std::string attempt_error(const https_error& e) {
    if (e.failed_step() == https_error::step::trust) {
        return std::string(step_name(e.failed_step())) + " " + e.what();
    }
    return std::string(step_name(e.failed_step())) + ": " +
           (e.timed_out() ? std::string("timed out") : e.detail());
}

class http_transport final : public transport {
public:
    http_transport(net::any_io_executor ex, std::string ca_file, system_ca_store system)
        : client_(std::move(ex), std::move(ca_file), std::move(system)) {}

    net::awaitable<post_result> post(const target& t, const outgoing& request,
                                     std::chrono::milliseconds timeout) override {
        https_request call{.host = t.host,
                           .port = t.port,
                           .tls = t.tls,
                           .method = "POST",
                           .target = t.path,
                           .headers = {{"Content-Type", request.content_type}},
                           .body = request.body,
                           .timeout = timeout,
                           .answer_limit = max_answer_bytes};
        call.headers.insert(call.headers.end(), request.headers.begin(), request.headers.end());
        post_result result;
        try {
            auto reply = co_await client_.send(std::move(call));
            result.status = reply.status;
        } catch (const https_error& e) {
            // The status line arrived and the body did not: the receiver has answered.
            if (e.status() != 0) {
                result.status = e.status();
            } else {
                result.error = attempt_error(e);
            }
        } catch (const std::exception& e) {
            result.error = e.what();  // no TLS context, no memory: still an attempt that failed
        }
        co_return result;
    }

private:
    https_client client_;
};

}  // namespace

std::unique_ptr<transport> make_http_transport(net::any_io_executor executor, std::string ca_file,
                                               system_ca_store system) {
    return std::make_unique<http_transport>(std::move(executor), std::move(ca_file),
                                            std::move(system));
}

}  // namespace agent::notify
