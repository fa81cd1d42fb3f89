// libFuzzer target: signature header parsing, ISO-8601 parsing, and the verify-signature
// diagnosis (variant search, JSON compaction). Input: "<header value>\n<payload>".
// See tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/iso8601.hpp"
#include "intake/infisical_intake.hpp"
#include "intake/signature.hpp"
#include "intake/verify_signature.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const std::string_view value = input.substr(0, newline);
    const std::string_view payload =
        newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

    (void)agent::parse_github_signature_header(value, "sha256");
    (void)agent::parse_github_signature_header(value, "sha1");
    (void)agent::parse_infisical_signature_header(value);
    (void)agent::parse_iso8601(value);
    (void)agent::make_configured_secret(std::string(value), "FUZZ");
    (void)agent::body_reencoding_hints(payload, value);

    // The thorough search costs a few dozen HMACs: keep inputs small enough to stay fast.
    if (payload.size() <= 4096) {
        const auto secret = agent::make_configured_secret(" fuzz-secret\n", "FUZZ");
        (void)agent::check_signature("github", payload, value, secret);
        (void)agent::check_signature("infisical", payload, value, secret);
    }
    return 0;
}
