#include "intake/verify_signature.hpp"

#include <rapidjson/document.h>

#include <fstream>
#include <iterator>
#include <ostream>

#include "common/text.hpp"

namespace agent {
namespace {

std::string_view strip_header_name(std::string_view v) {
    const auto colon = v.find(':');
    if (colon != std::string_view::npos && colon > 0 &&
        v.substr(0, colon).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                             "0123456789-") == std::string_view::npos) {
        v.remove_prefix(colon + 1);
    }
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
        v.remove_prefix(1);
    }
    while (!v.empty() &&
           (v.back() == ' ' || v.back() == '\t' || v.back() == '\n' || v.back() == '\r')) {
        v.remove_suffix(1);
    }
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
        v = v.substr(1, v.size() - 2);
    }
    return v;
}

std::optional<std::int64_t> body_timestamp(std::string_view payload) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(payload.data(), payload.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return std::nullopt;
    }
    const rapidjson::Value& root = doc;
    const auto it = root.FindMember("timestamp");
    if (it == root.MemberEnd() || !it->value.IsInt64()) {
        return std::nullopt;
    }
    return it->value.GetInt64();
}

void explain_no_match(signature_check& result, std::string_view scheme, mac_algorithm algorithm,
                      const configured_secret& secret, std::string_view payload,
                      std::string_view hex) {
    result.lines.push_back(
        std::string("no match: HMAC-") + (algorithm == mac_algorithm::sha1 ? "SHA1" : "SHA256") +
        " of the payload (" + std::to_string(payload.size()) + " bytes, SHA-256 " +
        sha256_hex(payload).substr(0, 8) + ") under the secret from " + secret.origin + " (" +
        describe_secret(secret) + ") is not the signature given");
    if (auto near = find_variant_match(algorithm, secret, payload, hex)) {
        result.lines.push_back(*near);
        return;
    }
    result.lines.push_back(
        "no usual cause explains it: the signature was made with another secret or over other "
        "bytes; compare the fingerprint with `printf %s \"$SECRET\" | sha256sum | cut -c1-8` run "
        "where the sender's secret is known");
    for (const auto& hint : body_reencoding_hints(payload, "")) {
        result.lines.push_back("the payload " + hint);
    }
    if (scheme == "github" && looks_pretty_printed(payload)) {
        result.lines.push_back(
            "GitHub's 'Recent Deliveries' page shows a pretty-printed copy; the signed bytes are "
            "the compact body as received, so capture the raw body at the receiver");
    }
}

// The sha256 header of a GitHub signature, or false with `result` explaining why there is none
// (a sha1 value, a bare digest, a malformed value).
bool read_github_header(std::string_view value, std::string_view payload,
                        const configured_secret& secret, signature_header& header,
                        signature_check& result) {
    header = parse_github_signature_header(value, "sha256");
    if (!header.ok() && header.algorithm == "sha1") {
        const auto sha1 = parse_github_signature_header(value, "sha1");
        result.lines.push_back(
            "no match: the value starts with 'sha1=', the legacy X-Hub-Signature "
            "(HMAC-SHA1); deploy-agent verifies X-Hub-Signature-256 ('sha256=…') unless the "
            "app sets triggers.github.allow_sha1: copy the X-Hub-Signature-256 header");
        if (sha1.ok()) {
            const bool ok = constant_time_equal(hmac_sha1_hex(secret.value, payload), sha1.hex);
            result.lines.push_back(ok ? "as HMAC-SHA1 it does match this payload and secret"
                                      : "as HMAC-SHA1 it does not match either");
        } else {
            result.lines.push_back("and as sha1 it is malformed: " + sha1.problem);
        }
        return false;
    }
    if (!header.ok() && header.algorithm.empty() && header.hex.size() == 64 &&
        header.hex.find_first_not_of("0123456789abcdef") == std::string::npos) {
        const bool ok = constant_time_equal(hmac_sha256_hex(secret.value, payload), header.hex);
        result.lines.push_back(
            "no match: the value lacks the 'sha256=' prefix that GitHub's X-Hub-Signature-256 "
            "header has");
        result.lines.push_back(ok ? "the digest itself matches: only the prefix is missing"
                                  : "and the digest itself does not match either");
        return false;
    }
    if (!header.ok()) {
        result.lines.push_back("no match: malformed signature: " + header.problem +
                               "; GitHub's header is 'sha256=<64 hex digits>'");
        return false;
    }
    return true;
}

// GitLab sends its secret token itself: the "signature" is X-Gitlab-Token's value.
signature_check check_gitlab_token(std::string_view token, const configured_secret& secret) {
    signature_check result;
    if (constant_time_equal(sha256_hex(token), sha256_hex(secret.value))) {
        result.match = true;
        result.lines.emplace_back("match");
        return result;
    }
    result.lines.push_back("no match: the token given (" + std::to_string(token.size()) +
                           " bytes, fingerprint " + secret_fingerprint(token) +
                           ") is not the secret from " + secret.origin + " (" +
                           describe_secret(secret) + ")");
    if (!secret.removed_newline.empty() && token == secret.value + secret.removed_newline) {
        result.lines.push_back("it would match with the trailing newline the agent strips from "
                               "the secret: remove it from the GitLab webhook's token");
    } else if (trim(token) == trim(secret.value)) {
        result.lines.push_back("it would match without surrounding whitespace: GitLab removes "
                               "line breaks from the token; remove the spaces on either side");
    } else {
        result.lines.push_back(
            "compare the fingerprints: `printf %s \"$TOKEN\" | sha256sum | cut -c1-8`");
    }
    return result;
}

}  // namespace

signature_check check_signature(std::string_view scheme, std::string_view payload,
                                std::string_view signature_value, const configured_secret& secret) {
    signature_check result;
    const std::string_view value = strip_header_name(signature_value);
    mac_algorithm algorithm = mac_algorithm::sha256;
    signature_header header;
    if (scheme == "gitlab") {
        return check_gitlab_token(value, secret);
    }
    if (scheme == "github") {
        if (!read_github_header(value, payload, secret, header, result)) {
            return result;
        }
    } else if (scheme == "gitea") {
        header = parse_gitea_signature_header(value);
        if (!header.ok()) {
            result.lines.push_back("no match: malformed signature: " + header.problem +
                                   "; Gitea's and Forgejo's X-Gitea-Signature is 64 hex digits, "
                                   "no prefix");
            return result;
        }
    } else {
        header = parse_infisical_signature_header(value);
        if (!header.ok()) {
            result.lines.push_back("no match: malformed signature: " + header.problem +
                                   "; Infisical's header is 't=<milliseconds>;<64 hex digits>'");
            return result;
        }
    }
    if (!constant_time_equal(hmac_hex(algorithm, secret.value, payload), header.hex)) {
        explain_no_match(result, scheme, algorithm, secret, payload, header.hex);
        return result;
    }
    if (header.timestamp) {
        const auto in_body = body_timestamp(payload);
        if (!in_body || *in_body != *header.timestamp) {
            result.lines.push_back(
                "no match: the digest matches, but the header's t=" +
                std::to_string(*header.timestamp) +
                (in_body
                     ? " differs from the payload's timestamp " + std::to_string(*in_body)
                     : std::string(" has no numeric 'timestamp' in the payload to agree with")) +
                ": Infisical signs the body that carries the same timestamp, so the intake "
                "refuses this pair");
            return result;
        }
    }
    result.match = true;
    result.lines.emplace_back("match");
    return result;
}

int run_verify_signature(const verify_signature_args& args, const environment& env,
                         std::ostream& out) {
    if (args.scheme != "github" && args.scheme != "gitea" && args.scheme != "gitlab" &&
        args.scheme != "infisical") {
        out << "unknown scheme '" << args.scheme << "': use github, gitea, gitlab or infisical\n";
        return 2;
    }
    if (args.secret_env.empty() == args.secret_file.empty()) {
        out << "give exactly one of --secret-env NAME and --secret-file PATH\n";
        return 2;
    }
    std::ifstream in(args.payload_file, std::ios::binary);
    if (!in) {
        out << "cannot open payload file " << args.payload_file << "\n";
        return 2;
    }
    const std::string payload{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::optional<configured_secret> secret;
    if (!args.secret_env.empty()) {
        secret = read_secret_from_env(env, args.secret_env.c_str());
        if (!secret) {
            out << "environment variable " << args.secret_env << " is unset or empty\n";
            return 2;
        }
    } else {
        std::string error;
        secret = read_secret_from_file(args.secret_file, &error);
        if (!secret) {
            out << "secret file: " << error << "\n";
            return 2;
        }
    }
    const signature_check result = check_signature(args.scheme, payload, args.signature, *secret);
    for (const auto& line : result.lines) {
        out << line << "\n";
    }
    return result.match ? 0 : 1;
}

}  // namespace agent
