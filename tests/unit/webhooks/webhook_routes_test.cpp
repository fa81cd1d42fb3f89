// The webhooks' replay rules through the router, with a real store, committer and queue (the
// engine is never reached: the queue hands jobs to a recorder): a GitHub push under a new delivery
// id, a force-push back, an Infisical delivery twice, and both across a new router on the same
// store (a restart).
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "accept/acceptor.hpp"
#include "common/clock.hpp"
#include "deploy/deploy_queue.hpp"
#include "deploy/journal.hpp"
#include "http/routes.hpp"
#include "intake/refusal_codes.hpp"
#include "intake/signature.hpp"
#include "manifest/manifest.hpp"
#include "manifest/manifest_holder.hpp"
#include "metrics/agent_metrics.hpp"
#include "store/group_commit.hpp"
#include "store/store.hpp"
#include "support/eventually.hpp"
#include "support/fixtures.hpp"
#include "support/run_async.hpp"
#include "webhooks/webhook_endpoints.hpp"

namespace webhook_routes_test {

using namespace agent;

namespace {

namespace net = boost::asio;

const std::string github_secret = "routes-github-secret";
const std::string infisical_secret = "routes-infisical-secret";
const std::string commit_a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string commit_b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

manifest test_manifest() {
    return parse_manifest(
        "version: 1\napps:\n  web:\n    strategy: restart\n    triggers:\n"
        "      github:\n        repository: octo/web\n        branches: [main]\n",
        "routes-test.yaml");
}

http_request push(const std::string& before, const std::string& after, const std::string& id) {
    http_request r;
    r.method = "POST";
    r.target = "/webhooks/github";
    r.body = R"({"ref":"refs/heads/main","before":")" + before + R"(","after":")" + after +
             R"(","repository":{"full_name":"octo/web"}})";
    r.headers = {{"Content-Type", "application/json"},
                 {"X-GitHub-Event", "push"},
                 {"X-GitHub-Delivery", id},
                 {"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(github_secret, r.body)}};
    return r;
}

http_request infisical(const std::string& body, const std::string& signature) {
    http_request r;
    r.method = "POST";
    r.target = "/webhooks/infisical";
    r.body = body;
    r.headers = {{"Content-Type", "application/json"}, {"x-infisical-signature", signature}};
    return r;
}

net::awaitable<deploy_result> note_run(std::vector<deploy_job>& ran, app_spec, deploy_job job) {
    ran.push_back(std::move(job));
    co_return deploy_result::succeeded;
}

net::awaitable<std::vector<http_response>> drive(router& routes,
                                                 std::vector<http_request> requests) {
    std::vector<http_response> answers;
    for (auto& request : requests) {
        http_response answer = co_await routes.handle(std::move(request));
        answers.push_back(std::move(answer));
    }
    co_return answers;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One router (a process lifetime) over a store that outlives it.
struct routes_fixture {
    test::temp_dir dir;
    std::unique_ptr<store> db = store::open(store_options{.data_dir = (dir.path / "d").string()});
    manifest_holder manifests{test_manifest()};
    log_journal journal;
    steady_clock_source time;
    std::vector<deploy_job> ran;
    group_committer committer{*db};
    std::optional<deploy_queue> queue;
    std::optional<acceptor> accept;
    std::optional<webhook_endpoints> webhooks;
    std::optional<router> routes;

    webhook_settings settings(bool allow_untimed) {
        infisical_intake_options infisical_options;
        infisical_options.allow_untimed = allow_untimed;
        return webhook_settings{
            .secrets = {[](std::string_view name) -> std::optional<configured_secret> {
                if (name == "WEBHOOK_SECRET") {
                    return make_configured_secret(github_secret, "WEBHOOK_SECRET");
                }
                return std::nullopt;
            }},
            .github = {},
            .infisical_secret =
                make_configured_secret(infisical_secret, "INFISICAL_WEBHOOK_SECRET"),
            .infisical = infisical_options,
            .auto_redeploy = {},
        };
    }

    /// A new router (a restart) answering `requests` in order.
    std::vector<http_response> run(std::vector<http_request> requests, bool allow_untimed = false) {
        return test::run_async([&](net::any_io_executor ex) {
            routes.reset();
            webhooks.reset();
            accept.reset();
            queue.reset();
            queue.emplace(
                ex,
                [this](app_spec app, deploy_job job) {
                    return note_run(ran, std::move(app), std::move(job));
                },
                journal, [this] { return manifests.current(); }, time,
                queue_options{.debounce = std::chrono::milliseconds{0}});
            // As serve does: the ids accepted before this start come from the store.
            accept.emplace(committer, *db, *queue, load_accepted_deliveries(*db, {}, now_ms()));
            webhooks.emplace(webhook_services{manifests, *accept, nullptr},
                             settings(allow_untimed));
            route_table table;
            webhook_endpoints& endpoints = *webhooks;
            for (const char* path : {"/webhook", "/webhooks/github"}) {
                table.add(path, {"POST"},
                          [&endpoints](const http_request& r) { return endpoints.github(r); });
            }
            table.add("/webhooks/infisical", {"POST"},
                      [&endpoints](const http_request& r) { return endpoints.infisical(r); });
            routes.emplace(std::move(table), nullptr);
            return drive(*routes, std::move(requests));
        });
    }
};

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// The lines logged while it lives (the default logger writes into `text`).
class captured_log {
  public:
    captured_log()
        : previous_(spdlog::default_logger()),
          sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(text_)) {
        auto logger = std::make_shared<spdlog::logger>("captured", sink_);
        logger->set_level(spdlog::level::info);
        spdlog::set_default_logger(std::move(logger));
    }
    ~captured_log() { spdlog::set_default_logger(previous_); }
    captured_log(const captured_log&) = delete;
    captured_log& operator=(const captured_log&) = delete;

    /// The lines that contain every one of `parts`.
    std::size_t lines_with(std::initializer_list<std::string_view> parts) {
        sink_->flush();
        std::istringstream lines(text_.str());
        std::size_t n = 0;
        for (std::string line; std::getline(lines, line);) {
            bool all = true;
            for (auto part : parts) {
                all = all && contains(line, part);
            }
            n += all ? 1 : 0;
        }
        return n;
    }

  private:
    std::ostringstream text_;
    std::shared_ptr<spdlog::logger> previous_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

std::string infisical_body(std::int64_t t) {
    return R"({"event":"secrets.modified","project":{"projectId":"p1","environment":"prod"},)"
           R"("timestamp":)" +
           std::to_string(t) + "}";
}

}  // namespace

TEST_CASE(
    "routes: a GitHub push under a new delivery id is a duplicate, a force-push back is "
    "not",
    "[http]") {
    routes_fixture f;
    auto answers = f.run({push(commit_a, commit_b, "d-1"), push(commit_a, commit_b, "d-2"),
                          push(commit_b, commit_a, "d-3")});
    REQUIRE(answers.size() == 3);
    CHECK(answers[0].status == 202);
    CHECK(answers[1].status == 200);
    CHECK(
        contains(answers[1].body, "duplicate: push aaaaaaaaaaaa..bbbbbbbbbbbb to refs/heads/main"));
    CHECK(answers[2].status == 202);
    // Recorded without an fsync of its own, so a moment later.
    CHECK(test::eventually(
        [&] {
            auto d = f.db->find_delivery("d-2");
            return d && d->verdict == "duplicate";
        },
        std::chrono::seconds(5)));

    // After a restart the store remembers: the in-memory replay memory is gone.
    auto later = f.run({push(commit_a, commit_b, "d-4"), push(commit_b, commit_a, "d-5")});
    CHECK(later[0].status == 200);
    CHECK(contains(later[0].body, "duplicate"));
    CHECK(later[1].status == 200);
    CHECK(f.ran.size() == 2);
}

TEST_CASE("routes: an Infisical delivery twice is a duplicate, also after a restart", "[http]") {
    routes_fixture f;
    const std::int64_t t = now_ms();
    const std::string body = infisical_body(t);
    const std::string signature =
        "t=" + std::to_string(t) + ";" + hmac_sha256_hex(infisical_secret, body);
    auto answers = f.run({infisical(body, signature), infisical(body, signature)});
    CHECK(answers[0].status == 200);
    CHECK(contains(answers[0].body, R"("action":"cache_cleared")"));
    CHECK(answers[1].status == 200);
    CHECK(
        answers[1].body ==
        R"({"success":true,"message":"Webhook already processed","event":"secrets.modified","action":"duplicate"})");
    CHECK(contains(f.run({infisical(body, signature)})[0].body, R"("action":"duplicate")"));
    // Another delivery (another signed timestamp) is not a replay.
    const std::string next = infisical_body(t + 1);
    const std::string next_signature =
        "t=" + std::to_string(t + 1) + ";" + hmac_sha256_hex(infisical_secret, next);
    CHECK(
        contains(f.run({infisical(next, next_signature)})[0].body, R"("action":"cache_cleared")"));
}

TEST_CASE("routes: an untimed Infisical delivery is 401 unless allowed, then remembered",
          "[http]") {
    routes_fixture f;
    const std::string body = R"({"event":"secret.updated","workspace":{"id":"p1"}})";
    const std::string hex = hmac_sha256_hex(infisical_secret, body);
    auto refused = f.run({infisical(body, hex)});
    CHECK(refused[0].status == 401);
    CHECK(refused[0].body == R"({"success":false,"error":"no signed timestamp"})");
    auto allowed = f.run({infisical(body, hex), infisical(body, hex)}, true);
    CHECK(allowed[0].status == 200);
    CHECK(contains(allowed[0].body, R"("action":"cache_cleared")"));
    CHECK(contains(allowed[1].body, R"("action":"duplicate")"));
}

TEST_CASE("routes: 404 and 405 answers", "[http]") {
    routes_fixture f;
    http_request missing;
    missing.method = "GET";
    missing.target = "/" + std::string(16 * 1024, 'x');
    http_request wrong;
    wrong.method = "GET";
    wrong.target = "/webhook";
    auto answers = f.run({missing, wrong});
    CHECK(answers[0].status == 404);
    CHECK(answers[1].status == 405);
    REQUIRE(answers[1].headers.size() == 1);
    CHECK(answers[1].headers[0].second == "POST");
}

TEST_CASE("routes: a redelivery after a restart is found among the accepted ids", "[http]") {
    routes_fixture f;
    CHECK(f.run({push(commit_a, commit_b, "d-1")})[0].status == 202);
    auto again = f.run({push(commit_a, commit_b, "d-1")});
    CHECK(again[0].status == 200);
    CHECK(contains(again[0].body, "duplicate: delivery d-1 was already accepted"));
}

TEST_CASE("routes: duplicates are logged within the refusals' budget, all recorded", "[http]") {
    routes_fixture f;
    std::vector<http_request> flood{push(commit_a, commit_b, "d-0")};
    for (int i = 1; i <= 30; ++i) {
        flood.push_back(push(commit_a, commit_b, "r-" + std::to_string(i)));
    }
    captured_log log;
    // The run ends once the held-back lines are summed up (a second later).
    auto answers = f.run(flood);
    REQUIRE(answers.size() == 31);
    CHECK(answers[0].status == 202);
    for (std::size_t i = 1; i < answers.size(); ++i) {
        CHECK(answers[i].status == 200);
    }
    const std::size_t logged = log.lines_with({"github push delivery r-", "duplicate: push"});
    CHECK(logged >= 1);
    CHECK(logged <= client_log_budget::default_per_client);
    CHECK(log.lines_with({"github webhook flood:", "more duplicate deliveries (replay "}) >= 1);
    // Every one is still in the history.
    CHECK(test::eventually(
        [&] {
            for (int i = 1; i <= 30; ++i) {
                auto d = f.db->find_delivery("r-" + std::to_string(i));
                if (!d || d->verdict != "duplicate") {
                    return false;
                }
            }
            return true;
        },
        std::chrono::seconds(5)));
}

TEST_CASE("routes: the deliveries counter's reason label comes from a fixed set", "[http]") {
    routes_fixture f;
    auto& deliveries = metrics::process_metrics().deliveries;
    const auto refused_before = deliveries.value({"github", "refused", "bad_signature"});
    std::vector<http_request> flood;
    for (int i = 0; i < 30; ++i) {
        http_request forged = push(commit_a, commit_b, "f-" + std::to_string(i));
        forged.body += " ";  // the signature no longer matches
        flood.push_back(std::move(forged));
    }
    // More than the budget logs: the rest is summed up, and the summary recorded, a second later.
    auto answers = f.run(flood);
    CHECK(answers[0].status == 401);
    CHECK(deliveries.value({"github", "refused", "bad_signature"}) - refused_before == 30);
    CHECK(test::eventually(
        [&] {
            for (const auto& d : f.db->recent_deliveries(100)) {
                if (d.reason.starts_with("flood: ")) {
                    return true;
                }
            }
            return false;
        },
        std::chrono::seconds(5)));
    for (const auto& [labels, value] : deliveries.snapshot()) {
        REQUIRE(labels.size() == 3);
        const std::string& reason = labels[2];
        INFO("reason label: " << reason);
        CHECK((reason.empty() || reason == "other" || is_refusal_code(reason)));
    }
}

}  // namespace webhook_routes_test
