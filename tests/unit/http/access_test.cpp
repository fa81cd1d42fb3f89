// CIDR parsing and matching, the allow-lists routes name, client address behind trusted proxies,
// and the server settings read from the environment.

#include <catch2/catch.hpp>

#include "http/access.hpp"
#include "http/routes.hpp"
#include "http/server_settings.hpp"
#include "support/environment.hpp"

namespace access_test {

using namespace agent;

namespace {

bool in(std::string_view cidr, std::string_view address) {
    auto block = parse_cidr(cidr);
    auto ip = parse_ip_address(address);
    REQUIRE(block);
    REQUIRE(ip);
    return block->contains(*ip);
}

agent::environment one(const char* name, const char* value) {
    return test::env_of({{name, value}});
}

}  // namespace

TEST_CASE("IPv4 blocks match their addresses only", "[access]") {
    CHECK(in("10.0.0.0/8", "10.255.1.2"));
    CHECK_FALSE(in("10.0.0.0/8", "11.0.0.1"));
    CHECK(in("192.168.1.0/24", "192.168.1.254"));
    CHECK_FALSE(in("192.168.1.0/24", "192.168.2.1"));
    CHECK(in("172.16.0.0/12", "172.31.255.255"));
    CHECK_FALSE(in("172.16.0.0/12", "172.32.0.0"));
    CHECK(in("0.0.0.0/0", "8.8.8.8"));
    CHECK(in("127.0.0.1", "127.0.0.1"));
    CHECK_FALSE(in("127.0.0.1", "127.0.0.2"));
    // Host bits below the prefix are cleared, not an error.
    CHECK(in("10.1.2.3/8", "10.9.9.9"));
    // Odd prefix lengths.
    CHECK(in("10.0.0.128/25", "10.0.0.200"));
    CHECK_FALSE(in("10.0.0.128/25", "10.0.0.127"));
}

TEST_CASE("IPv6 blocks, and IPv4-mapped addresses count as IPv4", "[access]") {
    CHECK(in("2001:db8::/32", "2001:db8:ffff::1"));
    CHECK_FALSE(in("2001:db8::/32", "2001:db9::1"));
    CHECK(in("::1", "::1"));
    CHECK(in("::/0", "fe80::1"));
    CHECK(in("fe80::/10", "febf::1"));
    CHECK_FALSE(in("fe80::/10", "fec0::1"));
    CHECK(in("10.0.0.0/8", "::ffff:10.1.2.3"));
    CHECK(in("::ffff:10.0.0.0/104", "10.200.0.1"));
    CHECK_FALSE(in("::/0", "10.0.0.1"));  // an IPv6 block never holds an IPv4 address
    CHECK_FALSE(in("0.0.0.0/0", "::1"));
    CHECK(in("[2001:db8::1]", "2001:db8::1"));
    CHECK(in("fe80::1%eth0", "fe80::1"));
}

TEST_CASE("malformed addresses and blocks are refused", "[access]") {
    for (const char* bad : {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "10.0.0.0/8x", "::1/129",
                            "example.com", "1.2.3.4.5", "10.0.0.0/-1", "::ffff:1.2.3.4/95",
                            "256.0.0.1"}) {
        INFO(bad);
        CHECK_FALSE(parse_cidr(bad));
    }
    CHECK_FALSE(parse_ip_address("not an address"));
    CHECK_FALSE(parse_ip_address("1.2.3.4, 5.6.7.8"));
    CHECK_THROWS_WITH(cidr_list::parse("10.0.0.0/8, bogus"), Catch::Contains("'bogus'"));
}

TEST_CASE("a cidr list parses commas and spaces and describes itself", "[access]") {
    auto list = cidr_list::parse(" 10.0.0.0/8,192.168.0.0/16  ::1 ,");
    CHECK(list.contains("10.1.1.1"));
    CHECK(list.contains("192.168.3.4"));
    CHECK(list.contains("::1"));
    CHECK_FALSE(list.contains("172.16.0.1"));
    CHECK_FALSE(list.contains("garbage"));
    CHECK(list.describe() == "10.0.0.0/8, 192.168.0.0/16, ::1/128");
    CHECK(cidr_list::parse("").empty());
}

TEST_CASE("the first configured list a route names decides", "[access]") {
    const std::vector<access_list> lists{
        {"GITHUB", cidr_list::parse("192.30.252.0/22")},
        {"ALL_WEBHOOKS", cidr_list::parse("10.0.0.0/8")},
    };
    using names = std::vector<std::string>;
    REQUIRE(find_access_list(lists, names{"GITHUB", "ALL_WEBHOOKS"}) != nullptr);
    CHECK(find_access_list(lists, names{"GITHUB", "ALL_WEBHOOKS"})->name == "GITHUB");
    CHECK(find_access_list(lists, names{"ALL_WEBHOOKS", "GITHUB"})->name == "ALL_WEBHOOKS");
    // A list the route names that is not configured gives way to the next one.
    CHECK(find_access_list(lists, names{"INFISICAL", "ALL_WEBHOOKS"})->name == "ALL_WEBHOOKS");
    CHECK(find_access_list(lists, names{"INFISICAL"}) == nullptr);
    CHECK(find_access_list(lists, names{}) == nullptr);
    CHECK(find_access_list({}, names{"GITHUB"}) == nullptr);
}

TEST_CASE("forwarding headers are believed only from trusted proxies", "[access]") {
    const auto trusted = cidr_list::parse("172.18.0.0/16, 127.0.0.1");
    const std::string cf = "203.0.113.7";
    const std::string xff = "198.51.100.9, 203.0.113.8, 172.18.0.5";
    // Untrusted peer: headers ignored.
    CHECK(resolve_client_address("192.0.2.1", trusted, &cf, &xff) == "192.0.2.1");
    // No trusted proxies configured: headers ignored.
    CHECK(resolve_client_address("127.0.0.1", cidr_list{}, &cf, &xff) == "127.0.0.1");
    // Trusted peer: CF-Connecting-IP first.
    CHECK(resolve_client_address("172.18.0.2", trusted, &cf, &xff) == "203.0.113.7");
    // Then the right-most X-Forwarded-For hop that is not a trusted proxy (the left-most are
    // whatever the client wrote).
    CHECK(resolve_client_address("172.18.0.2", trusted, nullptr, &xff) == "203.0.113.8");
    const std::string one = "198.51.100.1";
    CHECK(resolve_client_address("127.0.0.1", trusted, nullptr, &one) == "198.51.100.1");
    // Garbage in the headers: the peer.
    const std::string junk = "not-an-ip";
    CHECK(resolve_client_address("172.18.0.2", trusted, &junk, &junk) == "172.18.0.2");
    CHECK(resolve_client_address("172.18.0.2", trusted, nullptr, nullptr) == "172.18.0.2");
    const std::string all_trusted = "172.18.0.9, 127.0.0.1";
    CHECK(resolve_client_address("172.18.0.2", trusted, nullptr, &all_trusted) == "172.18.0.2");
}

TEST_CASE("server options come from the environment", "[access]") {
    // Routes as an assembly registers them: a large body on one, allow-lists by name.
    route_table routes;
    routes.add("/big", {"POST"}, nullptr, route_limits{1'000'000, {"BIG_CIDRS", "ANY_CIDRS"}});
    routes.add("/small", {"POST"}, nullptr,
               route_limits{std::nullopt, {"SMALL_CIDRS", "ANY_CIDRS"}});
    routes.add("/metrics", {"GET"}, nullptr, route_limits{std::nullopt, {"METRICS_CIDRS"}});
    routes.add("/open", {"GET"}, nullptr);
    SECTION("defaults") {
        auto o = server_options_from_environment({}, agent::environment(), routes);
        CHECK(o.max_connections == 512);
        CHECK(o.max_inflight_body_bytes == 2'000'000u);
        CHECK(o.trusted_proxies.empty());
        CHECK(o.access_lists.empty());
        CHECK(server_options_from_environment({}, agent::environment(), route_table{})
                  .max_inflight_body_bytes == 2 * server_options{}.body_limit);
    }
    SECTION("set") {
        const agent::environment env = test::env_of({
            {"MAX_CONNECTIONS", "64"},
            {"TRUSTED_PROXIES", "172.18.0.0/16"},
            {"ANY_CIDRS", "10.0.0.0/8"},
            {"BIG_CIDRS", "192.30.252.0/22,2620:112:3000::/44"},
            {"METRICS_CIDRS", "127.0.0.1"},
            {"SMALL_CIDRS", ""},
            {"UNNAMED_CIDRS", "10.0.0.0/8"},
            {"MAX_INFLIGHT_BODY_BYTES", "100000000"},
        });
        auto o = server_options_from_environment({}, env, routes);
        CHECK(o.max_connections == 64);
        CHECK(o.max_inflight_body_bytes == 100000000u);
        CHECK(o.trusted_proxies.contains("172.18.1.1"));
        // Only the lists a route names are read; an empty one is not configured.
        REQUIRE(o.access_lists.size() == 3);
        const auto deciding = [&](std::string_view path) {
            const auto* list = find_access_list(o.access_lists, routes.limits_for(path).access);
            return list == nullptr ? std::string("none") : list->name;
        };
        CHECK(deciding("/big") == "BIG_CIDRS");
        CHECK(deciding("/small") == "ANY_CIDRS");
        CHECK(deciding("/metrics") == "METRICS_CIDRS");
        CHECK(deciding("/open") == "none");
        CHECK(deciding("/unrouted") == "none");
        CHECK(find_access_list(o.access_lists, {"METRICS_CIDRS"})->allowed.contains("127.0.0.1"));
    }
    SECTION("malformed values name the variable") {
        {
            CHECK_THROWS_WITH(
                server_options_from_environment({}, one("MAX_CONNECTIONS", "lots"), routes),
                Catch::StartsWith("MAX_CONNECTIONS:"));
        }
        {
            CHECK_THROWS_WITH(
                server_options_from_environment({}, one("TRUSTED_PROXIES", "10.0.0.0/40"), routes),
                Catch::StartsWith("TRUSTED_PROXIES:"));
        }
        {
            // Less than the largest body a route takes.
            CHECK_THROWS_WITH(server_options_from_environment(
                                  {}, one("MAX_INFLIGHT_BODY_BYTES", "999999"), routes),
                              Catch::StartsWith("MAX_INFLIGHT_BODY_BYTES: 999999 is less than"));
            CHECK(server_options_from_environment({}, one("MAX_INFLIGHT_BODY_BYTES", "1000000"),
                                                  routes)
                      .max_inflight_body_bytes == 1'000'000u);
        }
        {
            CHECK_THROWS_WITH(
                server_options_from_environment({}, one("METRICS_CIDRS", "localhost"), routes),
                Catch::StartsWith("METRICS_CIDRS:"));
        }
    }
}

}  // namespace access_test
