#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/https_server.hpp"

namespace test {

/// An in-test Infisical over HTTPS (its own CA, generated per instance) implementing the
/// documented routes the agent uses: universal-auth login, token renewal, `GET /api/v4/secrets`
/// and `GET /api/v3/secrets/raw` with imports and `secretValueHidden`. It can rate-limit
/// (429 + Retry-After), expire tokens, refuse renewals, drop v4 (404) and go down. Runs on its
/// own thread (an https_server); every setter is safe to call while the agent talks to it.
class fake_infisical {
public:
    using options = https_server::options;

    fake_infisical();
    explicit fake_infisical(options o);
    ~fake_infisical();
    fake_infisical(const fake_infisical&) = delete;
    fake_infisical& operator=(const fake_infisical&) = delete;

    std::string url() const;      ///< "https://127.0.0.1:PORT"
    std::string ca_file() const;  ///< PEM of the CA that signed the server certificate

    /// Universal-auth identity accepted by login (default "client-id" / "client-secret").
    void set_client(const std::string& id, const std::string& secret);
    /// A service token `st.<id>.<secret>.<key>` is accepted when the bearer is `st.<id>.<secret>`.
    void set_service_token(const std::string& full_token);
    void set_token_ttl_seconds(int ttl);  ///< expiresIn of issued tokens (default 3600)
    void expire_tokens();                 ///< every issued token now answers 401
    void refuse_renewals(bool refuse);    ///< renew answers 401
    void set_v4_available(bool available);  ///< false: /api/v4/secrets answers 404
    void rate_limit_next(int requests, int retry_after_seconds);  ///< the next N lists get 429
    void set_down(bool down);             ///< true: every request answers 503
    /// true: every secrets list waits, unanswered, until hold_lists(false) (the destructor
    /// releases them too). The others are answered meanwhile only once the held ones are.
    void hold_lists(bool hold);
    int held_lists() const;  ///< secrets lists waiting now

    void set_secret(const std::string& project, const std::string& environment,
                    const std::string& path, const std::string& key, const std::string& value,
                    bool hidden = false);
    void remove_secret(const std::string& project, const std::string& environment,
                       const std::string& path, const std::string& key);
    /// Makes `path` import `from_environment:from_path` (imports are listed in call order).
    void add_import(const std::string& project, const std::string& environment,
                    const std::string& path, const std::string& from_environment,
                    const std::string& from_path);

    int logins() const;
    int renewals() const;
    /// Every request seen: "METHOD TARGET" (queries included, bodies never).
    std::vector<std::string> requests() const;
    /// Every Authorization header value seen on list requests.
    std::vector<std::string> authorizations() const;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace test
