// libFuzzer target: GitLab delivery classification (headers, token, payload). Input: one flags
// byte, then the body. Most inputs carry the right token, so the fuzzer reaches the payload
// code. See tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/base64url.hpp"
#include "intake/forge_intake.hpp"
#include "webhooks/webhook_answers.hpp"

namespace {

agent::manifest gitlab_fuzz_manifest() {
    agent::manifest m;
    for (const char* repo : {"mike/diaspora", "group/sub/api"}) {
        agent::app_spec app;
        app.name = repo[0] == 'm' ? "diaspora" : "api";
        agent::github_trigger t;
        t.repository = repo;
        t.branches = {"main", "master"};
        t.tags = {"v*"};
        t.ignore_paths = {"docs/**"};
        t.secret_env = repo[0] == 'm' ? "GITLAB_WEBHOOK_TOKEN" : "API_TOKEN";
        app.gitlab = t;
        m.apps.push_back(app);
    }
    return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    static const agent::manifest apps = gitlab_fuzz_manifest();
    static const agent::secret_source secrets{
        [](std::string_view name) -> std::optional<agent::configured_secret> {
            if (name == "GITLAB_WEBHOOK_TOKEN") {
                return agent::make_configured_secret("fuzz-token\n", std::string(name));
            }
            if (name == "API_TOKEN") {  // a signing token: base64 of "fuzz-signing-key"
                return agent::make_configured_secret("whsec_ZnV6ei1zaWduaW5nLWtleQ==",
                                                     std::string(name));
            }
            return std::nullopt;
        }};
    static const char* const events[] = {"Push Hook", "Tag Push Hook", "Merge Request Hook",
                                         "System Hook"};
    const std::uint8_t flags = data[0];
    const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", (flags & 1) ? "text/plain" : "application/json"},
        {"X-Gitlab-Event", events[(flags >> 4) & 3]},
        {"Idempotency-Key", "fuzz-delivery"}};
    if ((flags & 2) == 0) {
        headers.emplace_back("X-Gitlab-Token", (flags & 4) ? "fuzz-token " : "fuzz-token");
    } else if (flags & 4) {
        // Signed with the signing token (Standard Webhooks), correctly unless bit 6 is set.
        const auto mac = agent::hmac_sha256("fuzz-signing-key", "fuzz-id.1765110000." + body);
        const std::string sig = agent::base64_encode(
            std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
        headers.emplace_back("webhook-id", "fuzz-id");
        headers.emplace_back("webhook-timestamp", "1765110000");
        headers.emplace_back("webhook-signature", (flags & 64) ? "v1,AAAA v2,x" : "v1," + sig);
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
