#include "api/token_json.hpp"

#include <cstdint>
#include <optional>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "common/escape.hpp"
#include "common/text.hpp"

namespace agent::token_detail {

namespace {

// A header or claims set with more members than this is not one we issue or need to read.
constexpr rapidjson::SizeType max_members = 64;

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

std::string_view text_of(const rapidjson::Value& v) {
    return {v.GetString(), v.GetStringLength()};
}

// A NumericDate claim (RFC 7519 section 2) as this agent issues it: whole seconds since the
// epoch, from 1 to 2^53 (anything else, 1e308 or 1.5 included, is not a time we wrote).
// Sets `why` when present but not that.
std::optional<std::int64_t> date_claim(const rapidjson::Value& claims, const char* name,
                                       std::string& why) {
    auto it = claims.FindMember(name);
    if (it == claims.MemberEnd()) {
        return std::nullopt;
    }
    constexpr std::int64_t max_date = std::int64_t{1} << 53;
    if (!it->value.IsInt64() || it->value.GetInt64() <= 0 || it->value.GetInt64() > max_date) {
        why = fmt::format("claim {} is not a positive whole number of seconds", name);
        return std::nullopt;
    }
    return it->value.GetInt64();
}

bool names_audience(const rapidjson::Value& aud) {
    if (aud.IsString()) {
        return text_of(aud) == token_audience;
    }
    if (!aud.IsArray()) {
        return false;
    }
    for (const auto& item : aud.GetArray()) {
        if (item.IsString() && text_of(item) == token_audience) {
            return true;
        }
    }
    return false;
}

// iss and aud: tokens for another service signed with the same key are not ours.
std::string check_parties(const rapidjson::Value& claims) {
    auto iss = claims.FindMember("iss");
    if (iss == claims.MemberEnd() || !iss->value.IsString() ||
        text_of(iss->value) != token_issuer) {
        return fmt::format("claim iss is not \"{}\"", token_issuer);
    }
    auto aud = claims.FindMember("aud");
    if (aud == claims.MemberEnd() || !names_audience(aud->value)) {
        return fmt::format("claim aud does not name \"{}\"", token_audience);
    }
    return {};
}

// The time claims at `now_s`; ok, or the problem.
token_check check_times(std::int64_t iat, std::int64_t exp, std::optional<std::int64_t> nbf,
                        std::int64_t now_s, std::chrono::seconds max_ttl,
                        const std::string& subject) {
    const std::int64_t leeway = token_clock_leeway.count();
    const std::int64_t ttl = max_ttl.count();
    if (exp - iat > ttl || exp - now_s > ttl + leeway) {
        return refuse("lifetime too long",
                      fmt::format("lives {} s from iat and {} s from now, more than TOKEN_MAX_TTL "
                                  "({} s) (sub \"{}\")",
                                  exp - iat, exp - now_s, ttl, subject));
    }
    token_check c;
    c.expires_at = std::chrono::system_clock::time_point{std::chrono::seconds{exp}};
    if (now_s >= exp) {
        c.problem = "expired";
        c.detail = fmt::format("expired {} s ago (sub \"{}\")", now_s - exp, subject);
        return c;
    }
    for (auto [name, value] : {std::pair{"iat", std::optional(iat)}, std::pair{"nbf", nbf}}) {
        if (value && *value > now_s + leeway) {
            c.problem = "not yet valid";
            c.detail = fmt::format("{} is {} s in the future (leeway {} s)", name, *value - now_s,
                                   leeway);
            return c;
        }
    }
    c.ok = true;
    c.detail = fmt::format("valid for {} s more", exp - now_s);
    return c;
}

}  // namespace

token_check refuse(std::string problem, std::string detail) {
    token_check c;
    c.problem = std::move(problem);
    c.detail = std::move(detail);
    return c;
}

token_check check_header(const std::string& header_json) {
    rapidjson::Document header;
    if (auto why = parse_object(header, header_json, "header"); !why.empty()) {
        return refuse("malformed token", why);
    }
    auto alg = header.FindMember("alg");
    if (alg == header.MemberEnd() || !alg->value.IsString()) {
        return refuse("unsupported alg", "header has no string alg");
    }
    const std::string_view alg_text = text_of(alg->value);
    if (alg_text != "HS256") {
        // The algorithm name is short attacker text; only its length and whether it is "none"
        // go to the log.
        return refuse("unsupported alg",
                      iequals(alg_text, "none")
                          ? std::string("alg none (unsigned tokens are refused)")
                          : fmt::format("alg is not HS256 ({} characters)", alg_text.size()));
    }
    if (auto typ = header.FindMember("typ"); typ != header.MemberEnd()) {
        if (!typ->value.IsString() || !iequals(text_of(typ->value), "JWT")) {
            return refuse("malformed token", "header typ is not \"JWT\"");
        }
    }
    if (header.HasMember("crit")) {
        return refuse("malformed token", "header has crit extensions, none are supported");
    }
    token_check ok;
    ok.ok = true;
    return ok;
}

token_check check_claims(const std::string& claims_json, std::chrono::system_clock::time_point now,
                         std::chrono::seconds max_ttl) {
    rapidjson::Document claims;
    if (auto why = parse_object(claims, claims_json, "claims set"); !why.empty()) {
        return refuse("malformed token", why);
    }
    std::string subject;
    if (auto it = claims.FindMember("sub"); it != claims.MemberEnd()) {
        if (!it->value.IsString()) {
            return refuse("malformed token", "claim sub is not a string");
        }
        subject.assign(it->value.GetString(), it->value.GetStringLength());
    }
    if (auto why = check_parties(claims); !why.empty()) {
        return refuse("wrong issuer or audience", why);
    }
    std::string why;
    const auto exp = date_claim(claims, "exp", why);
    const auto iat = date_claim(claims, "iat", why);
    const auto nbf = date_claim(claims, "nbf", why);
    if (!why.empty()) {
        return refuse("malformed token", why);
    }
    if (!exp || !iat) {
        return refuse("malformed token", fmt::format("claim {} is missing (tokens without "
                                                     "issue and expiry times are refused)",
                                                     exp ? "iat" : "exp"));
    }
    const std::int64_t now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    token_check c = check_times(*iat, *exp, nbf, now_s, max_ttl, escape_untrusted(subject, 64));
    if (c.ok) {
        c.subject = std::move(subject);
    }
    return c;
}

}  // namespace agent::token_detail
