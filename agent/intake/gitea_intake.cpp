// Gitea and Forgejo deliveries (classify_gitea_delivery in forge_intake.hpp).

#include <rapidjson/document.h>

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

// Everything one Gitea classification reads and writes.
struct gitea_context {
    const delivery_view& delivery;
    const manifest& apps;
    const github_intake_options& options;
    github_verdict& v;
    bool forgejo = false;
    std::string facts{};
    std::optional<std::string> decoded{};         // a form body's `payload` field
    std::optional<std::string_view> json_text{};  // the JSON Gitea signed, and the payload
    std::optional<std::string> repo{};            // unverified until a secret verifies it
};

// The forge's own header `suffix` ("Event", "Delivery", "Signature"): X-Forgejo-* from
// Forgejo (when not empty), else X-Gitea-*.
const std::string* gitea_header(const gitea_context& c, std::string_view suffix) {
    if (c.forgejo) {
        const std::string* own = c.delivery.header("X-Forgejo-" + std::string(suffix));
        if (own != nullptr && !own->empty()) {
            return own;
        }
    }
    return c.delivery.header("X-Gitea-" + std::string(suffix));
}

bool gitea_read_headers(gitea_context& c) {
    c.forgejo = c.delivery.header("X-Forgejo-Event") != nullptr;
    c.v.source = c.forgejo ? "forgejo" : "gitea";
    const std::string* content_type = c.delivery.header("Content-Type");
    c.v.content_type = content_type == nullptr ? std::string{} : media_type(*content_type);
    c.facts = "content-type " +
              (c.v.content_type.empty() ? "(none)" : escape_untrusted(c.v.content_type, 80)) +
              ", body " + std::to_string(c.delivery.body.size()) + " bytes";
    if (const auto* id = gitea_header(c, "Delivery")) {
        if (github_detail::valid_name(*id, 100)) {
            c.v.delivery_id = *id;
            c.facts += ", delivery " + c.v.delivery_id;
        } else {
            c.facts += ", delivery id malformed (dropped)";
        }
    }
    const bool form = c.v.content_type == "application/x-www-form-urlencoded";
    if (c.v.content_type != "application/json" && !form) {
        refuse(c.v, outcome::malformed, "unsupported_content_type", "unsupported content type",
               "content type is neither application/json nor "
               "application/x-www-form-urlencoded (the hook's 'POST Content Type' setting)",
               c.facts);
        return false;
    }
    const std::string* event = gitea_header(c, "Event");
    if (event == nullptr) {
        refuse(c.v, outcome::malformed, "missing_event", "missing X-Gitea-Event header",
               "no X-Gitea-Event or X-Forgejo-Event header (is the sender Gitea or Forgejo?); "
               "headers present: " +
                   c.delivery.header_names(),
               c.facts);
        return false;
    }
    if (!github_detail::only(*event, "abcdefghijklmnopqrstuvwxyz_", 64)) {
        refuse(c.v, outcome::malformed, "malformed_event", "malformed X-Gitea-Event header",
               "the event header is not 1-64 of [a-z_]", c.facts);
        return false;
    }
    c.v.event = *event;
    if (form) {
        c.decoded = github_detail::form_payload(c.delivery.body);
        if (c.decoded) {
            c.json_text = std::string_view(*c.decoded);
        }
    } else {
        c.json_text = c.delivery.body;
    }
    return true;
}

void gitea_peek_repository(gitea_context& c) {
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

bool gitea_verify(gitea_context& c, const secret_source& secrets) {
    const std::string header_name = c.forgejo ? "X-Forgejo-Signature" : "X-Gitea-Signature";
    const std::string* signature = gitea_header(c, "Signature");
    const auto envs = forge_detail::candidate_envs(c.apps, "gitea", default_gitea_secret_env,
                                                   c.repo);
    std::string unset;
    const auto configured = forge_detail::configured_secrets(envs, secrets, unset);
    // A hook without a secret sends the header empty.
    if (signature == nullptr || trim(*signature).empty() || configured.empty() ||
        !c.json_text) {
        const bool no_payload = signature != nullptr && !trim(*signature).empty() &&
                                !configured.empty() && !c.json_text;
        if (no_payload) {
            refuse(c.v, outcome::malformed, "missing_payload", "missing payload field",
                   "form body without a 'payload' field", c.facts);
            return false;
        }
        return forge_detail::unsigned_delivery(
            c.v, c.apps, "gitea", default_gitea_secret_env, c.repo, c.options,
            !configured.empty(), unset,
            "no " + header_name +
                " (Gitea and Forgejo send it empty when the webhook has no secret: set one); "
                "headers present: " +
                c.delivery.header_names(),
            c.facts);
    }
    const auto parsed = parse_gitea_signature_header(*signature);
    if (!parsed.ok()) {
        refuse(c.v, outcome::unauthenticated, "malformed_signature", "invalid signature",
               header_name + " malformed: " + parsed.problem, c.facts);
        return false;
    }
    std::string tried;
    for (const auto& [env, secret] : configured) {
        if (constant_time_equal(hmac_sha256_hex(secret.value, *c.json_text), parsed.hex)) {
            c.v.verified_secret_envs.push_back(env);
            continue;
        }
        tried += (tried.empty() ? "" : "; ") + env + " (" + describe_secret(secret);
        auto hint = c.options.explain_refusals
                        ? secret_variant_hint(mac_algorithm::sha256, secret, *c.json_text,
                                              parsed.hex)
                        : std::nullopt;
        tried += (hint ? ": " + *hint : std::string{}) + ")";
    }
    if (!c.v.verified_secret_envs.empty()) {
        c.v.signature_verified = true;
        c.facts += ", verified by " + c.v.verified_secret_envs.front();
        return true;
    }
    std::string d = header_name + " (HMAC-SHA256) over the " +
                    (c.decoded ? "form's decoded 'payload' field" : "raw body") +
                    " matched no configured secret: " + tried;
    if (!unset.empty()) {
        d += "; unset: " + unset;
    }
    if (c.options.explain_refusals && !c.decoded) {
        for (const auto& hint : body_reencoding_hints(c.delivery.body, c.v.content_type)) {
            d += "; body " + hint;
        }
    }
    refuse(c.v, outcome::unauthenticated, "bad_signature", "invalid signature", d, c.facts);
    return false;
}

// A Gitea/Forgejo push payload (api.PushPayload), verified.
void gitea_classify_push(github_verdict& v, const rapidjson::Value& root,
                         const std::string& facts) {
    github_push push;
    push.forge = "gitea";
    push.delivery_id = v.delivery_id;
    if (!forge_detail::read_push_head(v, root, "repository", "full_name",
                                      github_detail::valid_repository, push, facts)) {
        return;
    }
    push.deleted = github_detail::all_zeros(push.after);
    // For an annotated tag `after` is the tag object; head_commit is the commit it names.
    const auto head = forge_detail::nested_string(root, "head_commit", "id");
    push.commit = push.deleted ? std::string{}
                  : !push.tag.empty() && head && github_detail::valid_sha(*head) ? *head
                                                                                   : push.after;
    auto pusher = forge_detail::nested_string(root, "pusher", "login");
    if (!pusher) {
        pusher = forge_detail::nested_string(root, "pusher", "username");
    }
    push.pusher = pusher && github_detail::valid_name(*pusher, 100) ? *pusher : std::string{};
    // `total_commits` is absent in Gitea before 1.17: without it the list may be cut.
    const auto* total = json_member(root, "total_commits");
    if (!push.deleted && total != nullptr && total->IsUint64()) {
        github_detail::read_commit_files(root, push, total->GetUint64(), 0);
    }
    forge_detail::settle_push(v, std::move(push), facts);
}

}  // namespace

github_verdict classify_gitea_delivery(const delivery_view& delivery, const manifest& apps,
                                       const secret_source& secrets,
                                       const github_intake_options& options) {
    github_verdict v;
    gitea_context c{delivery, apps, options, v};
    if (!gitea_read_headers(c)) {
        return v;
    }
    gitea_peek_repository(c);
    if (!gitea_verify(c, secrets)) {
        return v;
    }
    if (!c.json_text) {
        refuse(v, outcome::malformed, "missing_payload", "missing payload field",
               "form body without a 'payload' field", c.facts);
        return v;
    }
    forge_detail::authorize_apps(v, apps, "gitea", c.repo, c.facts);
    rapidjson::Document doc;
    if (!forge_detail::parse_payload(v, *c.json_text, doc, c.facts)) {
        return v;
    }
    if (v.event == "push") {
        gitea_classify_push(v, doc, c.facts);
        return v;
    }
    forge_detail::ignore_event(v, c.facts);
    return v;
}

}  // namespace agent
