// libFuzzer target: Gitea/Forgejo delivery classification (headers, form decoding, signature
// over the JSON text, payload). Input: one flags byte, then the body. Half of the inputs are
// signed correctly (over the decoded payload for a form body, as Gitea signs), so the fuzzer
// reaches the verified-payload code. See tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string>

#include "intake/forge_intake.hpp"
#include "intake/github_payload.hpp"
#include "webhooks/webhook_answers.hpp"

namespace {

agent::manifest gitea_fuzz_manifest() {
    agent::manifest m;
    for (const char* repo : {"example/example", "octo/api"}) {
        agent::app_spec app;
        app.name = repo + 5;
        agent::github_trigger t;
        t.repository = repo;
        t.branches = {"main", "master"};
        t.tags = {"v*"};
        t.paths = {"src/**"};
        t.secret_env = repo[0] == 'e' ? "GITEA_WEBHOOK_SECRET" : "API_SECRET";
        app.gitea = t;
        m.apps.push_back(app);
    }
    return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    static const agent::manifest apps = gitea_fuzz_manifest();
    static const agent::secret_source secrets{
        [](std::string_view name) -> std::optional<agent::configured_secret> {
            if (name == "GITEA_WEBHOOK_SECRET" || name == "API_SECRET") {
                return agent::make_configured_secret("fuzz-secret\n", std::string(name));
            }
            return std::nullopt;
        }};
    static const char* const events[] = {"push", "create", "delete", "release"};
    const std::uint8_t flags = data[0];
    const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
    const bool form = (flags & 1) != 0;
    const bool forgejo = (flags & 32) != 0;
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", form ? "application/x-www-form-urlencoded" : "application/json"},
        {forgejo ? "X-Forgejo-Event" : "X-Gitea-Event", events[(flags >> 4) & 1 ? 0 : (flags >> 6) & 3]},
        {forgejo ? "X-Forgejo-Delivery" : "X-Gitea-Delivery", "fuzz-delivery"}};
    if (flags & 2) {
        std::string signed_text = body;
        if (form) {
            signed_text = agent::github_detail::form_payload(body).value_or(std::string{});
        }
        headers.emplace_back(forgejo ? "X-Forgejo-Signature" : "X-Gitea-Signature",
                             (flags & 4) ? std::string{}
                                         : agent::hmac_sha256_hex("fuzz-secret", signed_text));
    }
    const auto verdict = agent::classify_forge_delivery(
        agent::delivery_view{headers, body}, apps, secrets,
        agent::github_intake_options{(flags & 8) != 0});
    if (verdict.what != agent::github_verdict::kind::push) {
        (void)agent::github_answer(verdict);
    } else if (verdict.push) {
        (void)agent::push_replay_key(*verdict.push);
    }
    return 0;
}
