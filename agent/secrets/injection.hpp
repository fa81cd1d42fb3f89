#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

/// Container labels the injection sets: key names only, and a keyed hash of the values.
inline constexpr const char* secret_keys_label = "io.deploy-agent.secret-keys";
inline constexpr const char* secrets_hash_label = "io.deploy-agent.secrets-hash";

/// What a recreate's Env is computed from.
struct injection_input {
    std::vector<std::string> env;            ///< the container's Env ("KEY=value"), user's own and ours
    std::string previous_keys;               ///< the secret-keys label of that container ("" = none)
    std::map<std::string, std::string> secrets;  ///< fetched: key → value
    std::vector<std::string> keys;           ///< the manifest's `keys` subset; empty = all secrets
};

/// A recreate's Env and labels. `env` holds values: it goes to the engine and nowhere else.
struct injection {
    std::vector<std::string> env;               ///< the new container's Env
    std::vector<std::string> entries;           ///< the "KEY=value" entries put into env, sorted
    std::vector<std::string> injected_keys;     ///< sorted names put into env
    std::map<std::string, std::string> labels;  ///< secret_keys_label and secrets_hash_label
    std::string hash;                           ///< the secrets_hash_label value
    /// Names from `keys` that Infisical does not have (or hides): the deploy must not go on.
    std::vector<std::string> missing;
    /// Names that cannot be environment variables ('=', NUL, ',' or empty) and were left out.
    std::vector<std::string> unusable;
};

/// The new Env: the container's entries minus those a previous deploy injected (named by
/// `previous_keys`), then every selected secret over the user's own value of the same key.
/// Entry order is kept; injected entries follow, sorted. Pure.
injection inject_secrets(const injection_input& input, std::string_view hash_key);

/// HMAC-SHA256 under `hash_key` of the selected key=value set (sorted, length-prefixed), as
/// "hmac-sha256:<hex>". Equal sets give equal hashes; the value cannot be recovered from it.
std::string secrets_hash(const std::map<std::string, std::string>& selected,
                         std::string_view hash_key);

/// The secrets `keys` selects (all when empty), leaving out hidden and unusable names.
std::map<std::string, std::string> select_secrets(const injection_input& input);

/// The names in a secret-keys label ("A,B" → {"A","B"}).
std::vector<std::string> split_key_label(std::string_view label);

}  // namespace agent
