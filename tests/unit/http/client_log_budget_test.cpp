#include <catch2/catch.hpp>

#include <string>

#include "http/client_log_budget.hpp"

namespace client_log_budget_test {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

TEST_CASE("client log budget: per client and in all, the rest summed up once", "[http]") {
    agent::client_log_budget budget("client errors", 4, 2);
    const auto t0 = clock_type::time_point{} + 100s;
    CHECK(budget.admit(t0, "192.0.2.1", "404"));
    CHECK(budget.admit(t0, "192.0.2.1", "404"));
    CHECK_FALSE(budget.would_admit(t0, "192.0.2.1"));
    CHECK(budget.would_admit(t0, "192.0.2.2"));
    CHECK_FALSE(budget.admit(t0 + 1ms, "192.0.2.1", "404"));
    CHECK_FALSE(budget.admit(t0 + 2ms, "192.0.2.1", "400"));
    // Another address still has room until the global cap.
    CHECK(budget.admit(t0 + 3ms, "192.0.2.2", "431"));
    CHECK(budget.admit(t0 + 4ms, "192.0.2.3", "431"));
    CHECK_FALSE(budget.would_admit(t0 + 5ms, "192.0.2.4"));
    CHECK_FALSE(budget.admit(t0 + 5ms, "192.0.2.4", "431"));
    CHECK(budget.holding());
    CHECK_FALSE(budget.take_summary(t0 + 900ms).has_value());

    auto summary = budget.take_summary(t0 + 1100ms);
    REQUIRE(summary.has_value());
    CHECK(*summary == "3 more client errors (400 1, 404 1, 431 1), most from 192.0.2.1 (2)");
    CHECK_FALSE(budget.holding());
    CHECK_FALSE(budget.take_summary(t0 + 1200ms).has_value());
    CHECK(budget.admit(t0 + 1300ms, "192.0.2.1", "404"));
}

TEST_CASE("client log budget: a quiet client is never held back", "[http]") {
    agent::client_log_budget budget("client errors", 2, 1);
    auto t = clock_type::time_point{} + 5s;
    for (int i = 0; i < 20; ++i) {
        CHECK(budget.admit(t, "192.0.2.1", "404"));
        t += 1100ms;
    }
    CHECK_FALSE(budget.take_summary(t).has_value());
}

TEST_CASE("client log budget: seconds that end unasked are summed up together", "[http]") {
    agent::client_log_budget budget("refused deliveries", 1, 1);
    const auto t0 = clock_type::time_point{} + 100s;
    CHECK(budget.admit(t0, "a", "x"));
    CHECK_FALSE(budget.admit(t0, "a", "x"));
    CHECK(budget.admit(t0 + 1500ms, "b", "y"));
    CHECK_FALSE(budget.admit(t0 + 1600ms, "b", "y"));
    auto summary = budget.take_summary(t0 + 3s);
    REQUIRE(summary.has_value());
    CHECK(*summary ==
          "1 more refused deliveries (x 1), most from a (1); "
          "1 more refused deliveries (y 1), most from b (1)");
}

TEST_CASE("client log budget: many addresses cannot grow it without bound", "[http]") {
    agent::client_log_budget budget("client errors", 100000, 1);
    const auto t0 = clock_type::time_point{} + 100s;
    std::size_t admitted = 0;
    for (int i = 0; i < 10000; ++i) {
        admitted += budget.admit(t0, "10.0." + std::to_string(i), "404") ? 1 : 0;
    }
    // Untracked addresses share the global cap, which is high here: all admitted once.
    CHECK(admitted == 10000);
}

TEST_CASE("loggable: escapes control characters and invalid UTF-8, truncates", "[http]") {
    CHECK(agent::loggable("/webhooks/github") == "/webhooks/github");
    CHECK(agent::loggable("a\nb\r\x1b[31m") == "a\\x0ab\\x0d\\x1b[31m");
    CHECK(agent::loggable("back\\slash") == "back\\x5cslash");
    CHECK(agent::loggable("caf\xc3\xa9 \xe2\x82\xac") == "caf\xc3\xa9 \xe2\x82\xac");
    CHECK(agent::loggable("bad \xff\xc3(") == "bad \\xff\\xc3(");
    CHECK(agent::loggable("overlong \xc0\xaf") == "overlong \\xc0\\xaf");
    CHECK(agent::loggable("surrogate \xed\xa0\x80") == "surrogate \\xed\\xa0\\x80");
    CHECK(agent::loggable("c1 \xc2\x9b") == "c1 \\xc2\\x9b");
    CHECK(agent::loggable(std::string(300, 'a')) == std::string(200, 'a') + "…(+100 bytes)");
    // A character is never cut in half.
    CHECK(agent::loggable("ab\xe2\x82\xac", 4) == "ab…(+3 bytes)");
    CHECK(agent::loggable(std::string(16384, '/'), 10).size() < 40);
}

TEST_CASE("client log budget: kinds share the caps and are summed up each on its own", "[http]") {
    agent::client_log_budget budget("client errors", 2, 2);
    const auto t0 = clock_type::time_point{} + 100s;
    CHECK(budget.admit(t0, "a", "404"));
    CHECK(budget.admit(t0, "b", "bad_signature", "refused deliveries"));
    // The cap is one for all kinds: neither kind has room left in this second.
    CHECK_FALSE(budget.admit(t0, "c", "400"));
    CHECK_FALSE(budget.admit(t0, "c", "bad_signature", "refused deliveries"));
    CHECK_FALSE(budget.admit(t0, "c", "bad_signature", "refused deliveries"));
    CHECK(budget.holding());
    CHECK(budget.holding("refused deliveries"));
    auto errors = budget.take_summary(t0 + 1100ms);
    REQUIRE(errors.has_value());
    CHECK(*errors == "1 more client errors (400 1), most from c (1)");
    CHECK_FALSE(budget.holding());
    CHECK(budget.holding("refused deliveries"));
    auto refused = budget.take_summary(t0 + 1100ms, "refused deliveries");
    REQUIRE(refused.has_value());
    CHECK(*refused == "2 more refused deliveries (bad_signature 2), most from c (2)");
    CHECK_FALSE(budget.holding("refused deliveries"));
}

TEST_CASE("client log budget: every kind held back is summed up in one line, each kind's summary "
          "handed on",
          "[http]") {
    agent::client_log_budget budget("client errors", 1, 1);
    std::string github_summary;
    budget.describe("refused deliveries", "github webhook",
                    [&](const std::string& s) { github_summary = s; });
    budget.describe("API refusals", "api");
    const auto t0 = clock_type::time_point{} + 100s;
    CHECK(budget.admit(t0, "a", "404"));
    CHECK_FALSE(budget.admit(t0, "a", "bad_signature", "refused deliveries"));
    CHECK_FALSE(budget.admit(t0, "a", "malformed token", "API refusals"));
    CHECK_FALSE(budget.admit(t0, "a", "404"));
    CHECK(budget.holding_any());
    CHECK_FALSE(budget.take_summaries(t0 + 500ms).has_value());
    auto line = budget.take_summaries(t0 + 1100ms);
    REQUIRE(line.has_value());
    CHECK(*line ==
          "api flood: 1 more API refusals (malformed token 1), most from a (1); "
          "http flood: 1 more client errors (404 1), most from a (1); "
          "github webhook flood: 1 more refused deliveries (bad_signature 1), most from a (1)");
    CHECK(github_summary == "1 more refused deliveries (bad_signature 1), most from a (1)");
    CHECK_FALSE(budget.holding_any());
}

}  // namespace client_log_budget_test
