#include "intake/bearer_token.hpp"


#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "common/json_writer.hpp"
#include "intake/signature.hpp"

namespace agent {

namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// A header or claims set with more members than this is not one we issue or need to read.
constexpr rapidjson::SizeType max_members = 64;

int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

token_check refuse(std::string problem, std::string detail) {
    token_check c;
    c.problem = std::move(problem);
    c.detail = std::move(detail);
    return c;
}

// Parses one decoded part as a JSON object with distinct member names (a duplicated "alg" or
// "exp" would let two readers of the same token disagree). Returns why not, or empty.
std::string parse_object(rapidjson::Document& doc, const std::string& text, std::string_view what) {
    doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (doc.HasParseError()) {
        return fmt::format("{} is not JSON (error at offset {})", what, doc.GetErrorOffset());
    }
    if (!doc.IsObject()) {
        return fmt::format("{} is not a JSON object", what);
    }
    if (doc.MemberCount() > max_members) {
        return fmt::format("{} has {} members", what, doc.MemberCount());
    }
    for (auto a = doc.MemberBegin(); a != doc.MemberEnd(); ++a) {
        for (auto b = a + 1; b != doc.MemberEnd(); ++b) {
            if (a->name == b->name) {
                return fmt::format("{} has a duplicate member", what);
            }
        }
    }
    return {};
}

// A NumericDate claim (RFC 7519 section 2): seconds since the epoch, possibly fractional.
// Returns nullopt and sets `why` when present but not a finite number.
std::optional<double> numeric_date(const rapidjson::Value& claims, const char* name, bool& present,
                                   std::string& why) {
    auto it = claims.FindMember(name);
    present = it != claims.MemberEnd();
    if (!present) {
        return std::nullopt;
    }
    if (!it->value.IsNumber()) {
        why = fmt::format("claim {} is not a number", name);
        return std::nullopt;
    }
    double v = it->value.GetDouble();
    if (!std::isfinite(v)) {
        why = fmt::format("claim {} is not finite", name);
        return std::nullopt;
    }
    return v;
}

double seconds_since_epoch(std::chrono::system_clock::time_point t) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    return static_cast<double>(ms) / 1000.0;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

token_check check_claims(const std::string& claims_json,
                         std::chrono::system_clock::time_point now) {
    rapidjson::Document claims;
    if (auto why = parse_object(claims, claims_json, "claims set"); !why.empty()) {
        return refuse("malformed token", why);
    }
    std::string why;
    bool has_exp = false;
    bool has_nbf = false;
    bool has_iat = false;
    auto exp = numeric_date(claims, "exp", has_exp, why);
    auto nbf = numeric_date(claims, "nbf", has_nbf, why);
    auto iat = numeric_date(claims, "iat", has_iat, why);
    if (!why.empty()) {
        return refuse("malformed token", why);
    }
    if (!has_exp) {
        return refuse("malformed token",
                      "claim exp is missing (tokens without expiry are refused)");
    }
    std::string subject;
    if (auto it = claims.FindMember("sub"); it != claims.MemberEnd()) {
        if (!it->value.IsString()) {
            return refuse("malformed token", "claim sub is not a string");
        }
        subject.assign(it->value.GetString(), it->value.GetStringLength());
    }

    token_check c;
    // Only a time point the clock can represent is reported; the comparisons below use doubles.
    if (std::abs(*exp) < 1e11) {
        c.expires_at = std::chrono::system_clock::time_point{} +
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(
                           std::chrono::milliseconds{static_cast<std::int64_t>(*exp * 1000.0)});
    }
    const double now_s = seconds_since_epoch(now);
    const auto leeway = static_cast<double>(token_clock_leeway.count());
    if (now_s >= *exp) {
        c.problem = "expired";
        c.detail = fmt::format("expired {:.0f} s ago (sub \"{}\")", now_s - *exp, subject);
        return c;
    }
    if (has_nbf && *nbf > now_s + leeway) {
        c.problem = "not yet valid";
        c.detail = fmt::format("nbf is {:.0f} s in the future (leeway {} s)", *nbf - now_s,
                               token_clock_leeway.count());
        return c;
    }
    if (has_iat && *iat > now_s + leeway) {
        c.problem = "not yet valid";
        c.detail = fmt::format("iat is {:.0f} s in the future (leeway {} s)", *iat - now_s,
                               token_clock_leeway.count());
        return c;
    }
    c.ok = true;
    c.subject = std::move(subject);
    c.detail = fmt::format("valid for {:.0f} s more", *exp - now_s);
    return c;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    auto at = [&](std::size_t k) {
        return static_cast<unsigned>(static_cast<unsigned char>(bytes[k]));
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
        out.push_back(alphabet[v & 63]);
    }
    if (bytes.size() - i == 1) {
        unsigned v = at(i) << 16;
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
    } else if (bytes.size() - i == 2) {
        unsigned v = (at(i) << 16) | (at(i + 1) << 8);
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned acc = 0;
    int bits = 0;
    for (char ch : text) {
        int v = sextet(ch);
        if (v < 0) {
            return std::nullopt;
        }
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xffu));
        }
    }
    // The unused low bits of the last character must be zero (RFC 4648 section 3.5).
    if (bits > 0 && (acc & ((1u << bits) - 1u)) != 0) {
        return std::nullopt;
    }
    return out;
}

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
    claims.begin_object().key("sub").string(subject).key("iat").integer(iat);
    claims.key("exp").integer(iat + ttl.count()).end_object();
    std::string signing_input =
        base64url_encode(header.take()) + "." + base64url_encode(claims.take());
    auto mac = hmac_sha256(secret, signing_input);
    std::string_view mac_bytes(reinterpret_cast<const char*>(mac.data()), mac.size());
    return signing_input + "." + base64url_encode(mac_bytes);
}

token_check verify_token(std::string_view authorization_header_value, std::string_view secret,
                         std::chrono::system_clock::time_point now) {
    try {
        std::string_view value = trim(authorization_header_value);
        if (value.empty()) {
            return refuse("missing bearer token", "no Authorization header");
        }
        auto space = value.find_first_of(" \t");
        std::string_view scheme = value.substr(0, space);
        if (!iequals_ascii(scheme, "Bearer")) {
            return refuse("missing bearer token",
                          fmt::format("Authorization scheme is not Bearer ({} characters before "
                                      "the first space)",
                                      scheme.size()));
        }
        std::string_view token =
            space == std::string_view::npos ? std::string_view{} : trim(value.substr(space));
        if (token.empty()) {
            return refuse("missing bearer token", "Authorization: Bearer without a token");
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
        rapidjson::Document header;
        if (auto why = parse_object(header, *header_json, "header"); !why.empty()) {
            return refuse("malformed token", why);
        }
        auto alg = header.FindMember("alg");
        if (alg == header.MemberEnd() || !alg->value.IsString()) {
            return refuse("unsupported alg", "header has no string alg");
        }
        std::string_view alg_text(alg->value.GetString(), alg->value.GetStringLength());
        if (alg_text != "HS256") {
            // The algorithm name is short attacker text; only its length and whether it is
            // "none" go to the log.
            return refuse("unsupported alg",
                          iequals_ascii(alg_text, "none")
                              ? std::string("alg none (unsigned tokens are refused)")
                              : fmt::format("alg is not HS256 ({} characters)", alg_text.size()));
        }
        if (auto typ = header.FindMember("typ"); typ != header.MemberEnd()) {
            if (!typ->value.IsString() ||
                !iequals_ascii(
                    std::string_view(typ->value.GetString(), typ->value.GetStringLength()),
                    "JWT")) {
                return refuse("malformed token", "header typ is not \"JWT\"");
            }
        }
        if (header.HasMember("crit")) {
            return refuse("malformed token", "header has crit extensions, none are supported");
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
        return check_claims(*claims_json, now);
    } catch (const std::exception& e) {
        return refuse("malformed token", fmt::format("cannot be checked: {}", e.what()));
    }
}

}  // namespace agent
