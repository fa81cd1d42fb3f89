#include <boost/asio/ip/tcp.hpp>
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "manifest/manifest.hpp"
#include "secrets/doctor_infisical.hpp"
#include "secrets/infisical_http_client.hpp"
#include "support/fake_infisical.hpp"
#include "support/manual_clock.hpp"
#include "support/run_async.hpp"

namespace infisical_http_client_test {

using namespace agent;
using test::fake_infisical;

namespace {

namespace net = boost::asio;

infisical_settings settings_for(const fake_infisical& server) {
    infisical_settings s;
    s.api_url = server.url();
    s.ca_file = server.ca_file();
    s.client_id = "client-id";
    s.client_secret = "client-secret";
    s.call_deadline = std::chrono::seconds(5);
    return s;
}

secret_listing list_once(const infisical_settings& s, secret_scope scope) {
    steady_clock_source time;
    return test::run_async([&](net::any_io_executor ex) -> net::awaitable<secret_listing> {
        auto client = make_infisical_client(ex, s, time);
        co_return co_await client->list_secrets(scope);
    });
}

bool any_contains(const std::vector<std::string>& lines, const std::string& text) {
    for (const auto& l : lines) {
        if (l.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

const secret_scope api{"proj-1", "prod", "/api"};

}  // namespace

TEST_CASE("universal auth: login, v4 list with imports, the token reused", "[secrets]") {
    fake_infisical server;
    server.set_secret("proj-1", "prod", "/api", "DB", "own-value");
    server.set_secret("proj-1", "prod", "/shared", "DB", "shared-db");
    server.set_secret("proj-1", "prod", "/shared", "REDIS", "shared-redis");
    server.set_secret("proj-1", "prod", "/api", "HIDDEN", "h", true);
    server.add_import("proj-1", "prod", "/api", "prod", "/shared");
    steady_clock_source time;
    auto [first, second] = test::run_async(
        [&](net::any_io_executor ex) -> net::awaitable<std::pair<secret_listing, secret_listing>> {
            auto client = make_infisical_client(ex, settings_for(server), time);
            auto a = co_await client->list_secrets(api);
            auto b = co_await client->list_secrets(api);
            co_return std::pair{a, b};
        });
    CHECK(first.values == std::map<std::string, std::string>{{"DB", "own-value"},
                                                             {"REDIS", "shared-redis"}});
    CHECK(first.hidden == std::vector<std::string>{"HIDDEN"});
    CHECK(second.values == first.values);
    CHECK(server.logins() == 1);
    const auto requests = server.requests();
    CHECK(any_contains(requests, "GET /api/v4/secrets?projectId=proj-1&environment=prod"
                                 "&secretPath=%2Fapi&recursive=false&include_imports=true"));
}

TEST_CASE("v4 answering 404 falls back to v3 raw", "[secrets]") {
    fake_infisical server;
    server.set_v4_available(false);
    server.set_secret("proj-1", "prod", "/api", "DB", "v3-value");
    auto listing = list_once(settings_for(server), api);
    CHECK(listing.values.at("DB") == "v3-value");
    CHECK(any_contains(server.requests(), "GET /api/v3/secrets/raw?workspaceId=proj-1"));
}

TEST_CASE("429 waits for Retry-After and tries again", "[secrets]") {
    fake_infisical server;
    server.set_secret("proj-1", "prod", "/api", "DB", "x");
    server.rate_limit_next(1, 1);
    const auto start = std::chrono::steady_clock::now();
    auto listing = list_once(settings_for(server), api);
    CHECK(listing.values.at("DB") == "x");
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(900));
}

TEST_CASE("an expired token logs in again, a renewal is used, then a refused one logs in",
          "[secrets]") {
    fake_infisical server;
    server.set_secret("proj-1", "prod", "/api", "DB", "x");
    server.set_token_ttl_seconds(100);
    test::run_async([&](net::any_io_executor ex) -> net::awaitable<void> {
        test::manual_clock time(ex);
        auto client = make_infisical_client(ex, settings_for(server), time);
        co_await client->list_secrets(api);
        server.expire_tokens();
        co_await client->list_secrets(api);  // 401 → login
        CHECK(server.logins() == 2);
        time.advance(std::chrono::seconds(95));  // past 90 % of expiresIn
        co_await client->list_secrets(api);
        CHECK(server.renewals() == 1);
        CHECK(server.logins() == 2);
        server.refuse_renewals(true);
        time.advance(std::chrono::seconds(95));
        co_await client->list_secrets(api);
        CHECK(server.renewals() == 2);
        CHECK(server.logins() == 3);
    });
}

TEST_CASE("a service token authenticates with its access part only", "[secrets]") {
    fake_infisical server;
    server.set_service_token("st.abc.def.decryption-key");
    server.set_secret("proj-1", "prod", "/api", "DB", "x");
    infisical_settings s = settings_for(server);
    s.client_id.clear();
    s.client_secret.clear();
    s.service_token = "st.abc.def.decryption-key";
    CHECK(list_once(s, api).values.at("DB") == "x");
    for (const auto& auth : server.authorizations()) {
        CHECK(auth == "Bearer st.abc.def");
    }
    CHECK(server.logins() == 0);
}

TEST_CASE("outages, refusals and missing folders are errors that name the scope", "[secrets]") {
    fake_infisical server;
    server.set_down(true);
    CHECK_THROWS_WITH(list_once(settings_for(server), api),
                      Catch::Contains("503") && Catch::Contains("proj-1-prod-/api"));
    server.set_down(false);
    CHECK_THROWS_WITH(list_once(settings_for(server), api), Catch::Contains("404"));
    server.set_client("client-id", "another-secret");
    CHECK_THROWS_WITH(list_once(settings_for(server), api), Catch::Contains("login"));
}

TEST_CASE("a certificate for another host is refused", "[secrets]") {
    fake_infisical server(fake_infisical::options{.names = {"DNS:wrong.example"}});
    server.set_secret("proj-1", "prod", "/api", "DB", "x");
    CHECK_THROWS_WITH(list_once(settings_for(server), api),
                      Catch::Contains("TLS certificate refused"));
    CHECK(server.requests().empty());
}

TEST_CASE("a certificate from an untrusted CA is refused", "[secrets]") {
    fake_infisical server;
    infisical_settings s = settings_for(server);
    s.ca_file.clear();  // only the system store, which does not know the test CA
    CHECK_THROWS_WITH(list_once(s, api), Catch::Contains("TLS certificate refused"));
}

TEST_CASE("a server that never answers ends at the deadline", "[secrets]") {
    net::io_context io;
    net::ip::tcp::acceptor silent(io, {net::ip::make_address("127.0.0.1"), 0});
    infisical_settings s;
    s.api_url = "https://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
    s.service_token = "st.a.b.c";
    s.call_deadline = std::chrono::milliseconds(300);
    CHECK_THROWS_WITH(list_once(s, api), Catch::Contains("deadline passed"));
}

TEST_CASE("plain http is spoken to a loopback server", "[secrets]") {
    fake_infisical server(fake_infisical::options{.tls = false});
    server.set_secret("proj-1", "prod", "/api", "DB", "plain");
    infisical_settings s = settings_for(server);
    s.ca_file.clear();
    CHECK(list_once(s, api).values.at("DB") == "plain");
}

TEST_CASE("doctor infisical lists key names, never values, and fails on a missing key",
          "[secrets]") {
    fake_infisical server;
    server.set_secret("proj-1", "prod", "/api", "DB", "doctor-value-1");
    const manifest apps = parse_manifest(
        "version: 1\napps:\n"
        "  good:\n    image: x/y:1\n    strategy: restart\n"
        "    secrets:\n      infisical: { project: proj-1, environment: prod, path: /api }\n"
        "  short:\n    image: x/y:1\n    strategy: restart\n"
        "    secrets:\n      infisical: { project: proj-1, environment: prod, path: /api, "
        "keys: [DB, GONE] }\n",
        "doctor.yaml");
    steady_clock_source time;
    const infisical_settings s = settings_for(server);
    auto check = test::run_async([&](net::any_io_executor ex) -> net::awaitable<infisical_check> {
        auto client = make_infisical_client(ex, s, time);
        co_return co_await check_infisical(client.get(), s, apps);
    });
    CHECK_FALSE(check.ok);
    std::vector<std::string> lines;
    for (const auto& f : check.findings) {
        lines.push_back(fmt::format("{} {}: {}", f.ok ? "ok" : "FAIL", f.subject, f.detail));
    }
    CHECK(any_contains(lines, "ok app good infisical: proj-1-prod-/api: 1 key(s): DB"));
    CHECK(any_contains(lines, "FAIL app short infisical: proj-1-prod-/api: missing key(s) GONE"));
    CHECK_FALSE(any_contains(lines, "doctor-value-1"));
}

}  // namespace infisical_http_client_test
