#pragma once

#include <chrono>
#include <string>

#include "common/environment.hpp"
#include "common/https_client.hpp"

namespace agent {

/// How the agent reaches Infisical, from the environment (names kept from the replaced service).
struct infisical_settings {
    std::string api_url = "https://app.infisical.com";  ///< INFISICAL_API_URL (self-hosted)
    std::string client_id;                              ///< INFISICAL_CLIENT_ID (universal auth)
    std::string client_secret;                          ///< INFISICAL_CLIENT_SECRET
    /// INFISICAL_TOKEN: a legacy service token `st.<id>.<secret>[.<key>]`; only the access-token
    /// part before the last key is ever sent.
    std::string service_token;
    std::string ca_file;  ///< INFISICAL_CA_FILE: extra trusted CAs (PEM)
    system_ca_store system_ca;  ///< SSL_CERT_FILE, SSL_CERT_DIR
    /// INFISICAL_SYNC_INTERVAL_MINUTES (may be fractional): poll for changes; 0 = webhooks only.
    std::chrono::milliseconds sync_interval{0};
    /// INFISICAL_CACHE_MAX_AGE_MINUTES: a cached listing older than this is fetched again.
    std::chrono::milliseconds cache_max_age{std::chrono::minutes{60}};
    /// INFISICAL_TIMEOUT_SECONDS: the deadline of one call (connect, TLS, request, answer).
    std::chrono::milliseconds call_deadline{std::chrono::seconds{15}};

    /// True when a way to log in is configured (client id and secret, or a service token).
    bool has_credentials() const {
        return (!client_id.empty() && !client_secret.empty()) || !service_token.empty();
    }
};

/// Reads the variables above in `env`. Throws std::invalid_argument naming the variable when a
/// value cannot be used (a number that is not one, a URL that is neither https:// nor loopback
/// http://, a client id without its secret).
infisical_settings infisical_settings_from_environment(const environment& env);

/// The access-token part of a service token: `st.<id>.<secret>` of `st.<id>.<secret>.<key>`
/// (the last part decrypts end-to-end-encrypted projects and must never leave the agent).
/// Anything else is returned unchanged.
std::string service_token_access_part(const std::string& token);

}  // namespace agent
