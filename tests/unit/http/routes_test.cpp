// The route table: each route's limits (body size, allow-lists by name) as the assembly
// registers them, and a server that holds each request to its route's limits from the head.
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "http/answer.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "support/http_client.hpp"

namespace routes_test {

using namespace agent;

namespace {

namespace net = boost::asio;
using names = std::vector<std::string>;

net::awaitable<http_response> ok(const http_request& request) {
    http_response r;
    r.body = std::to_string(request.body.size());
    co_return r;
}

route_table sample_table() {
    route_table table;
    table.add("/large", {"POST"}, &ok, route_limits{100'000, {"LARGE_CIDRS", "ANY_CIDRS"}});
    table.add("/small", {"POST"}, &ok, route_limits{std::nullopt, {"SMALL_CIDRS", "ANY_CIDRS"}});
    table.add("/open", {"GET", "POST"}, &ok);
    table.add_owner(
        "/owned…", [](std::string_view path) { return path.starts_with("/owned"); }, &ok,
        route_limits{2'000, {"OWNED_CIDRS"}});
    return table;
}

}  // namespace

TEST_CASE("route table: each route carries its limits, an unrouted path has none", "[http]") {
    const route_table table = sample_table();
    CHECK(table.limits_for("/large").body_limit == 100'000u);
    CHECK(table.limits_for("/large").access == names{"LARGE_CIDRS", "ANY_CIDRS"});
    CHECK_FALSE(table.limits_for("/small").body_limit);
    CHECK(table.limits_for("/small").access == names{"SMALL_CIDRS", "ANY_CIDRS"});
    CHECK(table.limits_for("/open").access.empty());
    CHECK(table.limits_for("/owned/x").body_limit == 2'000u);
    CHECK(table.limits_for("/owned/x").access == names{"OWNED_CIDRS"});
    CHECK_FALSE(table.limits_for("/nowhere").body_limit);
    CHECK(table.limits_for("/nowhere").access.empty());
    // The exact route before the owner.
    route_table both = sample_table();
    both.add("/owned/exact", {"GET"}, &ok, route_limits{7, {}});
    CHECK(both.limits_for("/owned/exact").body_limit == 7u);
}

TEST_CASE("route table: the allow-lists named, the paths under one, the largest body", "[http]") {
    const route_table table = sample_table();
    CHECK(table.access_lists() == names{"LARGE_CIDRS", "ANY_CIDRS", "SMALL_CIDRS", "OWNED_CIDRS"});
    CHECK(table.paths_where([](const route_limits& l) {
        return std::find(l.access.begin(), l.access.end(), "ANY_CIDRS") != l.access.end();
    }) == names{"/large", "/small"});
    CHECK(table.paths_where([](const route_limits& l) { return l.body_limit.has_value(); }) ==
          names{"/large", "/owned…"});
    CHECK(table.largest_body_limit(16 * 1024) == 100'000u);
    CHECK(table.largest_body_limit(200'000) == 200'000u);
    CHECK(route_table{}.largest_body_limit(5) == 5u);
}

TEST_CASE("the server holds each request to its route's body limit and allow-list", "[http]") {
    net::io_context io;
    server_options options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.body_limit = 1'000;
    // The test's client is 127.0.0.1: outside SMALL_CIDRS and OWNED_CIDRS, inside ANY_CIDRS.
    options.access_lists = {{"SMALL_CIDRS", cidr_list::parse("10.0.0.0/8")},
                            {"ANY_CIDRS", cidr_list::parse("127.0.0.0/8")},
                            {"OWNED_CIDRS", cidr_list::parse("192.0.2.0/24")}};
    http_server server(io.get_executor(), options, router(sample_table(), nullptr));
    const auto port = server.listen();
    net::co_spawn(io, server.run(), net::detached);
    std::thread loop([&io] { io.run(); });
    const std::string body_5k(5'000, 'x');
    const auto large = test::http_request(port, "POST", "/large", {}, body_5k);
    const auto large_over =
        test::http_request(port, "POST", "/large", {}, std::string(100'001, 'x'));
    const auto small = test::http_request(port, "POST", "/small", {}, "{}");
    const auto open_over = test::http_request(port, "POST", "/open", {}, body_5k);
    const auto open = test::http_request(port, "POST", "/open", {}, std::string(1'000, 'x'));
    const auto owned = test::http_request(port, "GET", "/owned/x");
    const auto unrouted_over = test::http_request(port, "POST", "/nowhere", {}, body_5k);
    const auto unrouted = test::http_request(port, "POST", "/nowhere", {}, "{}");
    server.stop();
    io.stop();
    loop.join();
    CHECK(large.status == 200);
    CHECK(large.body == "5000");
    CHECK(large_over.status == 413);
    CHECK(small.status == 403);  // SMALL_CIDRS is configured: it decides, not ANY_CIDRS
    CHECK(open_over.status == 413);
    CHECK(open.status == 200);
    CHECK(owned.status == 403);
    CHECK(unrouted_over.status == 413);
    CHECK(unrouted.status == 404);
}

}  // namespace routes_test
