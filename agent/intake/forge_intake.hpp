#pragma once

#include <string_view>

#include "intake/delivery.hpp"
#include "intake/github_intake.hpp"
#include "manifest/manifest.hpp"

// Gitea/Forgejo and GitLab deliveries, classified into the same verdict as GitHub's, so that the
// accept stage, the planner and the answers treat every forge alike (docs/forges-research.md
// says what each forge sends, with its source).

namespace agent {

/// Which forge sent a delivery.
enum class forge_kind { github, gitea, forgejo, gitlab };

/// "github", "gitea", "forgejo", "gitlab".
std::string_view to_string(forge_kind forge);

/// The forge of a delivery by its own event header, in this order: X-Forgejo-Event → forgejo,
/// X-Gitea-Event → gitea, X-Gitlab-Event → gitlab, else github. Gitea and Forgejo also send
/// GitHub's headers (X-GitHub-Event, an X-Hub-Signature-256 made with the Gitea secret): their
/// own header decides.
forge_kind forge_of(const delivery_view& delivery);

/// Verifies and classifies one Gitea or Forgejo delivery (POST /webhooks/gitea): the event and
/// delivery id from X-Forgejo-* when present, else X-Gitea-*; the signature X-Forgejo-Signature
/// or X-Gitea-Signature, lower-case hex HMAC-SHA256 without a prefix, over the JSON text (the
/// body, or a form body's decoded `payload` field: Gitea signs the JSON, not the form); the
/// candidate secrets GITEA_WEBHOOK_SECRET and the secret_env of every triggers.gitea whose
/// repository is the payload's `repository.full_name` (all of them when it is not known). A
/// push plans with forge "gitea"; `create`, `delete` and other events are ignored (a deleted
/// branch arrives as `delete` only; a deleted tag as a push to zeros, ignored). Pure but for
/// `secrets.lookup`; never throws.
github_verdict classify_gitea_delivery(const delivery_view& delivery, const manifest& apps,
                                       const secret_source& secrets,
                                       const github_intake_options& options);

/// Verifies and classifies one GitLab delivery (POST /webhooks/gitlab): X-Gitlab-Event
/// "Push Hook" or "Tag Push Hook" (others are ignored), the delivery id from Idempotency-Key
/// (kept across GitLab's retries), else X-Gitlab-Event-UUID; X-Gitlab-Token compared in
/// constant time with GITLAB_WEBHOOK_TOKEN and the secret_env of every triggers.gitlab whose
/// repository is the payload's `project.path_with_namespace`. The commit deployed is
/// `checkout_sha` (a tag's target commit); `after` all zeros or `checkout_sha` null is a
/// deleted ref, ignored. Only application/json. Pure but for `secrets.lookup`; never throws.
github_verdict classify_gitlab_delivery(const delivery_view& delivery, const manifest& apps,
                                        const secret_source& secrets,
                                        const github_intake_options& options);

/// Any forge's delivery (POST /webhook), by forge_of.
github_verdict classify_forge_delivery(const delivery_view& delivery, const manifest& apps,
                                       const secret_source& secrets,
                                       const github_intake_options& options);

}  // namespace agent
