#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "api/deployment_events.hpp"
#include "support/run_async.hpp"

namespace deployment_events_test {

namespace {

using namespace std::chrono_literals;

// One deployment that runs for ever.
struct running_history final : agent::history_reader {
    std::vector<agent::deployment_record> list_deployments(std::optional<std::string>,
                                                           std::size_t) override {
        return {};
    }
    std::optional<agent::deployment_record> get_deployment(std::int64_t id) override {
        agent::deployment_record d;
        d.id = id;
        d.app = "web";
        d.state = agent::deployment_state::running;
        return d;
    }
    std::vector<agent::step_record> steps(std::int64_t) override { return {}; }
    std::optional<agent::deployment_record> last_deployment(std::string_view) override {
        return std::nullopt;
    }
    std::vector<agent::deployment_record> unfinished() override { return {}; }
    std::optional<agent::delivery_record> find_delivery(std::string_view) override {
        return std::nullopt;
    }
    std::vector<agent::delivery_record> recent_deliveries(std::size_t) override { return {}; }
    std::vector<agent::notification_attempt> notification_attempts(std::int64_t) override {
        return {};
    }
};

// Every piece of `stream` until it ends.
boost::asio::awaitable<std::vector<std::string>> collect(
    std::shared_ptr<agent::response_stream> stream) {
    std::vector<std::string> got;
    while (auto piece = co_await stream->next()) {
        got.push_back(*piece);
    }
    co_return got;
}

}  // namespace

TEST_CASE("deployment events: a stream ends when the token that opened it expires", "[api]") {
    running_history db;
    agent::event_stream_limits limits;
    limits.poll = 50ms;
    limits.token_expires_at = std::chrono::system_clock::now() + 300ms;
    const auto start = std::chrono::steady_clock::now();
    const agent::http_response r = agent::deployment_events(db, "7", limits);
    REQUIRE(r.stream);
    const auto pieces = test::run_async([stream = r.stream](auto) { return collect(stream); });
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(pieces.empty());
    CHECK(pieces.front().starts_with("event: state"));
    CHECK(pieces.back() == "event: expired\ndata: {}\n\n");
    CHECK(took < 1s);
}

TEST_CASE("deployment events: after a second of silence a heartbeat goes out, so a vanished "
          "client is found by the next write",
          "[api]") {
    running_history db;
    agent::event_stream_limits limits;  // the default heartbeat
    limits.poll = 50ms;
    limits.token_expires_at = std::chrono::system_clock::now() + 1200ms;
    const agent::http_response r = agent::deployment_events(db, "7", limits);
    REQUIRE(r.stream);
    const auto pieces = test::run_async([stream = r.stream](auto) { return collect(stream); });
    REQUIRE(pieces.size() == 3);
    CHECK(pieces[1] == ": still running\n\n");
    CHECK(pieces[2] == "event: expired\ndata: {}\n\n");
}

}  // namespace deployment_events_test
