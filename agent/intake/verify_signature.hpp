#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intake/signature.hpp"
#include "intake/signature_diagnosis.hpp"

namespace agent {

/// The outcome of checking a signature value against a payload and a secret.
struct signature_check {
    bool match = false;
    std::vector<std::string> lines;  ///< "match", or each reason it does not, most useful first
};

/// Checks `signature_value` (a header value, optionally with its "Name:" in front) for `scheme`
/// "github", "gitea" (Gitea and Forgejo: 64 hex, no prefix), "gitlab" (the X-Gitlab-Token value,
/// compared with the secret in constant time; `payload` unused) or "infisical" over `payload` with `secret`, and when it does not match, searches the
/// usual causes: wrong prefix or length, a sha1 header, the secret's stripped newline or its
/// whitespace, a trailing newline or CRLFs or a BOM in the payload file, pretty-printed JSON as
/// GitHub's "Recent Deliveries" shows it (re-serialized compactly), and their combinations.
signature_check check_signature(std::string_view scheme, std::string_view payload,
                                std::string_view signature_value, const configured_secret& secret);

/// The flags of `deploy-agent verify-signature`.
struct verify_signature_args {
    std::string scheme;        ///< "github" | "gitea" | "gitlab" | "infisical"
    std::string payload_file;  ///< the body, byte for byte
    std::string signature;     ///< the header value
    std::string secret_env;    ///< exactly one of secret_env and secret_file
    std::string secret_file;
};

/// Runs the subcommand: writes "match" and returns 0, or writes why not and returns 1. Returns 2
/// (with a message) when the arguments cannot be used: unknown scheme, unreadable payload file,
/// secret unset, unreadable or empty, neither or both of secret_env and secret_file. The
/// variable secret_env names is read in `env`.
int run_verify_signature(const verify_signature_args& args, const environment& env,
                         std::ostream& out);

}  // namespace agent
