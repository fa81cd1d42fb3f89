#include "intake/github_intake.hpp"

#include <algorithm>

#include "common/escape.hpp"
#include "common/text.hpp"
#include "intake/github_payload.hpp"
#include "intake/json_peek.hpp"
#include "intake/signature_diagnosis.hpp"

namespace agent {


namespace {

using github_detail::form_payload;
using github_detail::only;
using github_detail::refuse;

constexpr std::string_view json_media = "application/json";
constexpr std::string_view form_media = "application/x-www-form-urlencoded";

// Everything one classification reads and writes, so that each step is a function of its own.
struct github_context {
    const delivery_view& delivery;
    const manifest& apps;
    const github_intake_options& options;
    github_verdict& v;
    std::string facts{};
    bool is_form = false;
    std::optional<std::string> decoded{};         // a form body's `payload` field
    std::optional<std::string_view> json_text{};  // the JSON to verify and read
    std::optional<std::string> repo{};            // unverified until a secret verifies the body
    bool sha1 = false;                            // only X-Hub-Signature (sha1) was sent
};

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

// Content type, delivery id and event. False when refused.
bool read_headers(github_context& c) {
    const std::string* content_type = c.delivery.header("Content-Type");
    c.v.content_type = content_type == nullptr ? std::string{} : media_type(*content_type);
    c.facts = "content-type " +
              (c.v.content_type.empty() ? "(none)" : escape_untrusted(c.v.content_type, 80)) +
              ", body " + std::to_string(c.delivery.body.size()) + " bytes";
    if (const auto* id = c.delivery.header("X-GitHub-Delivery")) {
        if (github_detail::valid_name(*id, 100)) {
            c.v.delivery_id = *id;
            c.facts += ", delivery " + c.v.delivery_id;
        } else {
            c.facts += ", X-GitHub-Delivery malformed (dropped)";
        }
    }
    c.is_form = c.v.content_type == form_media;
    if (c.v.content_type != json_media && !c.is_form) {
        refuse(c.v, outcome::malformed, "unsupported_content_type", "unsupported content type",
               "content type is neither application/json nor "
               "application/x-www-form-urlencoded (the hook's 'Content type' setting)",
               c.facts);
        return false;
    }
    for (const char* own : {"X-Forgejo-Event", "X-Gitea-Event", "X-Gitlab-Event"}) {
        if (c.delivery.header(own) != nullptr) {
            // Gitea and Forgejo send GitHub's headers too, signed with the Gitea secret: their
            // own header decides, and this endpoint is GitHub's.
            const bool gitlab = std::string_view(own) == "X-Gitlab-Event";
            refuse(c.v, outcome::malformed, "wrong_forge", "wrong endpoint for this forge",
                   std::string(own) + " is present: a " + (gitlab ? "GitLab" : "Gitea/Forgejo") +
                       " delivery, which /webhooks/github does not take; point the hook at " +
                       (gitlab ? "/webhooks/gitlab" : "/webhooks/gitea") + " or /webhook",
                   c.facts);
            return false;
        }
    }
    const std::string* event = c.delivery.header("X-GitHub-Event");
    if (event == nullptr) {
        refuse(c.v, outcome::malformed, "missing_event", "missing X-GitHub-Event header",
               "no X-GitHub-Event header; headers present: " + c.delivery.header_names(), c.facts);
        return false;
    }
    if (!only(*event, "abcdefghijklmnopqrstuvwxyz_", 64)) {
        refuse(c.v, outcome::malformed, "malformed_event", "malformed X-GitHub-Event header",
               "X-GitHub-Event is not 1-64 of [a-z_]", c.facts);
        return false;
    }
    c.v.event = *event;
    return true;
}

// Unverified: the repository picks candidate secrets and nothing else. Read without parsing the
// whole body: a refused delivery never needs more than this.
void peek_repository(github_context& c) {
    if (c.is_form) {
        c.decoded = form_payload(c.delivery.body);
        if (c.decoded) {
            c.json_text = std::string_view(*c.decoded);
        }
    } else {
        c.json_text = c.delivery.body;
    }
    if (c.json_text) {
        c.repo = peek_string_member(*c.json_text, "repository", "full_name");
        if (c.repo && !github_detail::valid_repository(*c.repo)) {
            c.repo.reset();
        }
    }
    if (c.repo) {
        c.facts += ", repository " + *c.repo;
    }
}

// The configured secrets of `envs`, and the names of those unset.
std::vector<std::pair<std::string, configured_secret>> configured_secrets(
    const std::vector<std::string>& envs, const secret_source& secrets, std::string& unset) {
    std::vector<std::pair<std::string, configured_secret>> configured;
    for (const auto& env : envs) {
        if (auto secret = secrets.lookup ? secrets.lookup(env) : std::nullopt) {
            configured.emplace_back(env, std::move(*secret));
        } else {
            unset += (unset.empty() ? "" : ", ") + env;
        }
    }
    return configured;
}

// Checks `signature` against each configured secret. False when refused.
bool check_mac(github_context& c, const std::string& signature,
               const std::vector<std::pair<std::string, configured_secret>>& configured,
               const std::string& unset) {
    const std::string header_name = c.sha1 ? "X-Hub-Signature" : "X-Hub-Signature-256";
    const auto parsed = parse_github_signature_header(signature, c.sha1 ? "sha1" : "sha256");
    if (!parsed.ok()) {
        refuse(c.v, outcome::unauthenticated, "malformed_signature", "invalid signature",
               header_name + " malformed: " + parsed.problem, c.facts);
        return false;
    }
    const auto algorithm = c.sha1 ? mac_algorithm::sha1 : mac_algorithm::sha256;
    const bool explain = c.options.explain_refusals;
    std::string tried;
    for (const auto& [env, secret] : configured) {
        if (constant_time_equal(hmac_hex(algorithm, secret.value, c.delivery.body), parsed.hex)) {
            c.v.verified_secret_envs.push_back(env);
            continue;
        }
        tried += (tried.empty() ? "" : "; ") + env + " (" + describe_secret(secret);
        auto hint = explain ? secret_variant_hint(algorithm, secret, c.delivery.body, parsed.hex)
                            : std::nullopt;
        tried += (hint ? ": " + *hint : std::string{}) + ")";
    }
    if (!c.v.verified_secret_envs.empty()) {
        c.v.signature_verified = true;
        c.facts += ", verified by " + c.v.verified_secret_envs.front() +
                   (c.sha1 ? " (sha1, allowed by the app)" : "");
        return true;
    }
    std::string d = header_name + (c.sha1 ? " (HMAC-SHA1)" : " (HMAC-SHA256)") +
                    " over the raw body matched no configured secret: " + tried;
    if (!unset.empty()) {
        d += "; unset: " + unset;
    }
    if (explain) {
        for (const auto& hint : body_reencoding_hints(c.delivery.body, c.v.content_type)) {
            d += "; body " + hint;
        }
    }
    refuse(c.v, outcome::unauthenticated, "bad_signature", "invalid signature", d, c.facts);
    return false;
}

// Verifies the delivery with the candidate secrets, or accepts it unsigned when allowed.
// False when refused.
bool verify_signature(github_context& c, const secret_source& secrets) {
    const std::string* sig256 = c.delivery.header("X-Hub-Signature-256");
    const std::string* sig1 = sig256 == nullptr ? c.delivery.header("X-Hub-Signature") : nullptr;
    c.sha1 = sig1 != nullptr;
    const std::vector<std::string> envs = candidate_envs(c.apps, c.repo, c.sha1);
    std::string unset;
    const auto configured = configured_secrets(envs, secrets, unset);
    const std::string* signature = c.sha1 ? sig1 : sig256;
    if (signature != nullptr && !configured.empty()) {
        return check_mac(c, *signature, configured, unset);
    }
    if (c.options.allow_unsigned) {
        c.v.verified_secret_envs = candidate_envs(c.apps, c.repo, false);
        c.facts += ", UNSIGNED: accepted because ALLOW_UNSIGNED_WEBHOOKS=true";
        return true;
    }
    if (c.sha1 && envs.empty()) {
        refuse(c.v, outcome::unauthenticated, "sha1_not_allowed", "invalid signature",
               "only X-Hub-Signature (sha1) was sent and no app for this repository sets "
               "triggers.github.allow_sha1; send X-Hub-Signature-256",
               c.facts);
    } else if (configured.empty()) {
        refuse(c.v, outcome::unavailable, "not_configured", "not configured",
               "no secret to verify with: " + unset +
                   " unset or empty (set it, or ALLOW_UNSIGNED_WEBHOOKS=true on test rigs)",
               c.facts);
    } else {
        refuse(c.v, outcome::unauthenticated, "missing_signature", "missing signature",
               "no X-Hub-Signature-256 header (GitHub sends it only when the webhook has a "
               "secret); headers present: " +
                   c.delivery.header_names(),
               c.facts);
    }
    return false;
}

// The apps this verified delivery may trigger; the facts say why none when there are none.
void authorize_apps(github_context& c) {
    const auto& verified = c.v.verified_secret_envs;
    for (const auto& app : c.apps.apps) {
        if (c.repo && uses_repo(app, c.repo) &&
            (!c.sha1 || !c.v.signature_verified || app.github->allow_sha1) &&
            std::find(verified.begin(), verified.end(), app.github->secret_env) != verified.end()) {
            c.v.authorized_apps.push_back(app.name);
        }
    }
    if (!c.repo || !c.v.authorized_apps.empty()) {
        return;
    }
    // Verified, yet no app may be triggered: say which secret the repository's apps expect.
    std::string expected;
    for (const auto& app : c.apps.apps) {
        if (uses_repo(app, c.repo)) {
            expected += (expected.empty() ? "" : ", ") + app.name + " expects " +
                        app.github->secret_env +
                        (c.sha1 && !app.github->allow_sha1 ? " and sha256" : "");
        }
    }
    c.facts += expected.empty() ? ", no app for this repository"
                                : ", but no app is authorized (" + expected + ")";
}

}  // namespace

secret_source environment_secret_source(environment env) {
    return secret_source{[env = std::move(env)](std::string_view name) {
        return read_secret_from_env(env, std::string(name).c_str());
    }};
}

github_verdict classify_github_delivery(const delivery_view& delivery, const manifest& apps,
                                        const secret_source& secrets,
                                        const github_intake_options& options) {
    github_verdict v;
    github_context c{delivery, apps, options, v};
    if (!read_headers(c)) {
        return v;
    }
    peek_repository(c);
    if (!verify_signature(c, secrets)) {
        return v;
    }
    if (!c.json_text) {
        refuse(v, outcome::malformed, "missing_payload", "missing payload field",
               "form body without a 'payload' field", c.facts);
        return v;
    }
    authorize_apps(c);
    // The files of a push cost a walk of every commit: only for apps that filter by path.
    const bool read_files = std::any_of(apps.apps.begin(), apps.apps.end(), [&](const app_spec& a) {
        return a.github && (!a.github->paths.empty() || !a.github->ignore_paths.empty()) &&
               std::find(v.authorized_apps.begin(), v.authorized_apps.end(), a.name) !=
                   v.authorized_apps.end();
    });
    github_detail::classify_verified_payload(v, *c.json_text, c.is_form,
                                             delivery.header("X-GitHub-Hook-ID"), c.facts,
                                             read_files);
    return v;
}

std::string push_replay_key(const github_push& push) {
    std::string text = push.repository;
    for (const std::string* part : {&push.ref, &push.before, &push.after}) {
        text.push_back('\0');
        text += *part;
    }
    return push.forge + ":" + sha256_hex(text);
}

}  // namespace agent
