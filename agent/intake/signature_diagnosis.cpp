#include "intake/signature_diagnosis.hpp"

#include <rapidjson/document.h>

#include "common/text.hpp"
#include "common/url.hpp"

namespace agent {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}


// Where a JSON text has whitespace outside its strings. One pass, no copy: it runs on every
// refused delivery.
struct json_spacing {
    bool leading = false;  // before the first token
    bool between = false;  // between two tokens: the text was pretty-printed
    bool trailing = false; // after the last token
};

// The end of the string whose opening quote is at `open`: the index of its closing quote, or
// npos when it is not closed. memchr does the walking: strings are most of a payload's bytes.
std::size_t string_end(std::string_view text, std::size_t open) {
    std::size_t from = open + 1;
    for (;;) {
        const auto quote = text.find('"', from);
        if (quote == std::string_view::npos) {
            return quote;
        }
        std::size_t backslashes = 0;
        while (quote - backslashes > open + 1 && text[quote - backslashes - 1] == '\\') {
            ++backslashes;
        }
        if (backslashes % 2 == 0) {
            return quote;
        }
        from = quote + 1;
    }
}

json_spacing scan_json_spacing(std::string_view text) {
    json_spacing found;
    bool seen_token = false;
    bool pending = false;  // whitespace since the last token
    auto token = [&] {
        found.between = found.between || pending;
        pending = false;
        seen_token = true;
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            (seen_token ? pending : found.leading) = true;
            ++i;
        } else if (c == '"') {
            token();
            const auto close = string_end(text, i);
            if (close == std::string_view::npos) {
                return found;  // an unterminated string runs to the end
            }
            i = close + 1;
        } else {
            token();
            ++i;
        }
    }
    found.trailing = pending;
    return found;
}

// Drops whitespace between JSON tokens, keeping every token's bytes (escapes, number spelling)
// exactly: this is the compact text a sender serialized before a viewer pretty-printed it.
std::string strip_json_whitespace(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '"') {
            const auto close = string_end(text, i);
            const auto stop = close == std::string_view::npos ? text.size() : close + 1;
            out.append(text.substr(i, stop - i));
            i = stop;
        } else {
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                out.push_back(c);
            }
            ++i;
        }
    }
    return out;
}

bool looks_like_json(std::string_view body) {
    const auto first = body.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && (body[first] == '{' || body[first] == '[');
}

bool is_valid_json(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    return !doc.HasParseError();
}

std::string replace_crlf(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
            continue;
        }
        out.push_back(s[i]);
    }
    return out;
}

struct variant {
    std::string bytes;
    std::string how;  // empty for "as given"
};

std::vector<variant> secret_variants(const configured_secret& secret) {
    std::vector<variant> v{{secret.value, ""}};
    if (secret.had_trailing_newline()) {
        v.push_back({secret.value + secret.removed_newline,
                     "with the trailing newline that deploy-agent strips from the secret put back "
                     "(the sender's secret ends with a newline; set it again without one)"});
    }
    if (secret.has_surrounding_whitespace()) {
        const auto b = secret.value.find_first_not_of(" \t\r\n");
        const auto e = secret.value.find_last_not_of(" \t\r\n");
        if (b != std::string::npos) {
            v.push_back({secret.value.substr(b, e - b + 1),
                         "with the whitespace around the configured secret removed (remove it "
                         "from " +
                             secret.origin + ")"});
        }
    }
    return v;
}

std::vector<variant> payload_variants(std::string_view payload) {
    std::vector<variant> v{{std::string(payload), ""}};
    std::string_view p = payload;
    if (starts_with(p, utf8_bom)) {
        p.remove_prefix(utf8_bom.size());
        v.push_back({std::string(p), "without the UTF-8 byte-order mark at the start of the file"});
    }
    if (!p.empty() && p.back() == '\n') {
        std::string_view t = p;
        while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) {
            t.remove_suffix(1);
        }
        v.push_back({std::string(t),
                     "without the newline at the end of the payload file (the sender's body has "
                     "none; editors and `echo` add one: write it with `printf %s`)"});
    }
    if (p.find("\r\n") != std::string_view::npos) {
        v.push_back({replace_crlf(p), "with the file's CRLF line ends turned back into LF"});
    }
    if (starts_with(p, "payload=")) {
        const std::string json = percent_decode(p.substr(8), true);
        v.push_back({json, "as the JSON inside 'payload=' (the hook sends application/json)"});
    }
    if (looks_like_json(p) && is_valid_json(p)) {
        std::string compact = strip_json_whitespace(p);
        if (compact != p) {
            v.push_back({compact,
                         "re-serialized as compact JSON: the file is pretty-printed, as GitHub's "
                         "'Recent Deliveries' page shows a payload, not the raw bytes that were "
                         "signed"});
        }
        v.push_back({"payload=" + percent_encode(compact, true),
                     "form-encoded as 'payload=<compact JSON>' (the hook's content type is "
                     "application/x-www-form-urlencoded; GitHub signs the form body)"});
    }
    return v;
}

// The first secret x payload variant (other than the pair as given) under which `hex` matches.
std::optional<std::string> search_variants(mac_algorithm algorithm, const configured_secret& secret,
                                           std::string_view payload, std::string_view hex) {
    const auto secrets = secret_variants(secret);
    const auto payloads = payload_variants(payload);
    for (const auto& p : payloads) {
        for (const auto& s : secrets) {
            if (p.how.empty() && s.how.empty()) {
                continue;
            }
            if (constant_time_equal(hmac_hex(algorithm, s.bytes, p.bytes), hex)) {
                std::string why = "it would match ";
                why += p.how.empty() ? s.how : (s.how.empty() ? p.how : p.how + ", and " + s.how);
                return why;
            }
        }
    }
    return std::nullopt;
}

}  // namespace

std::string media_type(std::string_view content_type) {
    return to_lower_ascii(trim(content_type.substr(0, content_type.find(';'))));
}

std::string hmac_hex(mac_algorithm algorithm, std::string_view key, std::string_view data) {
    return algorithm == mac_algorithm::sha1 ? hmac_sha1_hex(key, data) : hmac_sha256_hex(key, data);
}

std::optional<std::string> secret_variant_hint(mac_algorithm algorithm,
                                               const configured_secret& secret,
                                               std::string_view body,
                                               std::string_view received_hex) {
    const auto variants = secret_variants(secret);
    for (std::size_t i = 1; i < variants.size(); ++i) {
        if (constant_time_equal(hmac_hex(algorithm, variants[i].bytes, body), received_hex)) {
            return "it would match " + variants[i].how;
        }
    }
    return std::nullopt;
}

std::vector<std::string> body_reencoding_hints(std::string_view body,
                                               std::string_view content_type) {
    std::vector<std::string> hints;
    const std::string media = media_type(content_type);
    if (body.empty()) {
        hints.emplace_back("is empty");
        return hints;
    }
    if (media == "application/json" && starts_with(body, "payload=")) {
        hints.emplace_back("is form-encoded ('payload=…') but labelled application/json");
    }
    if (media == "application/x-www-form-urlencoded" && !starts_with(body, "payload=")) {
        hints.emplace_back(
            "is labelled application/x-www-form-urlencoded but does not start with 'payload=': "
            "something re-encoded it");
    }
    if (starts_with(body, utf8_bom)) {
        hints.emplace_back("starts with a UTF-8 byte-order mark, which senders do not send");
    }
    if (body.find("\r\n") != std::string_view::npos) {
        hints.emplace_back("has CRLF line ends: something converted line endings");
    }
    if (body.back() == '\n') {
        hints.emplace_back("ends with a newline, which GitHub's and Infisical's bodies do not");
    } else if (body.back() == ' ' || body.back() == '\t' || body.back() == '\r') {
        hints.emplace_back("ends with whitespace, which GitHub's and Infisical's bodies do not");
    }
    if (looks_like_json(body)) {
        const json_spacing spacing = scan_json_spacing(body);
        if (spacing.leading) {
            hints.emplace_back("starts with whitespace, which GitHub's and Infisical's bodies do not");
        }
        if (spacing.between) {
            hints.emplace_back(
                "is pretty-printed JSON, while GitHub and Infisical send compact JSON: it looks "
                "re-formatted");
        }
    }
    return hints;
}

std::optional<std::string> find_variant_match(mac_algorithm algorithm,
                                              const configured_secret& secret,
                                              std::string_view payload,
                                              std::string_view received_hex) {
    return search_variants(algorithm, secret, payload, received_hex);
}

bool looks_pretty_printed(std::string_view body) {
    return looks_like_json(body) && scan_json_spacing(body).between;
}

}  // namespace agent
