#include "intake/signature.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <vector>

#include "common/hex.hpp"
#include "common/text.hpp"

namespace agent {
namespace {

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// HMAC through OpenSSL 3's EVP_MAC. The one-shot HMAC() fetches the MAC and the digest from
// the provider and sets the key up on every call (a third of the time for a 7.6 KB delivery):
// here the MAC is fetched once, and each key's context is set up once per thread (a context is
// not shared between threads). Each message re-initialises that context with EVP_MAC_init and
// no key, which keeps the key already set (OpenSSL 3.0.4+, openssl#18100: cheaper than
// EVP_MAC_CTX_dup, which allocates a context and its digests per message).
enum class mac_digest { sha256, sha1 };

const char* digest_name(mac_digest digest) {
    return digest == mac_digest::sha256 ? "SHA256" : "SHA1";
}

struct mac_ctx_free {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using mac_ctx_ptr = std::unique_ptr<EVP_MAC_CTX, mac_ctx_free>;

[[noreturn]] void mac_failed() {
    throw std::runtime_error("HMAC computation failed");
}

// The MAC, fetched from the default provider on first use (not at start: an idle agent that
// has verified nothing does not load the provider) and kept for the process.
EVP_MAC* hmac_method() {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) {
        mac_failed();
    }
    return mac;
}

// A context set up with a key, for each of the keys used most recently on this thread: the
// webhook secrets (a few) and the API's token key. Bounded, as the signature diagnosis also
// tries variants of a secret (at most a few dozen lines a second, within the log budget).
class keyed_contexts {
  public:
    keyed_contexts() = default;
    keyed_contexts(const keyed_contexts&) = delete;
    keyed_contexts& operator=(const keyed_contexts&) = delete;
    ~keyed_contexts() {
        for (auto& e : entries_) {
            OPENSSL_cleanse(e.key.data(), e.key.size());
        }
    }

    // The context for `key` with `digest`, most recently used first.
    EVP_MAC_CTX* get(mac_digest digest, std::string_view key) {
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            if (entries_[i].digest == digest && entries_[i].key == key) {
                std::rotate(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(i),
                            entries_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
                return entries_.front().ctx.get();
            }
        }
        mac_ctx_ptr ctx(EVP_MAC_CTX_new(hmac_method()));
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                             const_cast<char*>(digest_name(digest)), 0),
            OSSL_PARAM_construct_end()};
        // A null key would mean "keep the previous one": an empty key must be a real one.
        static constexpr unsigned char empty_key = 0;
        const unsigned char* k = key.empty() ? &empty_key : bytes(key);
        if (ctx == nullptr || EVP_MAC_init(ctx.get(), k, key.size(), params) != 1) {
            mac_failed();
        }
        if (entries_.size() == capacity) {
            OPENSSL_cleanse(entries_.back().key.data(), entries_.back().key.size());
            entries_.pop_back();
        }
        entries_.insert(entries_.begin(), entry{digest, std::string(key), std::move(ctx)});
        return entries_.front().ctx.get();
    }

  private:
    static constexpr std::size_t capacity = 16;
    struct entry {
        mac_digest digest;
        std::string key;
        mac_ctx_ptr ctx;
    };
    std::vector<entry> entries_;
};

template <std::size_t N>
std::array<unsigned char, N> keyed_hmac(mac_digest digest, std::string_view key,
                                        std::string_view data) {
    thread_local keyed_contexts contexts;
    EVP_MAC_CTX* ctx = contexts.get(digest, key);
    std::array<unsigned char, N> mac{};
    std::size_t length = 0;
    if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(ctx, bytes(data), data.size()) != 1 ||
        EVP_MAC_final(ctx, mac.data(), &length, mac.size()) != 1 || length != N) {
        mac_failed();
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
    return keyed_hmac<32>(mac_digest::sha256, key, data);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    const auto mac = hmac_sha256(key, data);
    return to_hex(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

std::string hmac_sha1_hex(std::string_view key, std::string_view data) {
    const auto mac = keyed_hmac<20>(mac_digest::sha1, key, data);
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

signature_header parse_gitea_signature_header(std::string_view value) {
    signature_header h;
    h.algorithm = "sha256";
    const std::string_view v = trim(value);
    if (v.empty()) {
        h.problem = "the header is empty";
        return h;
    }
    h.hex = to_lower_ascii(v);
    if (v.starts_with("sha256=")) {
        h.problem = "a 'sha256=' prefix, which X-Gitea-Signature does not have (that is "
                    "X-Hub-Signature-256)";
        return h;
    }
    h.problem = hex_problem(v, 64, "the digest");
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
