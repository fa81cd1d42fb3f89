#include "intake/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "common/hex.hpp"
#include "common/text.hpp"

namespace agent {
namespace {

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// OpenSSL's one-shot HMAC; it fails only when the process is out of memory.
template <std::size_t N>
std::array<unsigned char, N> one_shot_hmac(const EVP_MD* md, std::string_view key,
                                           std::string_view data) {
    std::array<unsigned char, N> mac{};
    unsigned int length = 0;
    // HMAC() treats a null key as "reuse the previous one"; an empty key must be a real one.
    static constexpr unsigned char empty_key = 0;
    const unsigned char* k = key.empty() ? &empty_key : bytes(key);
    if (HMAC(md, k, static_cast<int>(key.size()), bytes(data), data.size(), mac.data(), &length) ==
            nullptr ||
        length != N) {
        throw std::runtime_error("HMAC computation failed");
    }
    return mac;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Checks `digits` is exactly `expected` hex digits; returns the problem or empty.
std::string hex_problem(std::string_view digits, std::size_t expected, std::string_view what) {
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (hex_digit_value(digits[i]) < 0) {
            return std::string(what) + " has a non-hex character at position " +
                   std::to_string(i + 1);
        }
    }
    if (digits.size() != expected) {
        std::string p = std::string(what) + " has " + std::to_string(digits.size()) +
                        " hex digits, expected " + std::to_string(expected);
        if (digits.size() == 40 && expected == 64) {
            p += " (40 is the length of an HMAC-SHA1 digest)";
        } else if (digits.size() == 64 && expected == 40) {
            p += " (64 is the length of an HMAC-SHA256 digest)";
        }
        return p;
    }
    return {};
}

}  // namespace

std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view data) {
    return one_shot_hmac<32>(EVP_sha256(), key, data);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    const auto mac = hmac_sha256(key, data);
    return to_hex(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

std::string hmac_sha1_hex(std::string_view key, std::string_view data) {
    const auto mac = one_shot_hmac<20>(EVP_sha1(), key, data);
    return to_hex(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

// OpenSSL's SHA-256 block functions, not EVP_Digest: EVP loads the default provider, which
// costs 1.7 MB resident, and the start-up log line with each secret's fingerprint would pay it
// before any request (docs/benchmarks.md, idle memory). The functions are deprecated in
// OpenSSL 3 in favour of EVP, but compute the same digest with no state outside the context.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
std::string sha256_hex(std::string_view data) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256_CTX context;
    if (SHA256_Init(&context) != 1 || SHA256_Update(&context, data.data(), data.size()) != 1 ||
        SHA256_Final(digest.data(), &context) != 1) {
        throw std::runtime_error("SHA-256 computation failed");
    }
    return to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}
#pragma GCC diagnostic pop

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        // Spend comparable time anyway; only the length difference is revealed.
        (void)CRYPTO_memcmp(a.data(), a.data(), a.size());
        return false;
    }
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string secret_fingerprint(std::string_view secret) {
    return sha256_hex(secret).substr(0, 8);
}

configured_secret make_configured_secret(std::string raw, std::string origin) {
    configured_secret s;
    s.origin = std::move(origin);
    std::size_t newline = 0;
    if (raw.size() >= 2 && raw.compare(raw.size() - 2, 2, "\r\n") == 0) {
        newline = 2;
    } else if (!raw.empty() && raw.back() == '\n') {
        newline = 1;
    }
    s.removed_newline = raw.substr(raw.size() - newline);
    raw.resize(raw.size() - newline);
    s.leading_whitespace = !raw.empty() && is_space(raw.front());
    s.trailing_whitespace = !raw.empty() && is_space(raw.back());
    s.value = std::move(raw);
    return s;
}

std::optional<configured_secret> read_secret_from_env(const environment& env, const char* name) {
    const char* raw = env.get(name);
    if (raw == nullptr) {
        return std::nullopt;
    }
    configured_secret s = make_configured_secret(raw, name);
    if (s.value.empty()) {
        return std::nullopt;
    }
    return s;
}

std::optional<configured_secret> read_secret_from_file(const std::string& path,
                                                       std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (error != nullptr) {
            *error = "cannot open " + path + ": " + std::strerror(errno);
        }
        return std::nullopt;
    }
    std::string raw{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        if (error != nullptr) {
            *error = "cannot read " + path;
        }
        return std::nullopt;
    }
    configured_secret s = make_configured_secret(std::move(raw), "file " + path);
    if (s.value.empty()) {
        if (error != nullptr) {
            *error = path + " is empty";
        }
        return std::nullopt;
    }
    return s;
}

std::string describe_secret(const configured_secret& secret) {
    std::string d = "fingerprint " + secret_fingerprint(secret.value) + ", " +
                    std::to_string(secret.value.size()) + " bytes";
    if (secret.removed_newline == "\r\n") {
        d += ", one trailing CRLF removed";
    } else if (secret.had_trailing_newline()) {
        d += ", one trailing newline removed";
    }
    if (secret.leading_whitespace && secret.trailing_whitespace) {
        d += ", leading and trailing whitespace";
    } else if (secret.leading_whitespace) {
        d += ", leading whitespace";
    } else if (secret.trailing_whitespace) {
        d += ", trailing whitespace";
    }
    return d;
}

signature_header parse_github_signature_header(std::string_view value,
                                               std::string_view expected_algorithm) {
    signature_header h;
    const std::string_view v = trim(value);
    const std::size_t expected_digits = expected_algorithm == "sha1" ? 40 : 64;
    const auto eq = v.find('=');
    if (v.empty()) {
        h.problem = "the header is empty";
        return h;
    }
    if (eq == std::string_view::npos) {
        h.hex = to_lower_ascii(v);
        h.problem = "no '" + std::string(expected_algorithm) + "=' prefix (" +
                    std::to_string(v.size()) + " characters without an '=')";
        return h;
    }
    h.algorithm = to_lower_ascii(v.substr(0, eq));
    const std::string_view digits = v.substr(eq + 1);
    h.hex = to_lower_ascii(digits);
    if (h.algorithm != expected_algorithm) {
        const bool printable = h.algorithm.size() <= 16 &&
                               h.algorithm.find_first_not_of(
                                   "abcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos;
        h.problem = "prefix " +
                    (printable ? "'" + h.algorithm + "='" : std::string("(unprintable)")) +
                    " where '" + std::string(expected_algorithm) + "=' was expected";
        return h;
    }
    h.problem = hex_problem(digits, expected_digits, "the digest");
    return h;
}

signature_header parse_infisical_signature_header(std::string_view value) {
    signature_header h;
    h.algorithm = "sha256";
    const std::string_view v = trim(value);
    if (v.empty()) {
        h.problem = "the header is empty";
        return h;
    }
    if (v.size() >= 2 && (v[0] == 't' || v[0] == 'T') && v[1] == '=') {
        const auto semi = v.find(';');
        if (semi == std::string_view::npos) {
            h.problem = "'t=' without the ';' that separates the timestamp from the digest";
            return h;
        }
        const std::string_view t = trim(v.substr(2, semi - 2));
        if (t.empty() || t.size() > 15 || t.find_first_not_of("0123456789") != std::string::npos) {
            h.problem = "the timestamp after 't=' is not 1 to 15 decimal digits (milliseconds)";
            return h;
        }
        h.timestamp = std::strtoll(std::string(t).c_str(), nullptr, 10);
        const std::string_view digits = trim(v.substr(semi + 1));
        h.hex = to_lower_ascii(digits);
        h.problem = hex_problem(digits, 64, "the digest after ';'");
        return h;
    }
    if (v.find('=') != std::string_view::npos) {
        const std::string prefix = to_lower_ascii(v.substr(0, v.find('=')));
        h.problem = prefix == "sha256" || prefix == "sha1"
                        ? "a GitHub-style '" + prefix + "=' prefix; Infisical sends 't=<ms>;<hex>'"
                        : "neither 't=<ms>;<hex>' nor a plain hex digest";
        return h;
    }
    h.hex = to_lower_ascii(v);
    h.problem = hex_problem(v, 64, "the plain digest");
    return h;
}

}  // namespace agent
