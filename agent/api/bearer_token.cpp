#include "api/bearer_token.hpp"

#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>

#include "api/token_json.hpp"
#include "common/base64url.hpp"
#include "common/json_writer.hpp"
#include "common/text.hpp"
#include "intake/signature.hpp"

namespace agent {

using token_detail::refuse;

namespace {

// The token of "Bearer <token>" in `token`, or the refusal (problem set).
token_check bearer_token_of(std::string_view header_value, std::string_view& token) {
    std::string_view value = trim(header_value);
    if (value.empty()) {
        return refuse("missing bearer token", "no Authorization header");
    }
    auto space = value.find_first_of(" \t");
    std::string_view scheme = value.substr(0, space);
    if (!iequals(scheme, "Bearer")) {
        return refuse("missing bearer token",
                      fmt::format("Authorization scheme is not Bearer ({} characters before the "
                                  "first space)",
                                  scheme.size()));
    }
    token = space == std::string_view::npos ? std::string_view{} : trim(value.substr(space));
    if (token.empty()) {
        return refuse("missing bearer token", "Authorization: Bearer without a token");
    }
    return {};
}

}  // namespace

std::string issue_token(std::string_view secret, std::string subject, std::chrono::seconds ttl,
                        std::chrono::system_clock::time_point now) {
    if (secret.empty()) {
        throw std::invalid_argument("cannot sign a token with an empty secret");
    }
    if (ttl.count() <= 0) {
        throw std::invalid_argument("a token's lifetime must be positive");
    }
    const auto iat =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    json_writer header;
    header.begin_object().key("alg").string("HS256").key("typ").string("JWT").end_object();
    json_writer claims;
    claims.begin_object().key("iss").string(token_issuer).key("aud").string(token_audience);
    claims.key("sub").string(subject).key("iat").integer(iat);
    claims.key("exp").integer(iat + ttl.count()).end_object();
    std::string signing_input =
        base64url_encode(header.take()) + "." + base64url_encode(claims.take());
    auto mac = hmac_sha256(secret, signing_input);
    std::string_view mac_bytes(reinterpret_cast<const char*>(mac.data()), mac.size());
    return signing_input + "." + base64url_encode(mac_bytes);
}

token_check verify_token(std::string_view authorization_header_value, std::string_view secret,
                         std::chrono::system_clock::time_point now, std::chrono::seconds max_ttl) {
    try {
        std::string_view token;
        if (token_check refused = bearer_token_of(authorization_header_value, token);
            !refused.problem.empty()) {
            return refused;
        }
        if (token.size() > max_token_length) {
            return refuse("malformed token", fmt::format("token is {} bytes (at most {})",
                                                         token.size(), max_token_length));
        }
        auto dot1 = token.find('.');
        auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
        if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
            return refuse("malformed token", "not three dot-separated parts (JWS compact form)");
        }
        std::string_view header_part = token.substr(0, dot1);
        std::string_view claims_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
        std::string_view signature_part = token.substr(dot2 + 1);

        auto header_json = base64url_decode(header_part);
        if (!header_json) {
            return refuse("malformed token", "header is not unpadded base64url");
        }
        if (token_check header = token_detail::check_header(*header_json); !header.ok) {
            return header;
        }

        auto signature = base64url_decode(signature_part);
        if (!signature) {
            return refuse("malformed token", "signature is not unpadded base64url");
        }
        if (secret.empty()) {
            return refuse("bad signature", "no secret configured");
        }
        auto expected = hmac_sha256(secret, token.substr(0, dot2));
        if (signature->size() != expected.size()) {
            return refuse("bad signature", fmt::format("signature is {} bytes, HS256 gives {}",
                                                       signature->size(), expected.size()));
        }
        const std::string_view expected_bytes(reinterpret_cast<const char*>(expected.data()),
                                              expected.size());
        if (!constant_time_equal(*signature, expected_bytes)) {
            return refuse("bad signature",
                          "signature does not match (signed with another secret, or altered)");
        }

        auto claims_json = base64url_decode(claims_part);
        if (!claims_json) {
            return refuse("malformed token", "claims set is not unpadded base64url");
        }
        return token_detail::check_claims(*claims_json, now, max_ttl);
    } catch (const std::exception& e) {
        return refuse("malformed token", fmt::format("cannot be checked: {}", e.what()));
    }
}

}  // namespace agent
