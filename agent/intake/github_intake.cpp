#include "intake/github_intake.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>

#include "common/json_writer.hpp"
#include "intake/json_peek.hpp"
#include "intake/signature_diagnosis.hpp"

namespace agent {
namespace {

constexpr std::string_view json_media = "application/json";
constexpr std::string_view form_media = "application/x-www-form-urlencoded";
constexpr std::string_view zero_sha = "0000000000000000000000000000000000000000";

std::string media_type(std::string_view content_type) {
    std::string_view m = content_type.substr(0, content_type.find(';'));
    const auto b = m.find_first_not_of(" \t");
    const auto e = m.find_last_not_of(" \t");
    std::string out =
        b == std::string_view::npos ? std::string{} : std::string(m.substr(b, e - b + 1));
    for (char& c : out) {
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    return out;
}

bool only(std::string_view s, std::string_view allowed, std::size_t max) {
    return !s.empty() && s.size() <= max && s.find_first_not_of(allowed) == std::string_view::npos;
}
constexpr std::string_view name_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";

bool valid_event(std::string_view s) {
    return only(s, "abcdefghijklmnopqrstuvwxyz_", 64);
}
bool valid_delivery(std::string_view s) {
    return only(s, name_chars, 100);
}
bool valid_sha(std::string_view s) {
    return (s.size() == 40 || s.size() == 64) && only(s, "0123456789abcdef", 64);
}
bool valid_repository(std::string_view s) {
    const auto slash = s.find('/');
    return slash != std::string_view::npos && s.size() <= 201 &&
           only(s.substr(0, slash), name_chars, 100) && only(s.substr(slash + 1), name_chars, 100);
}
bool valid_ref(std::string_view s) {
    return !s.empty() && s.size() <= 1024 && std::none_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
}

// The decoded `payload` field of a form body, or nullopt.
std::optional<std::string> form_payload(std::string_view body) {
    while (!body.empty()) {
        const auto amp = body.find('&');
        const std::string_view pair = body.substr(0, amp);
        const auto eq = pair.find('=');
        if (percent_decode(pair.substr(0, eq), true) == "payload") {
            return eq == std::string_view::npos ? std::string{}
                                                : percent_decode(pair.substr(eq + 1), true);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        body.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject()) {
        return nullptr;
    }
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}
std::optional<std::string> string_member(const rapidjson::Value& object, const char* name) {
    const auto* v = member(object, name);
    if (v == nullptr || !v->IsString()) {
        return std::nullopt;
    }
    return std::string(v->GetString(), v->GetStringLength());
}
bool bool_member(const rapidjson::Value& object, const char* name) {
    const auto* v = member(object, name);
    return v != nullptr && v->IsBool() && v->GetBool();
}

std::optional<std::string> repository_of(const rapidjson::Value& root) {
    const auto* repo = member(root, "repository");
    auto name = repo == nullptr ? std::nullopt : string_member(*repo, "full_name");
    if (name && valid_repository(*name)) {
        return name;
    }
    return std::nullopt;
}

github_verdict& refuse(github_verdict& v, unsigned status, std::string code, std::string reason,
                       const std::string& diagnosis, const std::string& facts) {
    v.status = status;
    v.what = github_verdict::kind::refused;
    v.refusal_code = std::move(code);
    v.reason = std::move(reason);
    v.diagnosis = "refused (" + v.refusal_code + "): " + diagnosis + "; " + facts;
    return v;
}

bool uses_repo(const app_spec& app, const std::optional<std::string>& repo) {
    return app.github && (!repo || iequals(app.github->repository, *repo));
}

// Candidate secret env names, most general first, without duplicates.
std::vector<std::string> candidate_envs(const manifest& m, const std::optional<std::string>& repo,
                                        bool sha1) {
    std::vector<std::string> envs;
    if (!sha1) {
        envs.emplace_back(default_github_secret_env);
    }
    for (const auto& app : m.apps) {
        if (uses_repo(app, repo) && (!sha1 || app.github->allow_sha1) &&
            std::find(envs.begin(), envs.end(), app.github->secret_env) == envs.end()) {
            envs.push_back(app.github->secret_env);
        }
    }
    return envs;
}

std::string header_names(const http_request& request) {
    std::string names;
    for (std::size_t i = 0; i < request.headers.size() && i < 40; ++i) {
        names += (i == 0 ? "" : ", ") + request.headers[i].first.substr(0, 64);
    }
    return names.empty() ? "(none)" : names;
}

// Fills a push from a verified payload; returns the problem, or empty.
std::string read_push(const rapidjson::Value& root, github_push& push) {
    auto ref = string_member(root, "ref");
    auto after = string_member(root, "after");
    auto before = string_member(root, "before");
    auto repo = repository_of(root);
    if (!ref || !valid_ref(*ref)) {
        return "push payload without a valid 'ref'";
    }
    if (!after || !valid_sha(*after)) {
        return "push payload without a valid 'after' commit id";
    }
    if (!repo) {
        return "push payload without a valid 'repository.full_name'";
    }
    push.ref = *ref;
    push.after = *after;
    push.before = before && valid_sha(*before) ? *before : std::string{};
    push.repository = *repo;
    if (push.ref.rfind("refs/heads/", 0) == 0) {
        push.branch = push.ref.substr(11);
    } else if (push.ref.rfind("refs/tags/", 0) == 0) {
        push.tag = push.ref.substr(10);
    }
    push.created = bool_member(root, "created");
    push.forced = bool_member(root, "forced");
    push.deleted = bool_member(root, "deleted") || push.after == zero_sha ||
                   push.after.find_first_not_of('0') == std::string::npos;
    const auto* head = member(root, "head_commit");
    auto head_id = head == nullptr ? std::nullopt : string_member(*head, "id");
    // For an annotated tag `after` is the tag object; head_commit.id is the commit it points to.
    push.commit =
        push.deleted ? std::string{} : (head_id && valid_sha(*head_id) ? *head_id : push.after);
    const auto* pusher = member(root, "pusher");
    auto pusher_name = pusher == nullptr ? std::nullopt : string_member(*pusher, "name");
    push.pusher = pusher_name && valid_ref(*pusher_name) && pusher_name->size() <= 100
                      ? *pusher_name
                      : std::string{};
    return {};
}

void classify_payload(github_verdict& v, const rapidjson::Value& root, const http_request& request,
                      const std::string& facts) {
    v.diagnosis = "event " + v.event + "; " + facts;
    if (v.event == "ping") {
        std::string hook;
        if (const auto* id = member(root, "hook_id"); id != nullptr && id->IsUint64()) {
            hook = std::to_string(id->GetUint64());
        } else if (const auto* h = request.header("X-GitHub-Hook-ID");
                   h != nullptr && only(*h, "0123456789", 20)) {
            hook = *h;
        }
        v.status = 200;
        v.what = github_verdict::kind::ping;
        v.reason = hook.empty() ? "pong" : "pong: hook " + hook;
        return;
    }
    if (v.event != "push") {
        v.status = 200;
        v.what = github_verdict::kind::ignored;
        v.reason = "ignored: event " + v.event;
        return;
    }
    github_push push;
    push.delivery_id = v.delivery_id;
    if (auto problem = read_push(root, push); !problem.empty()) {
        refuse(v, 400, "bad_payload", "malformed push payload", problem, facts);
        return;
    }
    v.diagnosis = "push " + push.repository + " " + push.ref + " " + push.before + ".." +
                  push.after + (push.forced ? " forced" : "") + (push.created ? " created" : "") +
                  "; " + facts;
    v.push = std::move(push);
    v.status = 200;
    v.what = github_verdict::kind::ignored;
    if (v.push->deleted) {
        v.reason = "ignored: ref deleted";
    } else if (v.push->branch.empty() && v.push->tag.empty()) {
        v.reason = "ignored: not a branch or tag";
    } else {
        v.status = 202;
        v.what = github_verdict::kind::push;
        v.reason = "accepted";
    }
}

}  // namespace

secret_source environment_secret_source() {
    return secret_source{
        [](std::string_view name) { return read_secret_from_env(std::string(name).c_str()); }};
}

github_verdict classify_github_delivery(const http_request& request, const manifest& apps,
                                        const secret_source& secrets,
                                        const github_intake_options& options) {
    github_verdict v;
    const std::string* content_type = request.header("Content-Type");
    v.content_type = content_type == nullptr ? std::string{} : media_type(*content_type);
    std::string facts = "content-type " +
                        (v.content_type.empty() ? "(none)" : v.content_type.substr(0, 80)) +
                        ", body " + std::to_string(request.body.size()) + " bytes";
    if (const auto* id = request.header("X-GitHub-Delivery")) {
        if (valid_delivery(*id)) {
            v.delivery_id = *id;
            facts += ", delivery " + v.delivery_id;
        } else {
            facts += ", X-GitHub-Delivery malformed (dropped)";
        }
    }
    const bool is_form = v.content_type == form_media;
    if (v.content_type != json_media && !is_form) {
        return refuse(v, 400, "unsupported_content_type", "unsupported content type",
                      "content type is neither application/json nor "
                      "application/x-www-form-urlencoded (the hook's 'Content type' setting)",
                      facts);
    }
    const std::string* event = request.header("X-GitHub-Event");
    if (event == nullptr) {
        return refuse(v, 400, "missing_event", "missing X-GitHub-Event header",
                      "no X-GitHub-Event header; headers present: " + header_names(request), facts);
    }
    if (!valid_event(*event)) {
        return refuse(v, 400, "malformed_event", "malformed X-GitHub-Event header",
                      "X-GitHub-Event is not 1-64 of [a-z_]", facts);
    }
    v.event = *event;

    // Unverified: the repository picks candidate secrets and nothing else.
    const std::optional<std::string> decoded =
        is_form ? form_payload(request.body) : std::optional<std::string>();
    const std::optional<std::string_view> json_text =
        is_form ? (decoded ? std::optional<std::string_view>(*decoded) : std::nullopt)
                : std::optional<std::string_view>(request.body);
    // Read without parsing the whole body: a refused delivery never needs more than this.
    std::optional<std::string> repo;
    if (json_text) {
        repo = peek_string_member(*json_text, "repository", "full_name");
        if (repo && !valid_repository(*repo)) {
            repo.reset();
        }
    }
    if (repo) {
        facts += ", repository " + *repo;
    }

    const std::string* sig256 = request.header("X-Hub-Signature-256");
    const std::string* sig1 = sig256 == nullptr ? request.header("X-Hub-Signature") : nullptr;
    const bool sha1 = sig1 != nullptr;
    const std::vector<std::string> envs = candidate_envs(apps, repo, sha1);
    std::vector<std::pair<std::string, configured_secret>> configured;
    std::string unset;
    for (const auto& env : envs) {
        if (auto secret = secrets.lookup ? secrets.lookup(env) : std::nullopt) {
            configured.emplace_back(env, std::move(*secret));
        } else {
            unset += (unset.empty() ? "" : ", ") + env;
        }
    }
    const std::string header_name = sha1 ? "X-Hub-Signature" : "X-Hub-Signature-256";
    const std::string* signature = sha1 ? sig1 : sig256;

    if (signature != nullptr && !configured.empty()) {
        const auto parsed = parse_github_signature_header(*signature, sha1 ? "sha1" : "sha256");
        if (!parsed.ok()) {
            return refuse(v, 401, "malformed_signature", "invalid signature",
                          header_name + " malformed: " + parsed.problem, facts);
        }
        const auto algorithm = sha1 ? mac_algorithm::sha1 : mac_algorithm::sha256;
        std::string tried;
        for (const auto& [env, secret] : configured) {
            if (constant_time_equal(hmac_hex(algorithm, secret.value, request.body), parsed.hex)) {
                v.verified_secret_envs.push_back(env);
            } else {
                tried += (tried.empty() ? "" : "; ") + env + " (" + describe_secret(secret);
                if (!options.explain_refusals) {
                    tried += ")";
                    continue;
                }
                if (auto hint = secret_variant_hint(algorithm, secret, request.body, parsed.hex)) {
                    tried += ": " + *hint;
                }
                tried += ")";
            }
        }
        if (v.verified_secret_envs.empty()) {
            std::string d = header_name + (sha1 ? " (HMAC-SHA1)" : " (HMAC-SHA256)") +
                            " over the raw body matched no configured secret: " + tried;
            if (!unset.empty()) {
                d += "; unset: " + unset;
            }
            if (options.explain_refusals) {
                for (const auto& hint : body_reencoding_hints(request.body, v.content_type)) {
                    d += "; body " + hint;
                }
            }
            return refuse(v, 401, "bad_signature", "invalid signature", d, facts);
        }
        v.signature_verified = true;
        facts += ", verified by " + v.verified_secret_envs.front() +
                 (sha1 ? " (sha1, allowed by the app)" : "");
    } else if (options.allow_unsigned) {
        v.verified_secret_envs = candidate_envs(apps, repo, false);
        facts += ", UNSIGNED: accepted because ALLOW_UNSIGNED_WEBHOOKS=true";
    } else if (sha1 && envs.empty()) {
        return refuse(v, 401, "sha1_not_allowed", "invalid signature",
                      "only X-Hub-Signature (sha1) was sent and no app for this repository sets "
                      "triggers.github.allow_sha1; send X-Hub-Signature-256",
                      facts);
    } else if (configured.empty()) {
        return refuse(v, 503, "not_configured", "not configured",
                      "no secret to verify with: " + unset +
                          " unset or empty (set it, or ALLOW_UNSIGNED_WEBHOOKS=true on test rigs)",
                      facts);
    } else {
        return refuse(v, 401, "missing_signature", "missing signature",
                      "no X-Hub-Signature-256 header (GitHub sends it only when the webhook has a "
                      "secret); headers present: " +
                          header_names(request),
                      facts);
    }

    for (const auto& app : apps.apps) {
        if (repo && uses_repo(app, repo) &&
            (!sha1 || !v.signature_verified || app.github->allow_sha1) &&
            std::find(v.verified_secret_envs.begin(), v.verified_secret_envs.end(),
                      app.github->secret_env) != v.verified_secret_envs.end()) {
            v.authorized_apps.push_back(app.name);
        }
    }

    if (!json_text) {
        return refuse(v, 400, "missing_payload", "missing payload field",
                      "form body without a 'payload' field", facts);
    }
    // JSON has no raw NUL bytes, and RapidJSON would read one as the end of the text.
    if (const auto nul = json_text->find('\0'); nul != std::string_view::npos) {
        const std::string where = "malformed JSON at offset " + std::to_string(nul);
        return refuse(v, 400, "bad_json", where + ": a NUL byte",
                      where + (is_form ? " of the decoded payload field" : "") + ": a NUL byte",
                      facts);
    }
    // The verified payload, parsed in place in a copy with the document's first nodes on the
    // stack: strings are not copied one by one and the common payload allocates nothing more.
    std::string text(*json_text);
    char pool[32 * 1024];
    rapidjson::MemoryPoolAllocator<> allocator(pool, sizeof pool);
    rapidjson::Document doc(&allocator);
    doc.ParseInsitu<rapidjson::kParseIterativeFlag>(text.data());
    if (doc.HasParseError()) {
        const std::string where =
            "malformed JSON at offset " + std::to_string(doc.GetErrorOffset());
        return refuse(v, 400, "bad_json", where + ": " + GetParseError_En(doc.GetParseError()),
                      where + (is_form ? " of the decoded payload field" : "") + ": " +
                          GetParseError_En(doc.GetParseError()),
                      facts);
    }
    if (!doc.IsObject()) {
        return refuse(v, 400, "bad_json", "JSON payload is not an object",
                      "JSON payload is not an object", facts);
    }
    if (repo && v.authorized_apps.empty()) {
        // Verified, yet no app may be triggered: say which secret the repository's apps expect.
        std::string expected;
        for (const auto& app : apps.apps) {
            if (uses_repo(app, repo)) {
                expected += (expected.empty() ? "" : ", ") + app.name + " expects " +
                            app.github->secret_env +
                            (sha1 && !app.github->allow_sha1 ? " and sha256" : "");
            }
        }
        facts += expected.empty() ? ", no app for this repository"
                                  : ", but no app is authorized (" + expected + ")";
    }
    classify_payload(v, doc, request, facts);
    return v;
}

http_response github_response(const github_verdict& verdict) {
    if (verdict.what == github_verdict::kind::refused) {
        return json_error(verdict.status, verdict.reason);
    }
    json_writer w;
    w.begin_object();
    w.key("success").boolean(true);
    w.key("message").string(verdict.reason);
    if (!verdict.event.empty()) {
        w.key("event").string(verdict.event);
    }
    if (!verdict.delivery_id.empty()) {
        w.key("delivery").string(verdict.delivery_id);
    }
    w.end_object();
    return http_response{verdict.status, w.take(), "application/json", {}};
}

}  // namespace agent
