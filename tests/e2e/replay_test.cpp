// Replays through the built binary: a captured GitHub push under a new X-GitHub-Delivery, an
// Infisical delivery sent twice within its window, an Infisical delivery without a signed
// timestamp; each also after a restart on the same DATA_DIR. The deploys themselves may fail
// (no container is named); what is asserted is the answer.
#include <chrono>
#include <filesystem>
#include <future>

#include <catch2/catch.hpp>

#include "intake/signature.hpp"
#include "support/agent_process.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"

namespace replay_test {

namespace {

using headers = std::vector<std::pair<std::string, std::string>>;
using env_map = std::map<std::string, std::string>;

const std::string github_secret = "replay-github-secret";
const std::string infisical_secret = "replay-infisical-secret";
const std::string commit_a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string commit_b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const std::string manifest_text =
    "version: 1\napps:\n  web:\n    container: da-replay-test-missing\n"
    "    strategy: restart\n    triggers:\n      github:\n        repository: octo/web\n"
    "        branches: [main]\n";

std::string push_body(const std::string& before, const std::string& after) {
    return R"({"ref":"refs/heads/main","before":")" + before + R"(","after":")" + after +
           R"(","repository":{"full_name":"octo/web"},"head_commit":{"id":")" + after + R"("}})";
}

test::http_result push(unsigned short port, const std::string& body, const std::string& delivery) {
    const headers h = {{"Content-Type", "application/json"},
                       {"X-GitHub-Event", "push"},
                       {"X-GitHub-Delivery", delivery},
                       {"X-Hub-Signature-256", "sha256=" + agent::hmac_sha256_hex(github_secret, body)}};
    return test::http_request(port, "POST", "/webhooks/github", h, body);
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

test::http_result infisical(unsigned short port, const std::string& body,
                            const std::string& signature) {
    const headers h = {{"Content-Type", "application/json"}, {"x-infisical-signature", signature}};
    return test::http_request(port, "POST", "/webhooks/infisical", h, body);
}

struct replay_agent {
    test::agent_process process;
    replay_agent(const std::string& manifest, const std::string& data_dir, env_map extra = {})
        : process({"serve", "--manifest", manifest, "--listen", "127.0.0.1:0"},
                  with(data_dir, std::move(extra))) {}
    static env_map with(const std::string& data_dir, env_map env) {
        env.emplace("WEBHOOK_SECRET", github_secret);
        env.emplace("INFISICAL_WEBHOOK_SECRET", infisical_secret);
        env.emplace("DATA_DIR", data_dir);
        env.emplace("DEPLOY_DEBOUNCE_MS", "0");
        return env;
    }
};

}  // namespace

TEST_CASE("a GitHub push replayed under a new delivery id is a duplicate, also after a restart",
          "[e2e][replay]") {
    const test::temp_dir data("da-replay-data");
    const std::string manifest = test::write_temp_file("manifest.yaml", manifest_text);
    {
        replay_agent agent(manifest, data.path.string());
        const auto port = agent.process.port();
        const std::string forward = push_body(commit_a, commit_b);
        auto first = push(port, forward, "delivery-1");
        INFO(first.body << "\n" << agent.process.log());
        REQUIRE(first.status == 202);
        // The X-GitHub-Delivery header is not signed: a captured body under a new id.
        auto replay = push(port, forward, "delivery-2");
        CHECK(replay.status == 200);
        CHECK_THAT(replay.body, Catch::Contains("duplicate: push aaaaaaaaaaaa..bbbbbbbbbbbb"));
        // A force-push back to the older commit has another `before`: it deploys.
        auto back = push(port, push_body(commit_b, commit_a), "delivery-3");
        CHECK(back.status == 202);
    }
    replay_agent again(manifest, data.path.string());
    const auto port = again.process.port();
    auto replay = push(port, push_body(commit_a, commit_b), "delivery-4");
    INFO(replay.body << "\n" << again.process.log());
    CHECK(replay.status == 200);
    CHECK_THAT(replay.body, Catch::Contains("duplicate"));
    // The same delivery id again is still the redelivery it always was.
    CHECK_THAT(push(port, push_body(commit_b, commit_a), "delivery-3").body,
               Catch::Contains("duplicate: delivery delivery-3 was already accepted"));
}

TEST_CASE("an Infisical delivery sent twice in its window is a duplicate, also after a restart",
          "[e2e][replay]") {
    const test::temp_dir data("da-replay-data");
    const std::string manifest = test::write_temp_file("manifest.yaml", manifest_text);
    const std::int64_t t = now_ms();
    const std::string body = R"({"event":"secrets.modified","project":{"projectId":"p1",)"
                             R"("environment":"prod","secretPath":"/"},"timestamp":)" +
                             std::to_string(t) + "}";
    const std::string signature =
        "t=" + std::to_string(t) + ";" + agent::hmac_sha256_hex(infisical_secret, body);
    {
        replay_agent agent(manifest, data.path.string());
        const auto port = agent.process.port();
        auto first = infisical(port, body, signature);
        INFO(first.body << "\n" << agent.process.log());
        CHECK(first.status == 200);
        CHECK_THAT(first.body, Catch::Contains(R"("action":"nothing_cached")"));
        auto replay = infisical(port, body, signature);
        CHECK(replay.status == 200);
        CHECK_THAT(replay.body, Catch::Contains(R"("success":true)"));
        CHECK_THAT(replay.body, Catch::Contains(R"("action":"duplicate")"));
    }
    replay_agent again(manifest, data.path.string());
    auto replay = infisical(again.process.port(), body, signature);
    INFO(replay.body << "\n" << again.process.log());
    CHECK(replay.status == 200);
    CHECK_THAT(replay.body, Catch::Contains(R"("action":"duplicate")"));
}

TEST_CASE("an Infisical delivery without a signed timestamp is 401 unless allowed",
          "[e2e][replay]") {
    const test::temp_dir data("da-replay-data");
    const std::string manifest = test::write_temp_file("manifest.yaml", manifest_text);
    const std::string body = R"({"event":"secret.updated","workspace":{"id":"p1"}})";
    const std::string plain_hex = agent::hmac_sha256_hex(infisical_secret, body);
    {
        replay_agent agent(manifest, data.path.string());
        auto refused = infisical(agent.process.port(), body, plain_hex);
        INFO(agent.process.log());
        CHECK(refused.status == 401);
        CHECK(refused.body == R"({"success":false,"error":"no signed timestamp"})");
        CHECK(agent.process.wait_for_log("refused (untimed)", std::chrono::seconds(5)));
    }
    replay_agent lenient(manifest, data.path.string(), {{"INFISICAL_ALLOW_UNTIMED", "true"}});
    const auto port = lenient.process.port();
    auto accepted = infisical(port, body, plain_hex);
    INFO(accepted.body << "\n" << lenient.process.log());
    CHECK(accepted.status == 200);
    CHECK_THAT(accepted.body, Catch::Contains(R"("action":"nothing_cached")"));
    // Remembered for the window from its arrival.
    CHECK_THAT(infisical(port, body, plain_hex).body, Catch::Contains(R"("action":"duplicate")"));
}

TEST_CASE("attack: an Infisical delivery replayed as its timestamp turns 5 minutes old is never "
          "accepted again (20 tries, copies from two senders across the edge)",
          "[e2e][replay][attack]") {
    const test::temp_dir data("da-replay-data");
    const std::string manifest = test::write_temp_file("manifest.yaml", manifest_text);
    replay_agent agent(manifest, data.path.string());
    const auto port = agent.process.port();
    constexpr std::int64_t window_ms = 5 * 60'000;
    int extra_acceptances = 0;
    int copies = 0;
    for (int attempt = 0; attempt < 20; ++attempt) {
        // Signed so that the edge comes 15 ms from now; copies go until 10 ms after it.
        const std::int64_t t = now_ms() - window_ms + 15;
        const std::string body = R"({"event":"secrets.modified","project":{"projectId":"p)" +
                                 std::to_string(attempt) +
                                 R"(","environment":"prod","secretPath":"/"},"timestamp":)" +
                                 std::to_string(t) + "}";
        const std::string signature =
            "t=" + std::to_string(t) + ";" + agent::hmac_sha256_hex(infisical_secret, body);
        auto send_copies = [&, t] {
            std::pair<int, int> accepted_and_sent{0, 0};
            while (now_ms() < t + window_ms + 10) {
                const auto r = infisical(port, body, signature);
                ++accepted_and_sent.second;
                if (r.status == 200 && r.body.find(R"("action":"duplicate")") == std::string::npos) {
                    ++accepted_and_sent.first;
                }
            }
            return accepted_and_sent;
        };
        auto other = std::async(std::launch::async, send_copies);
        const auto mine = send_copies();
        const auto theirs = other.get();
        const int accepted = mine.first + theirs.first;
        copies += mine.second + theirs.second;
        extra_acceptances += accepted > 1 ? accepted - 1 : 0;
    }
    INFO(copies << " copies sent in 20 tries\n" << agent.process.log().substr(0, 10000));
    CHECK(copies > 40);
    CHECK(extra_acceptances == 0);
}

}  // namespace replay_test
