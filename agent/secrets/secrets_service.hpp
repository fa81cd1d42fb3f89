#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "common/clock.hpp"
#include "docker_client/container_api.hpp"
#include "intake/events.hpp"
#include "manifest/manifest.hpp"
#include "planner/planner.hpp"
#include "secrets/infisical_client.hpp"
#include "secrets/injection.hpp"
#include "secrets/infisical_settings.hpp"
#include "secrets/secret_cache.hpp"

namespace agent {

/// What comparing apps' secrets with their containers found (secrets_service::check).
struct secret_change_outcome {
    std::vector<std::string> redeploy;   ///< apps whose secrets hash changed
    std::vector<std::string> unchanged;  ///< apps whose hash is what their container has
    std::vector<std::string> failed;     ///< apps whose secrets could not be read now
};

/// Secrets for deploys: the Infisical client behind a cache, the injection into a container's
/// Env, and change detection against the containers' secrets-hash labels. One per agent, used
/// from its event loop.
class secrets_service {
public:
    /// `client` may be null (no Infisical credentials): apps with secrets then fail to deploy
    /// with that reason. References must outlive the service.
    secrets_service(std::unique_ptr<infisical_client> client, docker_client::container_api& docker,
                    clock& time, std::chrono::milliseconds cache_max_age, std::string hash_key);

    bool configured() const { return client_ != nullptr; }

    /// The listing at `scope`, from the cache or fetched (and cached). Throws secrets_error.
    boost::asio::awaitable<secret_listing> listing(secret_scope scope);

    /// The Env and labels recreating `old` for `app` needs (app.infisical must be set). Throws
    /// secrets_error when Infisical cannot be read, or a `keys` entry is missing or hidden: the
    /// deploy must stop before the container is touched. The message names keys, never values.
    boost::asio::awaitable<injection> prepare(const app_spec& app,
                                              const docker_client::container_info& old);

    /// Drops the cache entries `change` covers (each logged); no I/O. Returns them.
    std::vector<secret_scope> clear(const infisical_change& change);

    /// Drops the cache entries of every scope `apps` read (each logged as the sync's), so that
    /// a poll reads Infisical again; no I/O. Returns them.
    std::vector<secret_scope> clear_every_scope(const manifest& apps);

    /// For each of `apps`, fetches its secrets again and compares their hash with its
    /// container's label (Infisical and the engine: run it after the webhook's answer). It
    /// chooses no app: the caller gives the planner's (plan_infisical_change, plan_secret_poll).
    /// An app without secrets.infisical, or without a container, is unchanged. Never throws for
    /// one app: a failure lists it in `failed`.
    boost::asio::awaitable<secret_change_outcome> check(std::vector<app_spec> apps);

private:
    boost::asio::awaitable<bool> hash_changed(const app_spec& app);

    std::unique_ptr<infisical_client> client_;
    docker_client::container_api& docker_;
    clock& clock_;
    secret_cache cache_;
    std::string hash_key_;
};

/// The secrets stage as the agent and `deploy-agent deploy` run it: the Infisical client when
/// `config` has credentials (none otherwise: apps with `secrets.infisical` then fail to deploy,
/// saying so), the cache, and the hash key kept in `data_dir`. Throws when the settings or the
/// key cannot be used.
std::unique_ptr<secrets_service> make_secrets_service(boost::asio::any_io_executor executor,
                                                      const infisical_settings& config,
                                                      docker_client::container_api& docker,
                                                      clock& time, const std::string& data_dir);

/// The scope an app reads.
secret_scope scope_of(const infisical_source& source);

}  // namespace agent
