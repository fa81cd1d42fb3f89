#include "manifest/notify_target.hpp"

#include <algorithm>

#include "common/url.hpp"

namespace agent::notify {

namespace {

bool host_is(std::string_view host, std::string_view domain) {
    return host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                              host[host.size() - domain.size() - 1] == '.');
}

std::string_view kind_name(target_kind k) {
    switch (k) {
        case target_kind::json: return "json";
        case target_kind::ntfy: return "ntfy";
        case target_kind::slack: return "slack";
        case target_kind::discord: return "discord";
    }
    return "json";
}

}  // namespace

std::optional<target> parse_target(std::string_view text, std::string& problem) {
    struct prefix {
        std::string_view scheme;
        target_kind kind;
        int tls;  // 1 https, 0 http, -1 https unless loopback
        bool explicit_kind;
    };
    static constexpr prefix prefixes[] = {
        {"ntfy://", target_kind::ntfy, -1, true},
        {"ntfy+https://", target_kind::ntfy, 1, true},
        {"ntfy+http://", target_kind::ntfy, 0, true},
        {"slack+https://", target_kind::slack, 1, true},
        {"slack+http://", target_kind::slack, 0, true},
        {"discord+https://", target_kind::discord, 1, true},
        {"discord+http://", target_kind::discord, 0, true},
        {"https://", target_kind::json, 1, false},
        {"http://", target_kind::json, 0, false},
    };
    for (const auto& p : prefixes) {
        if (!text.starts_with(p.scheme)) {
            continue;
        }
        auto parts = split_url(text.substr(p.scheme.size()), nullptr);
        if (!parts) {
            problem = "is not a URL with a plain host (no user:password@, no spaces)";
            return std::nullopt;
        }
        target t;
        t.kind = p.kind;
        t.tls = p.tls == 1;
        t.host = std::move(parts->host);
        t.port = std::move(parts->port);
        t.path = std::move(parts->path);
        if (p.tls == -1) {
            t.tls = !is_loopback_host(t.host);
            if (t.path.size() < 2) {
                problem = "names no ntfy topic (ntfy://HOST/TOPIC)";
                return std::nullopt;
            }
        }
        if (t.port.empty()) {
            t.port = t.tls ? "443" : "80";
        }
        if (!p.explicit_kind) {
            if (host_is(t.host, "hooks.slack.com")) {
                t.kind = target_kind::slack;
            } else if ((host_is(t.host, "discord.com") || host_is(t.host, "discordapp.com")) &&
                       t.path.starts_with("/api/webhooks/")) {
                t.kind = target_kind::discord;
            } else if (host_is(t.host, "ntfy.sh")) {
                t.kind = target_kind::ntfy;
            }
        }
        t.shown = std::string(kind_name(t.kind)) + " " + (t.tls ? "https://" : "http://") +
                  (t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host) +
                  ((t.port == "443" && t.tls) || (t.port == "80" && !t.tls) ? "" : ":" + t.port);
        return t;
    }
    problem = "is not an http(s)://, ntfy://, slack+https:// or discord+https:// URL";
    return std::nullopt;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) {
            item.remove_prefix(1);
        }
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) {
            item.remove_suffix(1);
        }
        if (!item.empty()) {
            out.emplace_back(item);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return out;
}

bool outcome_filter::wants(std::string_view state) const {
    return (state == "failed" && failed) || (state == "rolled_back" && rolled_back) ||
           (state == "recovered" && recovered) || (state == "succeeded" && succeeded);
}

std::optional<outcome_filter> parse_outcomes(const std::vector<std::string>& names,
                                             std::string& problem) {
    outcome_filter f{false, false, false, false};
    for (const auto& n : names) {
        if (n == "failed") {
            f.failed = true;
        } else if (n == "rolled_back") {
            f.rolled_back = true;
        } else if (n == "recovered") {
            f.recovered = true;
        } else if (n == "succeeded") {
            f.succeeded = true;
        } else {
            problem = "'" + n + "' is not an outcome (failed, rolled_back, recovered, succeeded)";
            return std::nullopt;
        }
    }
    return f;
}

}  // namespace agent::notify
