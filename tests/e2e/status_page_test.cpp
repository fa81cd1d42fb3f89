// The status page and the event stream through the built binary: real engine, real store, and
// a real headless browser (tests/browser/status_page.py drives Debian's chromium).
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include <catch2/catch.hpp>

#include "api/bearer_token.hpp"
#include "intake/signature.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/two_app_agent.hpp"

namespace status_page_test {

namespace {

using namespace std::chrono_literals;
using headers = std::vector<std::pair<std::string, std::string>>;

const std::string jwt_secret = "status-e2e-jwt-secret-0123456789";
const std::string evil = "<script>alert(1)</script>";
const std::string webhook_secret = "status-e2e-webhook-secret";

std::string header_of(const test::http_result& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) {
            return v;
        }
    }
    return {};
}

std::string token(const std::string& subject) {
    return agent::issue_token(jwt_secret, subject, std::chrono::seconds(3600),
                              std::chrono::system_clock::now());
}

// An agent with the status page on (test::two_app_agent: `ghost` fails at once, `live` takes
// 3 s to be stable).
struct status_rig : test::two_app_agent {
    status_rig()
        : two_app_agent({"status", jwt_secret, webhook_secret, "3s", "",
                         {{"STATUS_PAGE", "true"}, {"LOG_LEVEL", "debug"}}}) {}

    test::http_result get(const std::string& target, const std::string& cookie = {}) {
        return test::http_request(port, "GET", target, cookie.empty() ? headers{} : headers{{"Cookie", cookie}});
    }
    test::http_result post_form(const std::string& target, const std::string& cookie,
                                const std::string& body) {
        headers h{{"Content-Type", "application/x-www-form-urlencoded"}};
        if (!cookie.empty()) {
            h.emplace_back("Cookie", cookie);
        }
        return test::http_request(port, "POST", target, h, body);
    }
    // Logs in with a token for `subject`; returns "da_session=…".
    std::string login(const std::string& subject) {
        auto r = post_form("/login", "", "token=" + token(subject));
        REQUIRE(r.status == 303);
        const std::string cookie = header_of(r, "Set-Cookie");
        CHECK_THAT(cookie, Catch::Contains("HttpOnly") && Catch::Contains("SameSite=Strict"));
        return cookie.substr(0, cookie.find(';'));
    }
    // A correctly signed push to a branch named like markup; no app deploys it (ignored).
    void push_evil_branch() {
        const std::string sha = "0123456789abcdef0123456789abcdef01234567";
        const std::string body = R"({"ref":"refs/heads/)" + evil + R"(","after":")" + sha +
                                 R"(","repository":{"full_name":"example/web"},"head_commit":{"id":")" +
                                 sha + R"("}})";
        auto r = test::http_request(
            port, "POST", "/webhook",
            {{"Content-Type", "application/json"}, {"X-GitHub-Event", "push"},
             {"X-GitHub-Delivery", test::unique_name("status-e2e")},
             {"X-Hub-Signature-256", "sha256=" + agent::hmac_sha256_hex(webhook_secret, body)}},
            body);
        CHECK(r.status == 200);
    }
    // A delivery whose signature header is malformed: a refusal with its diagnosis.
    void send_refused_delivery() {
        test::http_request(port, "POST", "/webhook",
                           {{"Content-Type", "application/json"}, {"X-GitHub-Event", "push"},
                            {"X-Hub-Signature-256", "sha256=00"}},
                           "{}");
    }
    std::size_t deployment_count() {
        auto r = test::http_request(port, "GET", "/api/deployments?limit=500",
                                    {{"Authorization", bearer}});
        std::size_t n = 0;
        for (auto at = r.body.find("\"id\":"); at != std::string::npos; at = r.body.find("\"id\":", at + 1)) {
            ++n;
        }
        return n;
    }
};

std::string csrf_of(const std::string& html) {
    std::smatch m;
    REQUIRE(std::regex_search(html, m, std::regex(R"re(name="csrf" value="([0-9a-f]{64})")re")));
    return m[1];
}

}  // namespace

TEST_CASE("the status page: login, apps, a failed deployment's reason, CSRF, escaping", "[e2e]") {
    status_rig rig;
    INFO("agent log:\n" << rig.process.log());
    auto anonymous = rig.get("/");
    CHECK(anonymous.status == 303);
    CHECK(header_of(anonymous, "Location") == "/login");
    CHECK(rig.get("/deployments/1").status == 303);
    CHECK(rig.post_form("/apps/ghost/deploy", "", "csrf=x").status == 403);
    CHECK(rig.get("/login").status == 200);
    CHECK(rig.post_form("/login", "", "token=not-a-token").status == 401);

    const auto failed = rig.deploy("ghost");
    REQUIRE(test::eventually([&] { return rig.state_of(failed) == "failed"; }, std::chrono::seconds(30)));
    // A branch and a token subject that are markup are shown as text; a refusal with its
    // diagnosis.
    rig.push_evil_branch();
    rig.send_refused_delivery();
    const std::string cookie = rig.login(evil);
    std::string page;
    REQUIRE(test::eventually([&] {
        page = rig.get("/", cookie).body;
        return page.find("refs/heads/&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos &&
               page.find("signature header is not in the expected format") != std::string::npos;
    }, std::chrono::seconds(10)));
    CHECK(page.find(evil) == std::string::npos);
    CHECK_THAT(page, Catch::Contains(">ghost<") && Catch::Contains(">live<"));
    CHECK_THAT(page, Catch::Contains("does not exist"));
    CHECK_THAT(page, Catch::Contains("<span class=\"mute\">&lt;script&gt;alert(1)&lt;/script&gt;</span>"));
    CHECK(page.find(jwt_secret) == std::string::npos);

    const auto before = rig.deployment_count();
    CHECK(rig.post_form("/apps/ghost/deploy", cookie, "force=1").status == 403);
    CHECK(rig.post_form("/apps/ghost/deploy", cookie, "csrf=" + std::string(64, 'a')).status == 403);
    CHECK(rig.deployment_count() == before);  // nothing queued

    auto queued = rig.post_form("/apps/ghost/deploy", cookie, "csrf=" + csrf_of(page));
    CHECK(queued.status == 303);
    CHECK_THAT(header_of(queued, "Location"), Catch::StartsWith("/deployments/"));
    CHECK(rig.deployment_count() == before + 1);
    auto shown = rig.get(header_of(queued, "Location"), cookie);
    CHECK(shown.status == 200);
    CHECK_THAT(header_of(shown, "Content-Security-Policy"), Catch::Contains("script-src 'self'"));

    CHECK(rig.post_form("/logout", cookie, "csrf=" + csrf_of(page)).status == 303);
    CHECK(rig.get("/", cookie).status == 303);
}

TEST_CASE("GET /api/deployments/{id}/events streams the steps until the deployment ends",
          "[e2e]") {
    status_rig rig;
    INFO("agent log:\n" << rig.process.log());
    CHECK(test::http_request(rig.port, "GET", "/api/deployments/1/events").status == 401);
    const auto id = rig.deploy("live");
    auto stream = test::http_request(rig.port, "GET",
                                     "/api/deployments/" + std::to_string(id) + "/events",
                                     {{"Authorization", rig.bearer}});
    CHECK(stream.status == 200);
    CHECK(header_of(stream, "Content-Type") == "text/event-stream");
    CHECK_THAT(stream.body, Catch::StartsWith("event: state\ndata: {\"id\":" + std::to_string(id)));
    CHECK_THAT(stream.body, Catch::Contains("event: step\ndata: {\"at\":"));
    CHECK_THAT(stream.body, Catch::Contains("restarting container"));
    CHECK_THAT(stream.body, Catch::EndsWith("event: end\ndata: {\"state\":\"succeeded\"}\n\n"));
    CHECK(test::http_request(rig.port, "GET", "/api/deployments/999999/events",
                             {{"Authorization", rig.bearer}}).status == 404);
}

TEST_CASE("the status page in a headless browser (chromium)", "[e2e][browser]") {
    status_rig rig;
    const auto failed = rig.deploy("ghost");
    REQUIRE(test::eventually([&] { return rig.state_of(failed) == "failed"; }, std::chrono::seconds(30)));
    rig.push_evil_branch();
    rig.send_refused_delivery();
    const auto before = rig.deployment_count();
    // Screenshots go under the build tree, which CI keeps as an artifact.
    const auto shots = std::filesystem::path(DA_AGENT_BINARY).parent_path().parent_path() / "browser";
    const std::string command = "python3 " + std::string(DA_SOURCE_DIR) +
                                "/tests/browser/status_page.py --base http://127.0.0.1:" +
                                std::to_string(rig.port) + " --token '" + token("browser") +
                                "' --failed-app ghost --live-app live --evil '" + evil +
                                "' --shots '" + shots.string() + "' > " + shots.string() +
                                ".log 2>&1";
    std::filesystem::create_directories(shots);
    const int status = std::system(command.c_str());
    INFO("browser script:\n" << test::read_bytes(shots.string() + ".log") << "\nagent log:\n"
                             << rig.process.log());
    CHECK(status == 0);
    CHECK(std::filesystem::exists(shots / "status-overview.png"));
    CHECK(std::filesystem::exists(shots / "status-deployment.png"));
    CHECK(rig.deployment_count() == before + 1);  // the redeploy, and not the forged POST
}

}  // namespace status_page_test
