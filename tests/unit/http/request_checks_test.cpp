#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "http/request_checks.hpp"

namespace request_checks_test {

namespace {

// A reader that has parsed the head of `text` (which must hold a whole head).
struct parsed_head {
    agent::request_reader reader{16 * 1024};
    explicit parsed_head(const std::string& text) {
        auto space = reader.space();
        REQUIRE(text.size() <= space.size());
        std::memcpy(space.data(), text.data(), text.size());
        reader.commit(text.size());
        REQUIRE(reader.parse() == agent::request_reader::status::head);
    }
};

std::optional<unsigned> framing_status(const std::string& fields) {
    parsed_head h("POST /webhook HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n");
    auto r = agent::check_framing(h.reader);
    return r ? std::optional<unsigned>(r->status) : std::nullopt;
}

}  // namespace

TEST_CASE("Transfer-Encoding other than exactly chunked is 400", "[http]") {
    CHECK_FALSE(framing_status("Transfer-Encoding: chunked\r\n"));
    CHECK_FALSE(framing_status("Transfer-Encoding: Chunked \r\n"));
    CHECK_FALSE(framing_status("Content-Length: 3\r\n"));
    CHECK(framing_status("Transfer-Encoding: identity\r\n") == 400u);
    CHECK(framing_status("Transfer-Encoding: gzip\r\n") == 400u);
    CHECK(framing_status("Transfer-Encoding: chunked, identity\r\n") == 400u);
    CHECK(framing_status("Transfer-Encoding: gzip, chunked\r\n") == 400u);
    CHECK(framing_status("Transfer-Encoding: identity\r\nContent-Length: 3\r\n") == 400u);
}

TEST_CASE("the body limit is the route's, decided from the head before the body is read",
          "[http]") {
    agent::server_options o;
    const agent::route_limits large{25u * 1024 * 1024, {}};
    const agent::route_limits plain{};
    CHECK(agent::body_limit_of(large, o) == 25u * 1024 * 1024);
    CHECK(agent::body_limit_of(plain, o) == o.body_limit);
    CHECK(o.body_limit <= 64u * 1024);
    parsed_head small_route("POST /small HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n");
    auto r = agent::check_admission(small_route.reader, o, plain, "192.0.2.1", "192.0.2.1");
    REQUIRE(r);
    CHECK(r->status == 413);
    parsed_head large_route("POST /large HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n");
    CHECK_FALSE(agent::check_admission(large_route.reader, o, large, "192.0.2.1", "192.0.2.1"));
}

TEST_CASE("allow-lists decide on the TCP peer unless it is a trusted proxy", "[http]") {
    agent::server_options o;
    o.access_lists.push_back(
        {"GITHUB_WEBHOOK_ALLOWED_CIDRS", agent::cidr_list::parse("10.0.0.0/8")});
    const agent::route_limits route{std::nullopt, {"GITHUB_WEBHOOK_ALLOWED_CIDRS"}};
    const std::string head =
        "POST /webhook HTTP/1.1\r\nCF-Connecting-IP: 10.1.2.3\r\n"
        "X-Forwarded-For: 10.9.9.9\r\n\r\n";
    SECTION("no trusted proxies: the headers are ignored, the peer decides") {
        parsed_head h(head);
        const auto client = agent::client_of(h.reader, "192.0.2.1", o.trusted_proxies);
        CHECK(client == "192.0.2.1");
        auto r = agent::check_admission(h.reader, o, route, client, "192.0.2.1");
        REQUIRE(r);
        CHECK(r->status == 403);
    }
    SECTION("a peer that is not a trusted proxy: the headers are ignored") {
        o.trusted_proxies = agent::cidr_list::parse("172.16.0.0/12");
        parsed_head h(head);
        CHECK(agent::client_of(h.reader, "192.0.2.1", o.trusted_proxies) == "192.0.2.1");
    }
    SECTION("a trusted proxy: CF-Connecting-IP is the client, for the allow-list too") {
        o.trusted_proxies = agent::cidr_list::parse("172.16.0.0/12");
        parsed_head h(head);
        const auto client = agent::client_of(h.reader, "172.18.0.2", o.trusted_proxies);
        CHECK(client == "10.1.2.3");
        CHECK_FALSE(agent::check_admission(h.reader, o, route, client, "172.18.0.2"));
    }
    SECTION("a trusted proxy without CF-Connecting-IP: the right-most untrusted X-Forwarded-For") {
        o.trusted_proxies = agent::cidr_list::parse("172.16.0.0/12");
        parsed_head h(
            "POST /webhook HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1, 192.0.2.9, "
            "172.17.0.1\r\n\r\n");
        const auto client = agent::client_of(h.reader, "172.18.0.2", o.trusted_proxies);
        CHECK(client == "192.0.2.9");
        CHECK(agent::check_admission(h.reader, o, route, client, "172.18.0.2"));
    }
}

}  // namespace request_checks_test
