// GitLab deliveries (classify_gitlab_delivery in forge_intake.hpp).

#include <rapidjson/document.h>

#include "common/base64url.hpp"
#include "common/escape.hpp"
#include "common/json_member.hpp"
#include "common/text.hpp"
#include "intake/forge_detail.hpp"
#include "intake/forge_intake.hpp"
#include "intake/github_payload.hpp"
#include "intake/json_peek.hpp"
#include "intake/signature_diagnosis.hpp"

namespace agent {

namespace {

using github_detail::refuse;

// GitLab sends the 20 newest commits of a push, and the true count beside them.
constexpr std::size_t gitlab_carried_commits = 20;

// "group/sub/name": two parts or more of [A-Za-z0-9_.-], 1024 characters at most.
bool valid_gitlab_path(std::string_view path) {
    if (path.size() > 1024) {
        return false;
    }
    std::size_t parts = 0;
    while (true) {
        const auto slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        if (!github_detail::valid_name(part, 255) || part == "." || part == "..") {
            return false;
        }
        ++parts;
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
    }
    return parts >= 2;
}

// Content type, delivery id and event. False when refused.
bool gitlab_read_headers(const delivery_view& delivery, github_verdict& v, std::string& facts) {
    v.source = "gitlab";
    const std::string* content_type = delivery.header("Content-Type");
    v.content_type = content_type == nullptr ? std::string{} : media_type(*content_type);
    facts = "content-type " +
            (v.content_type.empty() ? "(none)" : escape_untrusted(v.content_type, 80)) +
            ", body " + std::to_string(delivery.body.size()) + " bytes";
    for (const char* name : {"Idempotency-Key", "webhook-id", "X-Gitlab-Event-UUID"}) {
        if (const auto* id = delivery.header(name)) {
            if (github_detail::valid_name(*id, 100)) {
                v.delivery_id = *id;
                facts += ", delivery " + v.delivery_id;
                break;
            }
            facts += std::string(", ") + name + " malformed (dropped)";
        }
    }
    if (v.content_type != "application/json") {
        refuse(v, outcome::malformed, "unsupported_content_type", "unsupported content type",
               "content type is not application/json (GitLab always sends JSON)", facts);
        return false;
    }
    const std::string* event = delivery.header("X-Gitlab-Event");
    if (event == nullptr) {
        refuse(v, outcome::malformed, "missing_event", "missing X-Gitlab-Event header",
               "no X-Gitlab-Event header (is the sender GitLab?); headers present: " +
                   delivery.header_names(),
               facts);
        return false;
    }
    if (!github_detail::only(*event, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ",
                             64)) {
        refuse(v, outcome::malformed, "malformed_event", "malformed X-Gitlab-Event header",
               "X-Gitlab-Event is not 1-64 of letters and spaces", facts);
        return false;
    }
    v.event = *event;
    return true;
}

// The raw key of a Standard Webhooks signing token "whsec_<base64>", or nullopt.
std::optional<std::string> signing_key(std::string_view secret) {
    if (!secret.starts_with("whsec_")) {
        return std::nullopt;
    }
    std::string text(secret.substr(6));
    while (text.ends_with('=')) {
        text.pop_back();
    }
    for (char& c : text) {
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    return base64url_decode(text);
}

// GitLab's signing token (Standard Webhooks, behind GitLab's webhook_signing_token flag):
// `webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`,
// possibly several space-separated. The secrets that are signing tokens ("whsec_…") verify it.
// Returns the env names that verified it; `tried` says which were tried.
std::vector<std::string> gitlab_signed_by(
    const delivery_view& delivery,
    const std::vector<std::pair<std::string, configured_secret>>& configured,
    std::string& tried) {
    std::vector<std::string> verified;
    const std::string* signature = delivery.header("webhook-signature");
    const std::string* id = delivery.header("webhook-id");
    const std::string* timestamp = delivery.header("webhook-timestamp");
    if (signature == nullptr || id == nullptr || timestamp == nullptr ||
        !github_detail::valid_name(*id, 100) ||
        !github_detail::only(*timestamp, "0123456789", 20) || signature->size() > 1024) {
        return verified;
    }
    std::string signed_text = *id + "." + *timestamp + ".";
    signed_text += delivery.body;
    for (const auto& [env, secret] : configured) {
        const auto key = signing_key(secret.value);
        if (!key) {
            continue;
        }
        const auto mac = hmac_sha256(*key, signed_text);
        const std::string expected =
            "v1," + base64_encode(std::string_view(reinterpret_cast<const char*>(mac.data()),
                                                   mac.size()));
        bool match = false;
        std::string_view rest = *signature;
        while (!rest.empty()) {
            const auto space = rest.find(' ');
            match = constant_time_equal(rest.substr(0, space), expected) || match;
            rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
        }
        if (match) {
            verified.push_back(env);
        } else {
            tried += (tried.empty() ? "" : "; ") + env + " (signing token, " +
                     describe_secret(secret) + ")";
        }
    }
    return verified;
}

// X-Gitlab-Token against each configured token: both hashed first, so that the comparison
// takes the same time whatever the lengths and the bytes. False when refused.
bool gitlab_verify(const delivery_view& delivery, const manifest& apps,
                   const secret_source& secrets, const github_intake_options& options,
                   const std::optional<std::string>& repo, github_verdict& v,
                   std::string& facts) {
    const std::string* token = delivery.header("X-Gitlab-Token");
    const auto envs =
        forge_detail::candidate_envs(apps, "gitlab", default_gitlab_secret_env, repo);
    std::string unset;
    const auto configured = forge_detail::configured_secrets(envs, secrets, unset);
    if ((token == nullptr || token->empty()) && !configured.empty() &&
        delivery.header("webhook-signature") != nullptr) {
        std::string tried;
        v.verified_secret_envs = gitlab_signed_by(delivery, configured, tried);
        if (!v.verified_secret_envs.empty()) {
            v.signature_verified = true;
            facts += ", signed with the signing token of " + v.verified_secret_envs.front();
            return true;
        }
        refuse(v, outcome::unauthenticated, "bad_signature", "invalid signature",
               "webhook-signature (GitLab's signing token) matched no configured signing token "
               "(a value 'whsec_…'): " +
                   (tried.empty() ? std::string("no configured token is a signing token") : tried) +
                   "; webhook-id and webhook-timestamp are needed too",
               facts);
        return false;
    }
    if (token == nullptr || token->empty() || configured.empty()) {
        return forge_detail::unsigned_delivery(
            v, apps, "gitlab", default_gitlab_secret_env, repo, options, !configured.empty(),
            unset,
            "no X-Gitlab-Token header (GitLab sends it only when the webhook has a 'Secret "
            "token'); headers present: " +
                delivery.header_names(),
            facts);
    }
    const std::string received = sha256_hex(*token);
    std::string tried;
    for (const auto& [env, secret] : configured) {
        if (constant_time_equal(sha256_hex(secret.value), received)) {
            v.verified_secret_envs.push_back(env);
            continue;
        }
        tried += (tried.empty() ? "" : "; ") + env + " (" + describe_secret(secret);
        if (options.explain_refusals &&
            (constant_time_equal(sha256_hex(trim(secret.value)), received) ||
             constant_time_equal(sha256_hex(secret.value + secret.removed_newline), received))) {
            tried += ": it would match with the secret's surrounding whitespace or stripped "
                     "newline as sent";
        }
        tried += ")";
    }
    if (!v.verified_secret_envs.empty()) {
        v.signature_verified = true;
        facts += ", token of " + v.verified_secret_envs.front();
        return true;
    }
    std::string d = "X-Gitlab-Token (" + std::to_string(token->size()) +
                    " bytes, fingerprint " + secret_fingerprint(*token) +
                    ") matched no configured token: " + tried;
    if (!unset.empty()) {
        d += "; unset: " + unset;
    }
    refuse(v, outcome::unauthenticated, "bad_signature", "invalid token", d, facts);
    return false;
}

// A GitLab push or tag push payload (Gitlab::DataBuilder::Push), verified.
void gitlab_classify_push(github_verdict& v, const rapidjson::Value& root,
                          const std::string& facts) {
    github_push push;
    push.forge = "gitlab";
    push.delivery_id = v.delivery_id;
    if (!forge_detail::read_push_head(v, root, "project", "path_with_namespace", valid_gitlab_path, push,
                                      facts)) {
        return;
    }
    // "Checkout sha is nil when we remove branch or tag" (lib/gitlab/data_builder/push.rb).
    const auto* checkout = json_member(root, "checkout_sha");
    push.deleted = github_detail::all_zeros(push.after) || (checkout != nullptr && checkout->IsNull());
    const auto checkout_sha = forge_detail::string_of(root, "checkout_sha");
    push.commit = push.deleted ? std::string{}
                  : checkout_sha && github_detail::valid_sha(*checkout_sha) ? *checkout_sha
                                                                            : push.after;
    const auto user = forge_detail::string_of(root, "user_username");
    push.pusher = user && github_detail::valid_name(*user, 100) ? *user : std::string{};
    const auto* total = json_member(root, "total_commits_count");
    if (!push.deleted && total != nullptr && total->IsUint64()) {
        github_detail::read_commit_files(root, push, total->GetUint64(), gitlab_carried_commits);
    }
    forge_detail::settle_push(v, std::move(push), facts);
}

}  // namespace

github_verdict classify_gitlab_delivery(const delivery_view& delivery, const manifest& apps,
                                        const secret_source& secrets,
                                        const github_intake_options& options) {
    github_verdict v;
    std::string facts;
    if (!gitlab_read_headers(delivery, v, facts)) {
        return v;
    }
    // Unverified: the project picks candidate tokens and nothing else.
    std::optional<std::string> repo =
        peek_string_member(delivery.body, "project", "path_with_namespace");
    if (repo && !valid_gitlab_path(*repo)) {
        repo.reset();
    }
    if (repo) {
        facts += ", project " + *repo;
    }
    if (!gitlab_verify(delivery, apps, secrets, options, repo, v, facts)) {
        return v;
    }
    forge_detail::authorize_apps(v, apps, "gitlab", repo, facts);
    rapidjson::Document doc;
    if (!forge_detail::parse_payload(v, delivery.body, doc, facts)) {
        return v;
    }
    if (v.event == "Push Hook" || v.event == "Tag Push Hook") {
        gitlab_classify_push(v, doc, facts);
        return v;
    }
    forge_detail::ignore_event(v, facts);
    return v;
}

}  // namespace agent
