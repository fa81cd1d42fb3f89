#include <boost/asio/use_awaitable.hpp>

#include "create_body.hpp"
#include "docker_client/error.hpp"
#include "encoding.hpp"
#include "engine_client.hpp"
#include "json_util.hpp"

namespace docker_client::detail {

net::awaitable<std::string> engine_client::create_container(std::string name,
                                                            container_create_request request) {
    check_container_ref(name);
    if (!request.body) {
        throw error(0, "", "create container " + name + ": the request has no body");
    }
    std::string version = co_await api_version();
    adapted_create adapted = adapt_create_body(*request.body, version);
    http_call call{"POST",
                   "/containers/create?name=" + percent_encode(name),
                   std::move(adapted.body),
                   "application/json",
                   {}};
    http_reply reply =
        co_await checked(std::move(call), options_.call_timeout, 0, "create container " + name);
    auto doc = parse_json(reply.body, "container create");
    std::string id = string_member(doc, "Id");
    if (id.empty()) {
        throw error(reply.status, "", "create container " + name + ": the engine returned no id");
    }
    std::string connect_failure;
    unsigned connect_status = 0;
    for (const auto& [network, settings] : adapted.connect_after) {
        check_object_name(network, "network");
        std::string connect_body =
            R"({"Container":")" + id + R"(","EndpointConfig":)" + settings + "}";
        http_call connect{"POST",
                          "/networks/" + percent_encode(network) + "/connect",
                          std::move(connect_body),
                          "application/json",
                          {}};
        try {
            co_await checked(std::move(connect), options_.call_timeout, 0,
                             "connect container " + name + " to network " + network);
        } catch (const error& e) {
            connect_failure = e.what();
            connect_status = e.status();
        }
        if (!connect_failure.empty()) {
            break;
        }
    }
    if (!connect_failure.empty()) {
        // Half a container is worse than none: the caller's name must stay free for a retry.
        co_await remove_container(id, {.force = true, .remove_volumes = true});
        throw error(connect_status, "",
                    "create container " + name + " (removed again): " + connect_failure);
    }
    co_return id;
}

}  // namespace docker_client::detail
