// Networks: inspect, connect and disconnect with aliases, and a create with several networks on
// an engine below API 1.44 (create on one, connect the others).
#include <algorithm>

#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/create_request.hpp"
#include "support/engine.hpp"
#include "support/run_async.hpp"

namespace docker_networks_test {

namespace dc = docker_client;
using test::run_async;

namespace {

std::vector<std::string> network_names(const dc::container_info& info) {
    std::vector<std::string> out;
    for (const auto& n : info.networks) {
        out.push_back(n.network);
    }
    return out;
}

}  // namespace

TEST_CASE("networks: create on several, inspect, connect and disconnect with aliases", "[docker]") {
    const test::swarm_mode_lock no_swarm_change;
    const std::string front = test::unique_name("da-front");
    const std::string back = test::unique_name("da-back");
    const std::string extra = test::unique_name("da-extra");
    test::scoped_networks networks;
    for (const auto& n : {front, back, extra}) {
        test::docker_ok({"network", "create", "--label", "io.deploy-agent.test=1", n});
        networks.add(n);
    }
    const std::string name = test::unique_name("da-net");
    test::scoped_container guard(name);
    struct seen {
        std::vector<std::string> networks_after_create;
        std::optional<dc::network_info> extra_info;
        std::vector<std::string> networks_after_disconnect;
        bool missing_network_empty = false;
        bool back_alias_set = false;
        std::string connect_missing_message;
        unsigned connect_missing_status = 0;
    };
    auto s = run_async([&](auto ex) -> dc::net::awaitable<seen> {
        auto client = dc::make_client(ex, test::engine_client_options());
        seen r;
        std::string body =
            R"({"Image":")" + test::busybox_base_image() +
            R"(","Cmd":["sleep","3600"],"StopSignal":"SIGKILL","Labels":{"io.deploy-agent.test":"1"},)"
            R"("HostConfig":{"NetworkMode":")" +
            front +
            R"("},)"
            R"("NetworkingConfig":{"EndpointsConfig":{")" +
            front + R"(":{"Aliases":["web"]},")" + back + R"(":{"Aliases":["web-back"]}}}})";
        auto id = co_await client->create_container(name, test::create_request(body));
        co_await client->start_container(id);  // a network lists running endpoints only
        auto info = co_await client->inspect_container(id);
        r.networks_after_create = info ? network_names(*info) : std::vector<std::string>{};
        for (const auto& n : info ? info->networks : std::vector<dc::network_attachment>{}) {
            r.back_alias_set = r.back_alias_set ||
                               (n.network == back && std::find(n.aliases.begin(), n.aliases.end(),
                                                               "web-back") != n.aliases.end());
        }
        dc::endpoint_options aliases;
        aliases.aliases = {"first-alias", "second-alias"};
        co_await client->connect_network(extra, id, aliases);
        r.extra_info = co_await client->inspect_network(extra);
        co_await client->disconnect_network(back, id, false);
        auto after = co_await client->inspect_container(id);
        r.networks_after_disconnect = after ? network_names(*after) : std::vector<std::string>{};
        auto missing = co_await client->inspect_network("da-no-such-network");
        r.missing_network_empty = !missing.has_value();
        try {
            co_await client->connect_network("da-no-such-network", id, {});
        } catch (const dc::error& e) {
            r.connect_missing_status = e.status();
            r.connect_missing_message = e.what();
        }
        co_return r;
    });
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    CHECK(sorted(s.networks_after_create) == sorted({front, back}));
    CHECK(s.back_alias_set);
    REQUIRE(s.extra_info.has_value());
    CHECK(s.extra_info->name == extra);
    CHECK(s.extra_info->containers.size() == 1);
    auto extra_aliases = test::docker_ok(
        {"inspect", "--format",
         "{{json (index .NetworkSettings.Networks \"" + extra + "\").Aliases}}", name});
    CHECK_THAT(extra_aliases, Catch::Contains("first-alias") && Catch::Contains("second-alias"));
    CHECK(sorted(s.networks_after_disconnect) == sorted({front, extra}));
    CHECK(s.missing_network_empty);
    INFO(s.connect_missing_message);
    // 404, or 500 when the engine is a swarm manager (it asks the swarm too). Either way an
    // error that names the network, never a connection to something else.
    CHECK((s.connect_missing_status == 404 || s.connect_missing_status == 500));
    CHECK_THAT(s.connect_missing_message, Catch::Contains("da-no-such-network"));
    test::docker({"rm", "-f", name});
}

}  // namespace docker_networks_test
