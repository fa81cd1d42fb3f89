#include "intake/infisical_intake.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <initializer_list>

#include "common/escape.hpp"
#include "common/iso8601.hpp"
#include "common/json_member.hpp"
#include "common/text.hpp"
#include "intake/refusal_codes.hpp"
#include "intake/signature_diagnosis.hpp"

namespace agent {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view header_name = "x-infisical-signature";
constexpr std::string_view secret_env = "INFISICAL_WEBHOOK_SECRET";

bool plain_text(std::string_view s, std::size_t max) {
    return !s.empty() && s.size() <= max && std::none_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
}

// The first of `paths` ("a" or "a.b") that holds a usable string.
std::string first_string(const rapidjson::Value& root,
                         std::initializer_list<std::pair<const char*, const char*>> paths,
                         std::size_t max) {
    for (const auto& [outer, inner] : paths) {
        const rapidjson::Value* v = json_member(root, outer);
        if (v != nullptr && inner != nullptr) {
            v = json_member(*v, inner);
        }
        if (v != nullptr && v->IsString() &&
            plain_text(std::string_view(v->GetString(), v->GetStringLength()), max)) {
            return std::string(v->GetString(), v->GetStringLength());
        }
    }
    return {};
}

// The payload shapes: Infisical's (project.{projectId,workspaceId,environment,secretPath}), its
// older documented one (project.workspaceId), newer events (project.id) and the replaced
// service's (workspace.id, environment.slug, secretPath, secret.key at the top level).
infisical_change read_change(const rapidjson::Value& root, std::string event) {
    infisical_change c;
    c.event = std::move(event);
    c.project = first_string(root,
                             {{"project", "projectId"},
                              {"project", "workspaceId"},
                              {"project", "id"},
                              {"workspace", "id"},
                              {"projectId", nullptr},
                              {"workspaceId", nullptr},
                              {"workspace", nullptr}},
                             128);
    c.environment = first_string(
        root, {{"project", "environment"}, {"environment", "slug"}, {"environment", nullptr}}, 128);
    c.secret_path = first_string(root, {{"project", "secretPath"}, {"secretPath", nullptr}}, 1024);
    if (c.secret_path.empty()) {
        c.secret_path = "/";
    }
    if (auto key = first_string(root, {{"secret", "key"}, {"secretKey", nullptr}}, 256);
        !key.empty()) {
        c.secret_key = std::move(key);
    }
    return c;
}

bool is_change_event(std::string_view e) {
    return e == "secrets.modified" || e == "secret.modified" || e == "secret.created" ||
           e == "secret.updated" || e == "secret.deleted";
}

infisical_verdict& refuse(infisical_verdict& v, outcome result, std::string code,
                          std::string reason, const std::string& diagnosis,
                          const std::string& facts) {
    v.result = result;
    v.what = infisical_verdict::kind::refused;
    v.refusal_code = std::move(code);
    assert(is_refusal_code(v.refusal_code));  // the metric's label set (refusal_codes.hpp)
    v.reason = std::move(reason);
    v.diagnosis = "refused (" + v.refusal_code + "): " + diagnosis + "; " + facts;
    return v;
}

std::string seconds_text(milliseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
    return buf;
}

// Everything one classification reads and writes, so that each step is a function of its own.
struct infisical_context {
    const delivery_view& delivery;
    const infisical_intake_options& options;
    infisical_verdict& v;
    std::string facts{};
    std::optional<signature_header> parsed{};  // set when a signature was checked
    std::chrono::system_clock::time_point now{};
};

// An unsigned delivery: accepted only under allow_unsigned. False when refused.
bool accept_unsigned(infisical_context& c, bool has_secret) {
    if (c.options.allow_unsigned) {
        c.facts += ", UNSIGNED: accepted because ALLOW_UNSIGNED_WEBHOOKS=true";
        return true;
    }
    if (!has_secret) {
        refuse(c.v, outcome::unavailable, "not_configured", "not configured",
               std::string(secret_env) +
                   " is unset or empty, so deliveries cannot be verified (set it, or "
                   "ALLOW_UNSIGNED_WEBHOOKS=true on test rigs)",
               c.facts);
    } else {
        refuse(c.v, outcome::unauthenticated, "missing_signature", "missing signature",
               "no x-infisical-signature header (Infisical sends it only when the webhook has a "
               "secret key); headers present: " +
                   c.delivery.header_names(),
               c.facts);
    }
    return false;
}

// Checks the signature header against the secret. False when refused.
bool verify_signature(infisical_context& c, const std::optional<configured_secret>& secret) {
    const std::string* header = c.delivery.header(header_name);
    if (!secret || header == nullptr) {
        return accept_unsigned(c, secret.has_value());
    }
    c.parsed = parse_infisical_signature_header(*header);
    if (!c.parsed->ok()) {
        refuse(c.v, outcome::unauthenticated, "malformed_signature", "Invalid webhook signature",
               "x-infisical-signature malformed: " + c.parsed->problem, c.facts);
        return false;
    }
    const std::string scheme = c.parsed->timestamp ? "t=<ms>;<hex>" : "plain hex";
    if (constant_time_equal(hmac_sha256_hex(secret->value, c.delivery.body), c.parsed->hex)) {
        c.v.signature_verified = true;
        c.facts += ", verified (" + scheme + ")";
        return true;
    }
    std::string d = "x-infisical-signature (" + scheme +
                    ", HMAC-SHA256 over the raw body) does not match " + std::string(secret_env) +
                    " (" + describe_secret(*secret);
    if (c.options.explain_refusals) {
        if (auto hint = secret_variant_hint(mac_algorithm::sha256, *secret, c.delivery.body,
                                            c.parsed->hex)) {
            d += ": " + *hint;
        }
        d += ")";
        const std::string* content_type = c.delivery.header("Content-Type");
        for (const auto& hint :
             body_reencoding_hints(c.delivery.body, content_type ? *content_type : "")) {
            d += "; body " + hint;
        }
    } else {
        d += ")";
    }
    refuse(c.v, outcome::unauthenticated, "bad_signature", "Invalid webhook signature", d,
           c.facts);
    return false;
}

// The signed time of the body: a numeric `timestamp` (ms), or an ISO-8601 one for plain hex.
std::optional<std::chrono::sys_time<milliseconds>> signed_time(const rapidjson::Value& doc,
                                                               bool header_has_t) {
    const rapidjson::Value* ts = json_member(doc, "timestamp");
    if (ts != nullptr && ts->IsInt64()) {
        return std::chrono::sys_time<milliseconds>{milliseconds{ts->GetInt64()}};
    }
    if (ts != nullptr && ts->IsString() && !header_has_t) {
        return parse_iso8601(std::string_view(ts->GetString(), ts->GetStringLength()));
    }
    return std::nullopt;
}

// A verified delivery must be timed and fresh; sets what it is remembered by. False when refused.
bool check_freshness(infisical_context& c, const rapidjson::Value& doc) {
    const auto signed_at = signed_time(doc, c.parsed->timestamp.has_value());
    if (c.parsed->timestamp &&
        (!signed_at || signed_at->time_since_epoch().count() != *c.parsed->timestamp)) {
        // t= itself is not signed: only the body's copy is, so the two must agree.
        refuse(c.v, outcome::unauthenticated, "timestamp_mismatch", "Invalid webhook signature",
               signed_at ? "the header's t= differs from the signed body's timestamp"
                         : "the body has no numeric timestamp to match the header's t=",
               c.facts);
        return false;
    }
    c.v.replay_key = "infisical:" + sha256_hex(to_lower_ascii(c.parsed->hex));
    if (!signed_at) {
        if (!c.options.allow_untimed) {
            refuse(c.v, outcome::unauthenticated, "untimed", "no signed timestamp",
                   "the signed body has no usable 'timestamp' (Unix ms or ISO-8601), so a replay "
                   "could not be told apart; set INFISICAL_ALLOW_UNTIMED=true only for an old "
                   "self-hosted Infisical that sends none",
                   c.facts);
            return false;
        }
        c.v.replay_until = c.now + c.options.window;
        c.facts += ", no signed timestamp: accepted because INFISICAL_ALLOW_UNTIMED=true";
        return true;
    }
    // Compared in milliseconds, with absurd values refused before any arithmetic that could
    // overflow.
    constexpr std::int64_t max_ms = 1'000'000'000'000'000;  // year ~33658
    const std::int64_t signed_ms = signed_at->time_since_epoch().count();
    const std::int64_t now_ms =
        std::chrono::floor<milliseconds>(c.now).time_since_epoch().count();
    const milliseconds age{signed_ms < 0 || signed_ms > max_ms ? max_ms : now_ms - signed_ms};
    // Refused from the millisecond the key would be forgotten (replay_until: remembered while
    // now < replay_until): a copy arriving in that millisecond is stale, never new again.
    if (age >= c.options.window || -age >= c.options.window) {
        refuse(c.v, outcome::unauthenticated, "stale_timestamp", "stale timestamp",
               "signed timestamp is " + seconds_text(age) + " from now, outside the window of " +
                   seconds_text(c.options.window) + ": refused as a replay",
               c.facts);
        return false;
    }
    c.v.replay_until = c.now - age + c.options.window;
    c.facts += ", signed " + seconds_text(age) + " ago";
    return true;
}

// The verified payload's event and what changed.
void classify_event(infisical_context& c, const rapidjson::Value& doc) {
    const rapidjson::Value* event = json_member(doc, "event");
    if (event == nullptr || !event->IsString() ||
        !plain_text(std::string_view(event->GetString(), event->GetStringLength()), 100)) {
        refuse(c.v, outcome::malformed, "bad_payload", "missing event",
               "payload has no usable 'event'", c.facts);
        return;
    }
    infisical_verdict& v = c.v;
    v.event.assign(event->GetString(), event->GetStringLength());
    v.result = outcome::done;
    if (is_change_event(v.event) || v.event == "test") {
        v.what =
            v.event == "test" ? infisical_verdict::kind::test : infisical_verdict::kind::change;
        v.change = read_change(doc, v.event);
        v.reason = "Webhook processed successfully";
        v.diagnosis = "event " + v.event + " " + infisical_change_json(*v.change) + "; " + c.facts;
        return;
    }
    v.what = infisical_verdict::kind::ignored;
    v.reason = "ignored: event " + v.event;
    v.diagnosis = v.reason + "; " + c.facts;
}

}  // namespace

infisical_verdict classify_infisical_delivery(const delivery_view& delivery,
                                              const std::optional<configured_secret>& secret,
                                              const infisical_intake_options& options) {
    infisical_verdict v;
    const std::string* content_type = delivery.header("Content-Type");
    infisical_context c{delivery, options, v,
                        "content-type " +
                            (content_type == nullptr ? std::string("(none)")
                                                     : escape_untrusted(*content_type, 80)) +
                            ", body " + std::to_string(delivery.body.size()) + " bytes",
                        std::nullopt,
                        options.now ? options.now() : std::chrono::system_clock::now()};
    v.judged_at = c.now;
    if (!verify_signature(c, secret)) {
        return v;
    }
    // JSON has no raw NUL bytes, and RapidJSON would read one as the end of the text.
    if (const auto nul = delivery.body.find('\0'); nul != std::string_view::npos) {
        const std::string where = "malformed JSON at offset " + std::to_string(nul) + ": a NUL byte";
        return refuse(v, outcome::malformed, "bad_json", where, where, c.facts);
    }
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(delivery.body.data(), delivery.body.size());
    if (doc.HasParseError()) {
        const std::string where = "malformed JSON at offset " +
                                  std::to_string(doc.GetErrorOffset()) + ": " +
                                  GetParseError_En(doc.GetParseError());
        return refuse(v, outcome::malformed, "bad_json", where, where, c.facts);
    }
    if (!doc.IsObject()) {
        return refuse(v, outcome::malformed, "bad_json", "JSON payload is not an object",
                      "JSON payload is not an object", c.facts);
    }
    if (c.parsed && !check_freshness(c, doc)) {
        return v;
    }
    classify_event(c, doc);
    return v;
}

}  // namespace agent
