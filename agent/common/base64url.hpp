#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agent {

/// base64url without padding (RFC 7515 section 2 / RFC 4648 section 5).
std::string base64url_encode(std::string_view bytes);

/// Standard base64 with padding (RFC 4648 section 4): HTTP Basic credentials.
std::string base64_encode(std::string_view bytes);

/// Decodes base64url without padding. Returns nullopt for '=' padding, characters outside the
/// alphabet, an impossible length (4k+1), or non-zero unused bits in the last character (so each
/// byte string has exactly one accepted spelling).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace agent
