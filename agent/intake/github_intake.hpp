#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/outcome.hpp"
#include "intake/delivery.hpp"
#include "intake/events.hpp"
#include "intake/signature.hpp"
#include "manifest/manifest.hpp"

namespace agent {

/// Where the GitHub intake finds a secret by environment variable name (a seam for tests).
struct secret_source {
    std::function<std::optional<configured_secret>(std::string_view env_name)> lookup;
};

/// The variables of `env` (the environment the agent started with), through
/// read_secret_from_env: a secret changed later is seen after a restart.
secret_source environment_secret_source(environment env);

/// The environment variable that holds the default GitHub secret.
inline constexpr std::string_view default_github_secret_env = "WEBHOOK_SECRET";

struct github_intake_options {
    bool allow_unsigned = false;  ///< ALLOW_UNSIGNED_WEBHOOKS=true: accept deliveries without one
    /// False when a refusal would not be logged (a flood beyond REFUSALS_LOGGED_PER_SECOND): a
    /// bad signature's diagnosis then skips the costly hints (secret variants, re-encoding).
    bool explain_refusals = true;
};

/// What to do with one GitHub delivery.
struct github_verdict {
    enum class kind { push, ping, ignored, refused };

    /// queued for a push (the caller says done instead when no app is planned), done for ping
    /// and ignored; refused: malformed, unauthenticated (signature) or unavailable (no secret).
    outcome result = outcome::malformed;
    kind what = kind::refused;
    std::string reason;     ///< short, for the caller: "invalid signature", "pong: hook 123", ...
    std::string diagnosis;  ///< one line for the log; never a secret or a MAC
    std::string refusal_code;         ///< stable metric label; empty unless refused
    /// Who sent it, for logs, metrics and the history: "github", "gitea", "forgejo", "gitlab".
    std::string source = "github";
    std::string event;                ///< the forge's event header (validated), may be empty
    std::string delivery_id;          ///< X-GitHub-Delivery (validated), may be empty
    std::string content_type;         ///< media type, lower-case
    std::optional<github_push> push;  ///< for kind::push, and for an ignored ref deletion

    /// Env names whose secret verified the delivery (for an unsigned delivery accepted under
    /// allow_unsigned: every candidate name). The caller keeps only apps using one of them.
    std::vector<std::string> verified_secret_envs;
    /// Manifest apps whose triggers.github.repository is the payload's repository and whose
    /// secret_env verified the delivery (and allow_sha1 when only sha1 was sent): the apps this
    /// delivery may trigger. Branch/tag matching is the planner's.
    std::vector<std::string> authorized_apps;
    bool signature_verified = false;  ///< false only for a delivery accepted unsigned
};

/// Verifies and classifies one GitHub delivery. Pure: no I/O except `secrets.lookup`.
/// The HMAC is over `delivery.body` exactly as received, JSON or form; the payload is read from
/// the still-unverified body only to choose candidate secrets (WEBHOOK_SECRET and the secret_env
/// of every app whose repository matches; every manifest secret_env when the repository is not
/// known), and is used for nothing else until a candidate verifies it. Never throws for any
/// input.
github_verdict classify_github_delivery(const delivery_view& delivery, const manifest& apps,
                                        const secret_source& secrets,
                                        const github_intake_options& options);

/// What makes a push a replay, whatever its delivery id: the same repository, ref, `before` and
/// `after` (a hash of them, "github:<hex>"). A force-push back to an older commit has another
/// `before`, so it is a new push.
std::string push_replay_key(const github_push& push);

}  // namespace agent
