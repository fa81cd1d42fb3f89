#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/asio/use_awaitable.hpp>

#include "docker_client/error.hpp"
#include "encoding.hpp"
#include "engine_client.hpp"
#include "json_util.hpp"

namespace docker_client::detail {

net::awaitable<std::optional<network_info>> engine_client::inspect_network(std::string name_or_id) {
    check_object_name(name_or_id, "network");
    http_call call{"GET", "/networks/" + percent_encode(name_or_id), {}, {}, {}};
    http_reply reply = co_await checked(std::move(call), options_.call_timeout, 404,
                                        "inspect network " + name_or_id);
    if (reply.status == 404) {
        co_return std::nullopt;
    }
    auto doc = parse_json(reply.body, "network inspect");
    network_info info;
    info.id = string_member(doc, "Id");
    info.name = string_member(doc, "Name");
    info.driver = string_member(doc, "Driver");
    info.scope = string_member(doc, "Scope");
    info.labels = string_map_member(doc, "Labels");
    if (const auto* containers = object_member(doc, "Containers")) {
        for (const auto& c : containers->GetObject()) {
            info.containers.emplace(std::string(c.name.GetString(), c.name.GetStringLength()),
                                    string_member(c.value, "Name"));
        }
    }
    co_return info;
}

net::awaitable<void> engine_client::connect_network(std::string network, std::string container,
                                                    endpoint_options options) {
    check_object_name(network, "network");
    check_container_ref(container);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("Container");
    w.String(container);
    w.Key("EndpointConfig");
    w.StartObject();
    w.Key("Aliases");
    w.StartArray();
    for (const auto& a : options.aliases) {
        w.String(a);
    }
    w.EndArray();
    w.EndObject();
    w.EndObject();
    http_call call{"POST",
                   "/networks/" + percent_encode(network) + "/connect",
                   std::string(buffer.GetString(), buffer.GetSize()),
                   "application/json",
                   {}};
    co_await checked(std::move(call), options_.call_timeout, 0,
                     "connect container " + container + " to network " + network);
}

net::awaitable<void> engine_client::disconnect_network(std::string network, std::string container,
                                                       bool force) {
    check_object_name(network, "network");
    check_container_ref(container);
    std::string body =
        R"({"Container":")" + container + R"(","Force":)" + (force ? "true" : "false") + "}";
    http_call call{"POST",
                   "/networks/" + percent_encode(network) + "/disconnect",
                   std::move(body),
                   "application/json",
                   {}};
    co_await checked(std::move(call), options_.call_timeout, 0,
                     "disconnect container " + container + " from network " + network);
}

}  // namespace docker_client::detail
