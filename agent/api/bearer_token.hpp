#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

// Bearer tokens for /api: compact JWS (RFC 7515) JWTs (RFC 7519) signed with HMAC-SHA256 under
// JWT_SECRET. Only "alg":"HS256" is accepted; "none" and every other algorithm are refused, so a
// token can never choose how it is checked.

namespace agent {

/// How far `nbf` and `iat` may lie in the future (clock skew between issuer and agent).
inline constexpr std::chrono::seconds token_clock_leeway{30};

/// Tokens longer than this are refused before any decoding ("malformed token").
inline constexpr std::size_t max_token_length = 8192;

/// The `iss` every token carries and must carry.
inline constexpr std::string_view token_issuer = "deploy-agent";
/// The `aud` every token carries and must name: a token minted for another service with the
/// same key is not one for this API.
inline constexpr std::string_view token_audience = "deploy-agent-api";
/// TOKEN_MAX_TTL when unset: no token lives longer.
inline constexpr std::chrono::seconds default_token_max_ttl{std::chrono::hours{24 * 30}};

/// The outcome of verify_token.
struct token_check {
    bool ok = false;
    std::string subject;  ///< the `sub` claim when ok (may be empty when the token has none)
    /// Empty when ok; else one of "missing bearer token", "malformed token", "unsupported alg",
    /// "bad signature", "wrong issuer or audience", "lifetime too long", "expired",
    /// "not yet valid". Safe to show to the caller.
    std::string problem;
    /// For the log only: what exactly is wrong ("header is not a JSON object", "expired 35 s
    /// ago", ...), untrusted text escaped. Never contains the token, the signature or the secret.
    std::string detail;
    /// The `exp` claim, when it was read.
    std::optional<std::chrono::system_clock::time_point> expires_at;
};

/// A signed HS256 token with claims {"iss":token_issuer,"aud":token_audience,"sub":subject,
/// "iat":now,"exp":now+ttl} (Unix seconds) and the header {"alg":"HS256","typ":"JWT"}. Throws std::invalid_argument when `secret` is empty
/// or `ttl` is not positive; std::runtime_error only if OpenSSL fails.
std::string issue_token(std::string_view secret, std::string subject, std::chrono::seconds ttl,
                        std::chrono::system_clock::time_point now);

/// Checks an Authorization header value ("Bearer <jwt>", scheme case-insensitive) against
/// `secret` at time `now`. In order: the scheme and the three base64url parts; the header
/// (a JSON object whose "alg" is exactly "HS256", "typ" absent or "JWT", no "crit"); the
/// signature, compared in constant time; then the claims: `iss` and `aud` ours; whole-second
/// `iat` and `exp` required (the token is expired from `exp` on, with no leeway; it may live at
/// most `max_ttl`, counted from `iat` and from now, so 1e308 or a fraction is refused); `nbf`
/// whole seconds when present; `iat` and `nbf` not later than now + token_clock_leeway; `sub` a
/// string when present. An empty secret refuses everything ("bad signature"). Never throws.
token_check verify_token(std::string_view authorization_header_value, std::string_view secret,
                         std::chrono::system_clock::time_point now,
                         std::chrono::seconds max_ttl = default_token_max_ttl);

}  // namespace agent
