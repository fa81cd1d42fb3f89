#include "intake/infisical_intake.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cstdio>
#include <initializer_list>

#include "common/json_writer.hpp"
#include "intake/signature_diagnosis.hpp"

namespace agent {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view header_name = "x-infisical-signature";
constexpr std::string_view secret_env = "INFISICAL_WEBHOOK_SECRET";

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject()) {
        return nullptr;
    }
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

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
        const rapidjson::Value* v = member(root, outer);
        if (v != nullptr && inner != nullptr) {
            v = member(*v, inner);
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

infisical_verdict& refuse(infisical_verdict& v, unsigned status, std::string code,
                          std::string reason, const std::string& diagnosis,
                          const std::string& facts) {
    v.status = status;
    v.what = infisical_verdict::kind::refused;
    v.refusal_code = std::move(code);
    v.reason = std::move(reason);
    v.diagnosis = "refused (" + v.refusal_code + "): " + diagnosis + "; " + facts;
    v.response = json_error(status, v.reason);
    return v;
}

std::string seconds_text(milliseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
    return buf;
}

std::optional<int> digits_at(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return std::nullopt;
        }
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

}  // namespace

std::string iso8601_utc_millis(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto ms = floor<milliseconds>(t);
    const auto day = floor<days>(ms);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> hms{ms - day};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                  static_cast<int>(hms.subseconds().count()));
    return buf;
}

std::optional<std::chrono::sys_time<milliseconds>> parse_iso8601(std::string_view s) {
    using namespace std::chrono;
    const auto year = digits_at(s, 0, 4);
    const auto month = digits_at(s, 5, 2);
    const auto day = digits_at(s, 8, 2);
    const auto hour = digits_at(s, 11, 2);
    const auto minute = digits_at(s, 14, 2);
    const auto second = digits_at(s, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
        *hour > 23 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    const year_month_day ymd{std::chrono::year{*year},
                             std::chrono::month{static_cast<unsigned>(*month)},
                             std::chrono::day{static_cast<unsigned>(*day)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    int millis = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int scale = 100;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            millis += scale * (s[pos] - '0');
            scale /= 10;
            ++pos;
        }
        if (pos == start) {
            return std::nullopt;
        }
    }
    minutes offset{0};
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const int sign = s[pos] == '-' ? -1 : 1;
        const auto oh = digits_at(s, pos + 1, 2);
        const std::size_t mpos = pos + 3 + (pos + 3 < s.size() && s[pos + 3] == ':' ? 1 : 0);
        const auto om = digits_at(s, mpos, 2);
        if (!oh || !om || *oh > 23 || *om > 59) {
            return std::nullopt;
        }
        offset = minutes{sign * (*oh * 60 + *om)};
        pos = mpos + 2;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) {
        return std::nullopt;
    }
    return sys_days{ymd} + hours{*hour} + minutes{*minute} + seconds{*second} +
           milliseconds{millis} - offset;
}

infisical_verdict classify_infisical_delivery(const http_request& request,
                                              const std::optional<configured_secret>& secret,
                                              const infisical_intake_options& options) {
    infisical_verdict v;
    const std::string* content_type = request.header("Content-Type");
    std::string facts =
        "content-type " +
        (content_type == nullptr ? std::string("(none)") : content_type->substr(0, 80)) +
        ", body " + std::to_string(request.body.size()) + " bytes";
    const std::string* header = request.header(header_name);
    std::optional<signature_header> parsed;
    if (!secret || header == nullptr) {
        if (options.allow_unsigned) {
            facts += ", UNSIGNED: accepted because ALLOW_UNSIGNED_WEBHOOKS=true";
        } else if (!secret) {
            return refuse(v, 503, "not_configured", "not configured",
                          std::string(secret_env) +
                              " is unset or empty, so deliveries cannot be verified (set it, or "
                              "ALLOW_UNSIGNED_WEBHOOKS=true on test rigs)",
                          facts);
        } else {
            std::string names;
            for (std::size_t i = 0; i < request.headers.size() && i < 40; ++i) {
                names += (i == 0 ? "" : ", ") + request.headers[i].first.substr(0, 64);
            }
            return refuse(v, 401, "missing_signature", "missing signature",
                          "no x-infisical-signature header (Infisical sends it only when the "
                          "webhook has a secret key); headers present: " +
                              (names.empty() ? std::string("(none)") : names),
                          facts);
        }
    } else {
        parsed = parse_infisical_signature_header(*header);
        if (!parsed->ok()) {
            return refuse(v, 401, "malformed_signature", "Invalid webhook signature",
                          "x-infisical-signature malformed: " + parsed->problem, facts);
        }
        const std::string scheme = parsed->timestamp ? "t=<ms>;<hex>" : "plain hex";
        if (!constant_time_equal(hmac_sha256_hex(secret->value, request.body), parsed->hex)) {
            std::string d = "x-infisical-signature (" + scheme +
                            ", HMAC-SHA256 over the raw body) does not match " +
                            std::string(secret_env) + " (" + describe_secret(*secret);
            if (!options.explain_refusals) {
                d += ")";
                return refuse(v, 401, "bad_signature", "Invalid webhook signature", d, facts);
            }
            if (auto hint = secret_variant_hint(mac_algorithm::sha256, *secret, request.body,
                                                parsed->hex)) {
                d += ": " + *hint;
            }
            d += ")";
            for (const auto& hint :
                 body_reencoding_hints(request.body, content_type ? *content_type : "")) {
                d += "; body " + hint;
            }
            return refuse(v, 401, "bad_signature", "Invalid webhook signature", d, facts);
        }
        v.signature_verified = true;
        facts += ", verified (" + scheme + ")";
    }

    // JSON has no raw NUL bytes, and RapidJSON would read one as the end of the text.
    if (const auto nul = request.body.find('\0'); nul != std::string::npos) {
        const std::string where = "malformed JSON at offset " + std::to_string(nul) + ": a NUL byte";
        return refuse(v, 400, "bad_json", where, where, facts);
    }
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(request.body.data(), request.body.size());
    if (doc.HasParseError()) {
        const std::string where = "malformed JSON at offset " +
                                  std::to_string(doc.GetErrorOffset()) + ": " +
                                  GetParseError_En(doc.GetParseError());
        return refuse(v, 400, "bad_json", where, where, facts);
    }
    if (!doc.IsObject()) {
        return refuse(v, 400, "bad_json", "JSON payload is not an object",
                      "JSON payload is not an object", facts);
    }

    if (parsed) {
        const auto now = options.now ? options.now() : std::chrono::system_clock::now();
        const rapidjson::Value* ts = member(doc, "timestamp");
        std::optional<std::chrono::sys_time<milliseconds>> signed_at;
        if (ts != nullptr && ts->IsInt64()) {
            signed_at = std::chrono::sys_time<milliseconds>{milliseconds{ts->GetInt64()}};
        } else if (ts != nullptr && ts->IsString() && !parsed->timestamp) {
            signed_at = parse_iso8601(std::string_view(ts->GetString(), ts->GetStringLength()));
        }
        if (parsed->timestamp &&
            (!signed_at || signed_at->time_since_epoch().count() != *parsed->timestamp)) {
            // t= itself is not signed: only the body's copy is, so the two must agree.
            return refuse(v, 401, "timestamp_mismatch", "Invalid webhook signature",
                          signed_at ? "the header's t= differs from the signed body's timestamp"
                                    : "the body has no numeric timestamp to match the header's t=",
                          facts);
        }
        if (signed_at) {
            // Compared in milliseconds, with absurd values refused before any arithmetic that
            // could overflow.
            constexpr std::int64_t max_ms = 1'000'000'000'000'000;  // year ~33658
            const std::int64_t signed_ms = signed_at->time_since_epoch().count();
            const std::int64_t now_ms =
                std::chrono::floor<milliseconds>(now).time_since_epoch().count();
            const milliseconds age{signed_ms < 0 || signed_ms > max_ms ? max_ms
                                                                       : now_ms - signed_ms};
            if (age > options.window || -age > options.window) {
                return refuse(v, 401, "stale_timestamp", "stale timestamp",
                              "signed timestamp is " + seconds_text(age) +
                                  " from now, outside the window of " +
                                  seconds_text(options.window) + ": refused as a replay",
                              facts);
            }
            facts += ", signed " + seconds_text(age) + " ago";
        } else {
            facts += ", no signed timestamp: replay check not possible";
        }
    }

    const rapidjson::Value* event = member(doc, "event");
    if (event == nullptr || !event->IsString() ||
        !plain_text(std::string_view(event->GetString(), event->GetStringLength()), 100)) {
        return refuse(v, 400, "bad_payload", "missing event", "payload has no usable 'event'",
                      facts);
    }
    v.event.assign(event->GetString(), event->GetStringLength());
    v.status = 200;
    if (is_change_event(v.event) || v.event == "test") {
        v.what =
            v.event == "test" ? infisical_verdict::kind::test : infisical_verdict::kind::change;
        v.change = read_change(doc, v.event);
        v.reason = "Webhook processed successfully";
        v.diagnosis = "event " + v.event + " " + infisical_change_json(*v.change) + "; " + facts;
        v.response = infisical_processed_response(v.event);
        return v;
    }
    v.what = infisical_verdict::kind::ignored;
    v.reason = "ignored: event " + v.event;
    v.diagnosis = v.reason + "; " + facts;
    json_writer w;
    w.begin_object();
    w.key("success").boolean(true);
    w.key("message").string("Webhook ignored");
    w.key("event").string(v.event);
    w.key("action").string("ignored");
    w.end_object();
    v.response = http_response{200, w.take(), "application/json", {}};
    return v;
}

http_response infisical_processed_response(std::string_view event,
                                           const std::vector<std::string>& deployment_ids,
                                           std::string_view action) {
    json_writer w;
    w.begin_object();
    w.key("success").boolean(true);
    w.key("message").string("Webhook processed successfully");
    w.key("event").string(event);
    w.key("action").string(action);
    if (!deployment_ids.empty()) {
        w.key("deployments").begin_array();
        for (const auto& id : deployment_ids) {
            w.string(id);
        }
        w.end_array();
    }
    w.end_object();
    return http_response{200, w.take(), "application/json", {}};
}

http_response infisical_test_response(std::chrono::system_clock::time_point now) {
    json_writer w;
    w.begin_object();
    w.key("success").boolean(true);
    w.key("message").string("Test webhook received successfully");
    w.key("receivedAt").string(iso8601_utc_millis(now));
    w.end_object();
    return http_response{200, w.take(), "application/json", {}};
}

std::string infisical_change_json(const infisical_change& change) {
    json_writer w;
    w.begin_object();
    const std::pair<const char*, const std::string*> fields[] = {
        {"event", &change.event},
        {"project", &change.project},
        {"environment", &change.environment},
        {"secretPath", &change.secret_path}};
    for (const auto& [name, value] : fields) {
        if (!value->empty()) {
            w.key(name).string(*value);
        }
    }
    if (change.secret_key && !change.secret_key->empty()) {
        w.key("secretKey").string(*change.secret_key);
    }
    w.end_object();
    return w.take();
}

}  // namespace agent
