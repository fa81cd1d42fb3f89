// Status page sessions: random ids, bounded, expiring, never outliving their token.
#include <catch2/catch.hpp>

#include "status/sessions.hpp"

namespace sessions_test {

using namespace agent::status;
using namespace std::chrono_literals;

TEST_CASE("a session is found by its cookie value until it expires", "[status]") {
    session_store sessions(8, 1h);
    const auto now = std::chrono::system_clock::now();
    std::string id = sessions.create("alice", now, std::nullopt);
    CHECK(id.size() == 64);
    const session* s = sessions.find(id, now + 59min);
    REQUIRE(s != nullptr);
    CHECK(s->subject == "alice");
    CHECK(s->csrf.size() == 64);
    CHECK(s->csrf != id);
    CHECK(sessions.find(id, now + 61min) == nullptr);
    CHECK(sessions.size() == 0);  // the expired one was removed
}

TEST_CASE("a session ends when the token that opened it expires", "[status]") {
    session_store sessions(8, 12h);
    const auto now = std::chrono::system_clock::now();
    std::string id = sessions.create("bob", now, now + 10min);
    CHECK(sessions.find(id, now + 9min) != nullptr);
    CHECK(sessions.find(id, now + 11min) == nullptr);
}

TEST_CASE("sessions are bounded: the oldest goes first", "[status]") {
    session_store sessions(3, 1h);
    const auto now = std::chrono::system_clock::now();
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(sessions.create("u" + std::to_string(i), now + std::chrono::seconds(i),
                                      std::nullopt));
    }
    CHECK(sessions.size() == 3);
    CHECK(sessions.find(ids[0], now + 10s) == nullptr);
    CHECK(sessions.find(ids[1], now + 10s) == nullptr);
    CHECK(sessions.find(ids[4], now + 10s) != nullptr);
}

TEST_CASE("unknown, malformed and removed ids find nothing", "[status]") {
    session_store sessions;
    const auto now = std::chrono::system_clock::now();
    std::string id = sessions.create("carol", now, std::nullopt);
    CHECK(sessions.find("", now) == nullptr);
    CHECK(sessions.find(std::string(64, '0'), now) == nullptr);
    CHECK(sessions.find(id.substr(1), now) == nullptr);
    sessions.remove(id);
    CHECK(sessions.find(id, now) == nullptr);
    CHECK(random_hex(16) != random_hex(16));
}

TEST_CASE("cookie values are read from a Cookie header", "[status]") {
    CHECK(cookie_value("a=1; da_session=abc; b=2", "da_session") == "abc");
    CHECK(cookie_value("da_session=xyz", "da_session") == "xyz");
    CHECK(cookie_value("xda_session=1", "da_session").empty());
    CHECK(cookie_value("", "da_session").empty());
}

}  // namespace sessions_test
