#include "notify/notice.hpp"

#include <fmt/format.h>

#include "common/json_writer.hpp"

namespace agent::notify {

namespace {

std::string short_commit(std::string_view commit) { return std::string(commit.substr(0, 12)); }

// A header value: printable ASCII on one line, bounded (ntfy puts Title in the push).
std::string header_text(std::string_view text, std::size_t max) {
    std::string out;
    for (char c : text.substr(0, max)) {
        out.push_back(c >= 0x20 && c < 0x7f ? c : ' ');
    }
    return out;
}

std::string seconds_text(std::int64_t ms) {
    if (ms < 10000) {
        return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
    }
    return fmt::format("{} s", (ms + 500) / 1000);
}

bool is_failure(std::string_view result) { return result == "failed" || result == "rolled_back"; }

std::string generic_json(const notice& n) {
    json_writer w;
    w.begin_object();
    w.key("event").string("deployment.finished");
    w.key("app").string(n.app).key("deployment").integer(n.deployment);
    w.key("result").string(n.result);
    w.key("commit");
    n.commit.empty() ? w.null() : w.string(n.commit);
    w.key("trigger").string(n.trigger);
    w.key("duration_ms").integer(n.duration_ms);
    w.key("reason");
    n.reason.empty() ? w.null() : w.string(n.reason);
    w.key("url");
    n.link.empty() ? w.null() : w.string(n.link);
    w.key("finished_at_ms").integer(n.finished_at_ms);
    w.key("text").string(summary(n));
    w.end_object();
    return w.take();
}

}  // namespace

std::string summary(const notice& n) {
    std::string text = fmt::format("{}: deployment {} {}", n.app, n.deployment, n.result);
    std::vector<std::string> facts;
    if (!n.commit.empty()) {
        facts.push_back("commit " + short_commit(n.commit));
    }
    facts.push_back(seconds_text(n.duration_ms));
    if (!n.trigger.empty()) {
        facts.push_back("by " + n.trigger);
    }
    text += fmt::format(" ({})", fmt::join(facts, ", "));
    if (!n.reason.empty()) {
        text += ": " + n.reason;
    }
    return text;
}

outgoing render(const target& t, const notice& n) {
    outgoing out;
    switch (t.kind) {
        case target_kind::json:
            out.content_type = "application/json";
            out.body = generic_json(n);
            break;
        case target_kind::ntfy: {
            out.content_type = "text/plain; charset=utf-8";
            out.body = summary(n);
            if (!n.link.empty()) {
                out.body += "\n" + n.link;
                out.headers.emplace_back("Click", header_text(n.link, 500));
            }
            out.headers.emplace_back(
                "Title", header_text(fmt::format("deploy-agent: {} {}", n.app, n.result), 200));
            out.headers.emplace_back("Priority", is_failure(n.result) ? "high" : "default");
            out.headers.emplace_back("Tags", is_failure(n.result) ? "warning" : "white_check_mark");
            break;
        }
        case target_kind::slack:
        case target_kind::discord: {
            std::string text = summary(n);
            if (!n.link.empty()) {
                text += t.kind == target_kind::slack ? " <" + n.link + "|details>" : "\n" + n.link;
            }
            json_writer w;
            w.begin_object().key(t.kind == target_kind::slack ? "text" : "content");
            // Discord refuses content beyond 2000 characters.
            w.string(t.kind == target_kind::discord ? std::string_view(text).substr(0, 1900)
                                                    : std::string_view(text));
            w.end_object();
            out.content_type = "application/json";
            out.body = w.take();
            break;
        }
    }
    return out;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) {
        if (s.size() < 6) {
            continue;
        }
        for (auto at = text.find(s); at != std::string::npos; at = text.find(s, at)) {
            text.replace(at, s.size(), "[redacted]");
            at += 10;
        }
    }
    return text;
}

std::vector<std::string> secret_values_from_environment(const environment& env) {
    static constexpr std::string_view markers[] = {"SECRET", "TOKEN",   "PASSWORD",
                                                   "PASSWD", "API_KEY", "PRIVATE_KEY"};
    std::vector<std::string> values;
    for (const auto& [variable, text] : env.variables()) {
        std::string_view name = variable;
        bool secret = name.ends_with("_KEY");
        for (auto m : markers) {
            secret = secret || name.find(m) != std::string_view::npos;
        }
        std::string_view value = text;
        while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
            value.remove_suffix(1);
        }
        if (secret && !value.empty()) {
            values.emplace_back(value);
        }
    }
    return values;
}

}  // namespace agent::notify
