#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/environment.hpp"

namespace agent {

// Hashes and MACs come from OpenSSL, the agent's one crypto and TLS library. OpenSSL 3 loads its
// default provider on the first call, not at start: an idle agent that has verified nothing
// does not pay for it.

/// HMAC-SHA256(key, data), raw bytes.
std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view data);

/// Lower-case hex of HMAC-SHA256(key, data) (64 characters).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// Lower-case hex of HMAC-SHA1(key, data) (40 characters), for GitHub's legacy X-Hub-Signature.
std::string hmac_sha1_hex(std::string_view key, std::string_view data);

/// Lower-case hex of SHA-256(data) (64 characters).
std::string sha256_hex(std::string_view data);

/// Compares in time that depends only on the lengths (OpenSSL's CRYPTO_memcmp). Different lengths
/// are unequal; nothing but the length difference leaks.
bool constant_time_equal(std::string_view a, std::string_view b);

/// The first 8 hex digits of SHA-256(secret): lets an operator check which secret is configured
/// (`printf %s "$SECRET" | sha256sum | cut -c1-8`) without the secret ever being logged.
std::string secret_fingerprint(std::string_view secret);

/// A webhook secret as read from the environment or a file.
struct configured_secret {
    std::string value;                 ///< the HMAC key: the bytes read, minus one trailing newline
    std::string origin;                ///< "WEBHOOK_SECRET" or "file /run/secrets/x", for messages
    std::string removed_newline;       ///< "\n" or "\r\n" when one was stripped, else empty
    bool leading_whitespace = false;   ///< `value` starts with a space, tab, CR or LF
    bool trailing_whitespace = false;  ///< `value` (after the strip) still ends with one

    bool had_trailing_newline() const { return !removed_newline.empty(); }
    bool has_surrounding_whitespace() const { return leading_whitespace || trailing_whitespace; }
};

/// Builds a configured_secret from the raw bytes: removes ONE trailing "\n" or "\r\n" (and
/// remembers it) and flags surrounding whitespace. Everything else is kept byte for byte.
configured_secret make_configured_secret(std::string raw, std::string origin);

/// The secret in variable `name` of `env`; nullopt when unset or empty (after the strip).
std::optional<configured_secret> read_secret_from_env(const environment& env, const char* name);

/// The secret in the file at `path`; nullopt when unreadable or empty (after the strip), with
/// the reason in `*error` when `error` is not null.
std::optional<configured_secret> read_secret_from_file(const std::string& path,
                                                       std::string* error = nullptr);

/// "fingerprint 1a2b3c4d, 32 bytes[, one trailing newline removed][, surrounding whitespace]":
/// what a log line may say about a secret.
std::string describe_secret(const configured_secret& secret);

/// A signature header, parsed. Never logged as such: `hex` is a signature.
struct signature_header {
    std::string algorithm;                  ///< prefix before '=' as sent, lower-cased ("sha256")
    std::string hex;                        ///< the digest, lower-cased
    std::optional<std::int64_t> timestamp;  ///< Infisical `t=` (milliseconds since the epoch)
    std::string problem;                    ///< empty when well-formed; else why it is not

    bool ok() const { return problem.empty(); }
};

/// Parses GitHub's `sha256=<64 hex>` (or `sha1=<40 hex>` when `expected_algorithm` is "sha1").
/// Surrounding spaces are ignored and hex may be upper case; anything else sets `problem` to a
/// sentence naming what is wrong (prefix, length, position of a non-hex character), which never
/// repeats the digest.
signature_header parse_github_signature_header(std::string_view value,
                                               std::string_view expected_algorithm);

/// Parses Gitea's and Forgejo's X-Gitea-Signature / X-Forgejo-Signature: 64 hex digits, no
/// prefix (`algorithm` "sha256"). `problem` as for GitHub.
signature_header parse_gitea_signature_header(std::string_view value);

/// Parses Infisical's `t=<milliseconds>;<64 hex>` or the plain `<64 hex>` that the replaced
/// service accepted (`timestamp` unset). `problem` as for GitHub.
signature_header parse_infisical_signature_header(std::string_view value);

}  // namespace agent
