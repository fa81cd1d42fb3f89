#include <catch2/catch.hpp>

#include "common/iso8601.hpp"

namespace iso8601_test {

using namespace agent;

namespace {

constexpr std::int64_t sent_ms = 1767225600000;  // 2026-01-01T00:00:00.000Z

std::chrono::system_clock::time_point at_ms(std::int64_t ms) {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}};
}

}  // namespace

TEST_CASE("ISO-8601 parsing and formatting", "[common]") {
    CHECK(iso8601_utc_millis(at_ms(0)) == "1970-01-01T00:00:00.000Z");
    CHECK(iso8601_utc_millis(at_ms(sent_ms + 123)) == "2026-01-01T00:00:00.123Z");
    CHECK(parse_iso8601("2026-01-01T00:00:00Z")->time_since_epoch().count() == sent_ms);
    CHECK(parse_iso8601("2026-01-01T01:30:00.5+01:30")->time_since_epoch().count() ==
          sent_ms + 500);
    CHECK(parse_iso8601("2025-12-31T23:00:00-01:00")->time_since_epoch().count() == sent_ms);
    CHECK_FALSE(parse_iso8601("2026-02-30T00:00:00Z"));
    CHECK_FALSE(parse_iso8601("2026-01-01T00:00:00"));
    CHECK_FALSE(parse_iso8601("2026-01-01"));
    CHECK_FALSE(parse_iso8601("2026-01-01T00:00:00.Z"));
}

TEST_CASE("iso8601_utc writes Unix milliseconds in UTC", "[common]") {
    CHECK(iso8601_utc(0) == "1970-01-01T00:00:00.000Z");
    CHECK(iso8601_utc(1700000000123) == "2023-11-14T22:13:20.123Z");
    CHECK(iso8601_utc(951782400000) == "2000-02-29T00:00:00.000Z");
    CHECK(unix_millis(at_ms(sent_ms)) == sent_ms);
}

TEST_CASE("whole seconds and now, in the one clock helper", "[common]") {
    CHECK(iso8601_utc_seconds(at_ms(sent_ms + 999)) == "2026-01-01T00:00:00Z");
    CHECK(iso8601_utc_seconds(at_ms(0)) == "1970-01-01T00:00:00Z");
    const std::int64_t before = unix_millis(std::chrono::system_clock::now());
    const std::int64_t now = unix_millis_now();
    CHECK(now >= before);
    CHECK(now - before < 60'000);
}

}  // namespace iso8601_test
