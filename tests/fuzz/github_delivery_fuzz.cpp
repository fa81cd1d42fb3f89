// libFuzzer target: GitHub delivery classification (signature check, form decoding, payload).
// Input: one flags byte, then the body. Half of the inputs are signed correctly, so the fuzzer
// reaches the verified-payload code, not only the refusals. See tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string>

#include "webhooks/webhook_answers.hpp"
#include "intake/github_intake.hpp"

namespace {

agent::manifest make_manifest() {
    agent::manifest m;
    for (const char* repo : {"octo/web", "octo/api"}) {
        agent::app_spec app;
        app.name = repo + 5;
        agent::github_trigger g;
        g.repository = repo;
        g.branches = {"main"};
        g.secret_env = repo[5] == 'w' ? "WEB_SECRET" : "WEBHOOK_SECRET";
        g.allow_sha1 = repo[5] == 'a';
        app.github = g;
        m.apps.push_back(app);
    }
    return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    static const agent::manifest apps = make_manifest();
    static const agent::secret_source secrets{
        [](std::string_view name) -> std::optional<agent::configured_secret> {
            if (name == "WEBHOOK_SECRET" || name == "WEB_SECRET") {
                return agent::make_configured_secret("fuzz-secret\n", std::string(name));
            }
            return std::nullopt;
        }};
    static const char* const events[] = {"push", "ping", "pull_request", "release"};
    const std::uint8_t flags = data[0];
    agent::http_request request;
    request.method = "POST";
    request.target = "/webhooks/github";
    request.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
    request.headers = {
        {"Content-Type", (flags & 1) ? "application/x-www-form-urlencoded" : "application/json"},
        {"X-GitHub-Event", events[(flags >> 4) & 3]},
        {"X-GitHub-Delivery", "fuzz-delivery"}};
    if (flags & 2) {
        if (flags & 4) {
            request.headers.emplace_back(
                "X-Hub-Signature", "sha1=" + agent::hmac_sha1_hex("fuzz-secret", request.body));
        } else {
            request.headers.emplace_back(
                "X-Hub-Signature-256",
                "sha256=" + agent::hmac_sha256_hex("fuzz-secret", request.body));
        }
    }
    const auto verdict = agent::classify_github_delivery(
        agent::delivery_view{request.headers, request.body}, apps, secrets,
        agent::github_intake_options{(flags & 8) != 0});
    if (verdict.what != agent::github_verdict::kind::push) {
        (void)agent::github_answer(verdict);
    } else if (verdict.push) {
        (void)agent::push_replay_key(*verdict.push);
    }
    return 0;
}
