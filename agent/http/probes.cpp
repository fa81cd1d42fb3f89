#include "http/probes.hpp"

#include <string>

#include "http/answer.hpp"
#include "metrics/agent_metrics.hpp"

namespace agent {

boost::asio::awaitable<http_response> alive_answer(const http_request&) {
    co_return json_answer(outcome::done, R"({"status":"ok"})");
}

boost::asio::awaitable<http_response> metrics_answer(const http_request&) {
    co_return http_response{200,
                            metrics::process_metrics().render(),
                            std::string(metrics::exposition_content_type),
                            {}};
}

}  // namespace agent
