#include <map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/asio/use_awaitable.hpp>

#include "docker_client/error.hpp"
#include "docker_client/inspect.hpp"
#include "encoding.hpp"
#include "engine_client.hpp"
#include "json_util.hpp"

namespace docker_client::detail {

namespace {

struct split_reference {
    std::string repository;
    std::string tag;  // a tag or a "sha256:…" digest
};

// Never pull without a tag: /images/create with only fromImage pulls every tag of the repository.
split_reference split(const std::string& reference) {
    if (auto at = reference.find('@'); at != std::string::npos) {
        return {reference.substr(0, at), reference.substr(at + 1)};
    }
    auto slash = reference.rfind('/');
    auto colon = reference.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        return {reference.substr(0, colon), reference.substr(colon + 1)};
    }
    return {reference, "latest"};
}

}  // namespace

std::string registry_auth_header(const registry_auth& auth) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("username");
    w.String(auth.username);
    w.Key("password");
    w.String(auth.password);
    w.Key("serveraddress");
    w.String(auth.server_address);
    w.EndObject();
    return base64url(std::string_view(buffer.GetString(), buffer.GetSize()));
}

net::awaitable<std::optional<image_info>> engine_client::inspect_image(std::string reference) {
    check_image_ref(reference);
    http_call call{"GET", "/images/" + percent_encode(reference) + "/json", {}, {}, {}};
    http_reply reply =
        co_await checked(std::move(call), options_.call_timeout, 404, "inspect image " + reference);
    if (reply.status == 404) {
        co_return std::nullopt;
    }
    co_return image_info_from_json(reply.body);
}

net::awaitable<void> engine_client::pull_image(std::string reference,
                                               std::optional<registry_auth> auth,
                                               progress_callback on_progress) {
    check_image_ref(reference);
    auto [repository, tag] = split(reference);
    std::string target = co_await versioned(
        "/images/create?fromImage=" + percent_encode(repository) + "&tag=" + percent_encode(tag));
    http_call call{"POST", std::move(target), {}, {}, {}};
    if (auth) {
        call.headers.emplace_back("X-Registry-Auth", registry_auth_header(*auth));
    }
    // A pull that fails after it started still answers 200; the failure is a line of the stream.
    std::string stream_error;
    auto on_line = [&](std::string_view line) {
        rapidjson::Document doc;
        doc.Parse<rapidjson::kParseIterativeFlag>(line.data(), line.size());
        if (doc.HasParseError() || !doc.IsObject()) {
            stream_error =
                "the engine sent a malformed progress line: " + std::string(line.substr(0, 200));
            return false;
        }
        std::string err = string_member(doc, "error");
        if (err.empty()) {
            if (const auto* detail = object_member(doc, "errorDetail")) {
                err = string_member(*detail, "message");
            }
        }
        if (!err.empty()) {
            stream_error = err;
            return false;
        }
        if (on_progress) {
            on_progress({string_member(doc, "status"), string_member(doc, "id"),
                         string_member(doc, "progress")});
        }
        return true;
    };
    http_reply reply = co_await transport_.stream(std::move(call), on_line);
    if (reply.status / 100 != 2) {
        throw_for_reply(reply, "pull " + reference);
    }
    if (!stream_error.empty()) {
        throw error(reply.status, stream_error, "pull " + reference + " failed");
    }
}

net::awaitable<void> engine_client::tag_image(std::string source, std::string repository,
                                              std::string tag) {
    check_image_ref(source);
    check_image_ref(repository + ":" + tag);
    if (tag.empty() || tag.find_first_of("/:@") != std::string::npos) {
        throw error(0, "", "invalid tag '" + tag + "'");
    }
    http_call call{"POST",
                   "/images/" + percent_encode(source) + "/tag?repo=" + percent_encode(repository) +
                       "&tag=" + percent_encode(tag),
                   {},
                   {},
                   {}};
    co_await checked(std::move(call), options_.call_timeout, 0,
                     "tag image " + source + " as " + repository + ":" + tag);
}

net::awaitable<bool> engine_client::remove_image(std::string reference,
                                                 image_remove_options options) {
    check_image_ref(reference);
    std::string query = std::string("?force=") + (options.force ? "1" : "0") +
                        "&noprune=" + (options.no_prune ? "1" : "0");
    http_call call{"DELETE", "/images/" + percent_encode(reference) + query, {}, {}, {}};
    http_reply reply =
        co_await checked(std::move(call), options_.call_timeout, 404, "remove image " + reference);
    co_return reply.status != 404;
}

net::awaitable<prune_result> engine_client::prune_dangling_images(
    std::vector<std::string> label_filters) {
    std::map<std::string, std::vector<std::string>> filters{{"dangling", {"true"}},
                                                            {"label", std::move(label_filters)}};
    http_call call{
        "POST", "/images/prune?filters=" + percent_encode(filters_json(filters)), {}, {}, {}};
    // Pruning deletes layers on disk: slower than an inspect on a full engine.
    http_reply reply =
        co_await checked(std::move(call), options_.call_timeout * 4, 0, "prune dangling images");
    auto doc = parse_json(reply.body, "image prune");
    prune_result r;
    r.space_reclaimed = uint64_member(doc, "SpaceReclaimed", 0);
    auto it = doc.IsObject() ? doc.FindMember("ImagesDeleted") : doc.MemberEnd();
    if (doc.IsObject() && it != doc.MemberEnd() && it->value.IsArray()) {
        for (const auto& item : it->value.GetArray()) {
            for (const char* key : {"Deleted", "Untagged"}) {
                if (auto v = string_member(item, key); !v.empty()) {
                    r.deleted.push_back(std::move(v));
                }
            }
        }
    }
    co_return r;
}

net::awaitable<distribution_info> engine_client::distribution_inspect(
    std::string reference, std::optional<registry_auth> auth) {
    check_image_ref(reference);
    auto [repository, tag] = split(reference);
    std::string full = repository + (tag.starts_with("sha256:") ? "@" : ":") + tag;
    http_call call{"GET", "/distribution/" + percent_encode(full) + "/json", {}, {}, {}};
    if (auth) {
        call.headers.emplace_back("X-Registry-Auth", registry_auth_header(*auth));
    }
    http_reply reply = co_await checked(std::move(call), options_.call_timeout, 0,
                                        "distribution inspect of " + full);
    auto doc = parse_json(reply.body, "distribution inspect");
    distribution_info info;
    if (const auto* d = object_member(doc, "Descriptor")) {
        info.digest = string_member(*d, "digest");
        info.media_type = string_member(*d, "mediaType");
        info.size = int64_member(*d, "size", 0);
    }
    if (info.digest.empty()) {
        throw error(reply.status, "",
                    "distribution inspect of " + full + ": no digest in the answer");
    }
    co_return info;
}

}  // namespace docker_client::detail
