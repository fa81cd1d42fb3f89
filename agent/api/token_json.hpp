#pragma once

#include <chrono>
#include <string>

#include "api/bearer_token.hpp"

// Internal to api/: the two JSON parts of a bearer token (RapidJSON stays in token_json.cpp).

namespace agent::token_detail {

/// A failed check with `problem` (safe for the caller) and `detail` (for the log).
token_check refuse(std::string problem, std::string detail);

/// The decoded JOSE header: a JSON object with distinct members whose "alg" is exactly "HS256",
/// "typ" absent or "JWT", no "crit". ok, or the problem.
token_check check_header(const std::string& header_json);

/// The decoded claims set at `now`: "iss" token_issuer, "aud" token_audience (or an array
/// holding it), integer "iat" and "exp" (0 < exp, exp - iat <= max_ttl, exp - now <= max_ttl,
/// now < exp), integer "nbf" when present, "sub" a string when present; iat and nbf not later
/// than now + token_clock_leeway. ok with the subject, or the problem.
token_check check_claims(const std::string& claims_json, std::chrono::system_clock::time_point now,
                         std::chrono::seconds max_ttl);

}  // namespace agent::token_detail
