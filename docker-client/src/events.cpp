#include <map>

#include <boost/asio/use_awaitable.hpp>

#include "docker_client/error.hpp"
#include "encoding.hpp"
#include "engine_client.hpp"
#include "json_util.hpp"

namespace docker_client::detail {

net::awaitable<events_end> engine_client::watch_events(event_filter filter,
                                                       event_callback on_event) {
    std::map<std::string, std::vector<std::string>> filters{{"type", filter.types},
                                                            {"event", filter.actions},
                                                            {"label", filter.labels},
                                                            {"container", filter.containers}};
    std::string query = "/events?filters=" + percent_encode(filters_json(filters));
    if (filter.since) {
        query += "&since=" + std::to_string(*filter.since);
    }
    if (filter.until) {
        query += "&until=" + std::to_string(*filter.until);
    }
    std::string target = co_await versioned(std::move(query));
    http_call call{"GET", std::move(target), {}, {}, {}};
    std::string malformed;
    auto on_line = [&](std::string_view line) {
        rapidjson::Document doc;
        doc.Parse<rapidjson::kParseIterativeFlag>(line.data(), line.size());
        if (doc.HasParseError() || !doc.IsObject()) {
            malformed = std::string(line.substr(0, 200));
            return false;
        }
        engine_event e;
        e.type = string_member(doc, "Type");
        e.action = string_member(doc, "Action");
        if (const auto* actor = object_member(doc, "Actor")) {
            e.actor_id = string_member(*actor, "ID");
            e.attributes = string_map_member(*actor, "Attributes");
        }
        e.time_nano = int64_member(doc, "timeNano", 0);
        return on_event ? on_event(e) : true;
    };
    stream_settings settings;
    settings.idle_timeout = filter.idle_limit;
    settings.idle_ends = true;
    http_reply reply = co_await transport_.stream(std::move(call), on_line, std::move(settings));
    if (reply.status / 100 != 2) {
        throw_for_reply(reply, "watch engine events");
    }
    if (!malformed.empty()) {
        throw error(reply.status, "", "the engine sent a malformed event: " + malformed);
    }
    if (reply.cancelled) {
        co_return events_end::cancelled;
    }
    if (reply.idle_ended) {
        co_return events_end::idle;
    }
    co_return reply.stopped ? events_end::stopped_by_callback : events_end::until_reached;
}

}  // namespace docker_client::detail
