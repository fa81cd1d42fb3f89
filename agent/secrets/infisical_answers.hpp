#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "secrets/secret_types.hpp"

namespace agent {

/// An access token from universal-auth login or renewal. `token` is a credential: never logged.
struct access_token {
    std::string token;
    std::chrono::seconds expires_in{0};   ///< from now; 0 when Infisical gave none
};

/// Parses the body of `GET /api/v4/secrets` or `GET /api/v3/secrets/raw`:
/// `{"secrets":[{"secretKey","secretValue","secretValueHidden"}…],"imports":[{"secrets":[…]}…]}`.
/// The folder's own keys come first; an import adds only keys not yet present (the first import
/// listing a key wins). A key with `secretValueHidden: true` goes to `hidden`, not `values`.
/// Throws secrets_error naming what is malformed (never a value).
secret_listing parse_secret_listing(std::string_view body);

/// Parses `{"accessToken":"…","expiresIn":<seconds>,…}` (login and renew answers). Throws
/// secrets_error when there is no access token.
access_token parse_access_token(std::string_view body);

/// Infisical's error message (`{"message":"…"}`), cut to 200 characters, or "" when the body has
/// none. Used in error messages: Infisical's messages name no secret values.
std::string infisical_error_message(std::string_view body);

}  // namespace agent
