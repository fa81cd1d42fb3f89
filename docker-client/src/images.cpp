#include <boost/asio/use_awaitable.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "docker_client/error.hpp"
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

std::string auth_header(const registry_auth& auth) {
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

}  // namespace

net::awaitable<std::optional<image_info>> engine_client::inspect_image(std::string reference) {
    check_image_ref(reference);
    http_call call{"GET", "/images/" + percent_encode(reference) + "/json", {}, {}, {}};
    http_reply reply = co_await checked(std::move(call), options_.call_timeout, 404,
                                        "inspect image " + reference);
    if (reply.status == 404) {
        co_return std::nullopt;
    }
    auto doc = parse_json(reply.body, "image inspect");
    image_info info;
    info.id = string_member(doc, "Id");
    info.repo_tags = string_array_member(doc, "RepoTags");
    info.repo_digests = string_array_member(doc, "RepoDigests");
    info.created = string_member(doc, "Created");
    if (const auto* config = object_member(doc, "Config")) {
        info.labels = string_map_member(*config, "Labels");
    }
    co_return info;
}

net::awaitable<void> engine_client::pull_image(std::string reference, std::optional<registry_auth> auth,
                                               progress_callback on_progress) {
    check_image_ref(reference);
    auto [repository, tag] = split(reference);
    std::string target = co_await versioned("/images/create?fromImage=" + percent_encode(repository) +
                                            "&tag=" + percent_encode(tag));
    http_call call{"POST", std::move(target), {}, {}, {}};
    if (auth) {
        call.headers.emplace_back("X-Registry-Auth", auth_header(*auth));
    }
    // A pull that fails after it started still answers 200; the failure is a line of the stream.
    std::string stream_error;
    auto on_line = [&](std::string_view line) {
        rapidjson::Document doc;
        doc.Parse<rapidjson::kParseIterativeFlag>(line.data(), line.size());
        if (doc.HasParseError() || !doc.IsObject()) {
            return;
        }
        std::string err = string_member(doc, "error");
        if (err.empty()) {
            if (const auto* detail = object_member(doc, "errorDetail")) {
                err = string_member(*detail, "message");
            }
        }
        if (!err.empty()) {
            stream_error = err;
            return;
        }
        if (on_progress) {
            on_progress({string_member(doc, "status"), string_member(doc, "id"),
                         string_member(doc, "progress")});
        }
    };
    http_reply reply = co_await transport_.stream(std::move(call), on_line);
    if (reply.status / 100 != 2) {
        throw_for_reply(reply, "pull " + reference);
    }
    if (!stream_error.empty()) {
        throw error(reply.status, stream_error, "pull " + reference + " failed");
    }
}

}  // namespace docker_client::detail
