#include "http/request_checks.hpp"

#include <fmt/format.h>

#include "common/text.hpp"

namespace agent {

namespace {

head_refusal bad_framing(std::string detail) {
    return head_refusal{400, "unsupported Transfer-Encoding", "bad_transfer_encoding",
                        std::move(detail)};
}

}  // namespace

std::size_t body_limit_of(const route_limits& limits, const server_options& o) {
    return limits.body_limit.value_or(o.body_limit);
}

std::optional<head_refusal> check_framing(const request_reader& head) {
    const std::size_t encodings = head.field_count("Transfer-Encoding");
    if (encodings == 0) {
        return std::nullopt;
    }
    if (encodings > 1) {
        return bad_framing(fmt::format("{} Transfer-Encoding fields", encodings));
    }
    const auto value = trim(head.field("Transfer-Encoding").value_or(""));
    if (!iequals(value, "chunked")) {
        return bad_framing("Transfer-Encoding '" + loggable(value, 64) + "' is not 'chunked'");
    }
    if (head.field_count("Content-Length") > 0) {
        return bad_framing("Transfer-Encoding together with Content-Length");
    }
    return std::nullopt;
}

std::optional<head_refusal> check_admission(const request_reader& head, const server_options& o,
                                            const route_limits& limits, const std::string& client,
                                            const std::string& peer) {
    if (const auto* list = find_access_list(o.access_lists, limits.access);
        list != nullptr && !list->allowed.contains(client)) {
        return head_refusal{
            403, "source address not allowed", "source_not_allowed",
            fmt::format("source {} is not in {} ({}){}", client, list->name,
                        list->allowed.describe(), client == peer ? "" : " [via " + peer + "]")};
    }
    const std::size_t limit = body_limit_of(limits, o);
    if (auto len = head.content_length(); len && *len > limit) {
        return head_refusal{
            413, "payload too large", "payload_too_large",
            fmt::format("Content-Length {} exceeds the {} byte limit", *len, limit)};
    }
    return std::nullopt;
}

std::string client_of(const request_reader& head, const std::string& peer,
                      const cidr_list& trusted_proxies) {
    if (trusted_proxies.empty()) {
        return peer;
    }
    const auto cf = head.field("CF-Connecting-IP");
    const auto xff = head.field("X-Forwarded-For");
    const std::string cf_text(cf.value_or(""));
    const std::string xff_text(xff.value_or(""));
    return resolve_client_address(peer, trusted_proxies, cf ? &cf_text : nullptr,
                                  xff ? &xff_text : nullptr);
}

}  // namespace agent
