#include "support/signed_push.hpp"

#include <catch2/catch.hpp>

#include "intake/signature.hpp"
#include "support/agent_process.hpp"
#include "support/http_client.hpp"

namespace test {

std::string push_payload(const std::string& repository, const std::string& branch,
                         const std::string& before, const std::string& after) {
    return R"({"ref":"refs/heads/)" + branch + R"(","before":")" + before + R"(","after":")" +
           after + R"(","forced":false,"repository":{"full_name":")" + repository +
           R"("},"head_commit":{"id":")" + after + R"("},"pusher":{"name":"dev"}})";
}

std::vector<std::pair<std::string, std::string>> signed_push_headers(const std::string& body,
                                                                     const std::string& secret,
                                                                     const std::string& delivery) {
    return {{"Content-Type", "application/json"},
            {"X-GitHub-Event", "push"},
            {"X-GitHub-Delivery", delivery},
            {"X-Hub-Signature-256", "sha256=" + agent::hmac_sha256_hex(secret, body)}};
}

std::string api_token(const std::string& jwt_secret) {
    auto [code, out] = run_agent_command({"token", "--ttl", "1h"}, {{"JWT_SECRET", jwt_secret}});
    REQUIRE(code == 0);
    // The token is alone on the first line; a note about it follows on stderr.
    return out.substr(0, out.find_first_of("\r\n"));
}

std::string deployment_json(unsigned short port, const std::string& token, long long id) {
    auto r = http_request(port, "GET", "/api/deployments/" + std::to_string(id),
                          {{"Authorization", "Bearer " + token}});
    return r.body;
}

long long first_deployment_id(const std::string& answer) {
    // {"deployments":[{"id":N…]} from a webhook, {"deployment":{"id":N…}} from the API.
    auto list = answer.find("\"deployment");
    auto key = answer.find("\"id\":", list == std::string::npos ? 0 : list);
    if (key == std::string::npos) {
        return -1;
    }
    return std::stoll(answer.substr(key + 5));
}

}  // namespace test
