// libFuzzer target: Infisical delivery classification (signature, timestamp window, payload
// shapes). Input: one flags byte, then the body. See tests/fuzz/README.md.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "webhooks/webhook_answers.hpp"
#include "intake/infisical_intake.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    // The seed corpus signs with t=1767225600000 and carries the same "timestamp" in the body.
    constexpr std::int64_t t = 1767225600000;
    const std::uint8_t flags = data[0];
    agent::http_request request;
    request.method = "POST";
    request.target = "/webhooks/infisical";
    request.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
    request.headers = {{"Content-Type", "application/json"}};
    const std::string hex = agent::hmac_sha256_hex("fuzz-secret", request.body);
    if (flags & 1) {
        request.headers.emplace_back("x-infisical-signature",
                                     (flags & 2) ? hex : "t=" + std::to_string(t) + ";" + hex);
    }
    std::optional<agent::configured_secret> secret;
    if (!(flags & 4)) {
        secret = agent::make_configured_secret("fuzz-secret", "INFISICAL_WEBHOOK_SECRET");
    }
    agent::infisical_intake_options options;
    options.allow_unsigned = (flags & 8) != 0;
    options.allow_untimed = (flags & 16) != 0;
    options.now = [] {
        return std::chrono::system_clock::time_point{std::chrono::milliseconds{t + 1000}};
    };
    const auto verdict = agent::classify_infisical_delivery(
        agent::delivery_view{request.headers, request.body}, secret, options);
    (void)agent::infisical_answer(verdict);
    if (verdict.change) {
        (void)agent::infisical_change_json(*verdict.change);
    }
    return 0;
}
