#include "secrets/secrets_service.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/log.hpp"
#include "engine/app_identity.hpp"
#include "secrets/hash_key.hpp"
#include "secrets/infisical_http_client.hpp"

namespace agent {

namespace net = boost::asio;

secret_scope scope_of(const infisical_source& source) {
    return secret_scope{source.project, source.environment, source.path.empty() ? "/" : source.path};
}

secrets_service::secrets_service(std::unique_ptr<infisical_client> client,
                                 docker_client::container_api& docker, clock& time,
                                 std::chrono::milliseconds cache_max_age, std::string hash_key)
    : client_(std::move(client)),
      docker_(docker),
      clock_(time),
      cache_(cache_max_age),
      hash_key_(std::move(hash_key)) {}

std::unique_ptr<secrets_service> make_secrets_service(net::any_io_executor executor,
                                                      const infisical_settings& config,
                                                      docker_client::container_api& docker,
                                                      clock& time, const std::string& data_dir) {
    std::unique_ptr<infisical_client> client;
    if (config.has_credentials()) {
        client = make_infisical_client(std::move(executor), config, time);
    }
    return std::make_unique<secrets_service>(std::move(client), docker, time, config.cache_max_age,
                                             load_or_create_hash_key(data_dir));
}

net::awaitable<secret_listing> secrets_service::listing(secret_scope scope) {
    if (!client_) {
        throw secrets_error("secrets " + scope.describe() + ": Infisical is not configured (set "
                            "INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET, or INFISICAL_TOKEN)");
    }
    if (auto cached = cache_.find(scope, clock_.now())) {
        co_return std::move(*cached);
    }
    secret_listing fresh = co_await client_->list_secrets(scope);
    cache_.store(scope, fresh, clock_.now());
    co_return fresh;
}

net::awaitable<injection> secrets_service::prepare(const app_spec& app,
                                                   const docker_client::container_info& old) {
    const secret_scope scope = scope_of(*app.infisical);
    secret_listing secrets = co_await listing(scope);
    injection_input input{old.env, {}, std::move(secrets.values), app.infisical->keys};
    if (auto it = old.labels.find(secret_keys_label); it != old.labels.end()) {
        input.previous_keys = it->second;
    }
    injection result = inject_secrets(input, hash_key_);
    if (!result.missing.empty()) {
        std::vector<std::string> why;
        for (const auto& key : result.missing) {
            const bool hidden = std::find(secrets.hidden.begin(), secrets.hidden.end(), key) !=
                                secrets.hidden.end();
            why.push_back(hidden ? key + " (value hidden from this identity)" : key);
        }
        throw secrets_error(fmt::format("secrets {}: missing key(s) {}", scope.describe(),
                                        fmt::join(why, ", ")));
    }
    if (!result.unusable.empty()) {
        spdlog::warn("app {}: secret name(s) that cannot be environment variables left out: {}",
                     app.name, fmt::join(result.unusable, ", "));
    }
    co_return result;
}

net::awaitable<bool> secrets_service::hash_changed(const app_spec& app) {
    const secret_scope scope = scope_of(*app.infisical);
    secret_listing secrets = co_await listing(scope);
    injection_input input{{}, {}, std::move(secrets.values), app.infisical->keys};
    const std::string fresh = secrets_hash(select_secrets(input), hash_key_);
    auto container = co_await find_container_exactly(docker_, app.container);
    if (!container) {
        co_return false;  // nothing to recreate; the deploy would fail
    }
    auto label = container->labels.find(secrets_hash_label);
    co_return label == container->labels.end() || label->second != fresh;
}

std::vector<secret_scope> secrets_service::clear(const infisical_change& change) {
    return cache_.clear_matching(change.project, change.environment,
                                 change.secret_path.empty() ? "/" : change.secret_path,
                                 "Infisical Webhook");
}

std::vector<secret_scope> secrets_service::clear_every_scope(const manifest& apps) {
    std::set<secret_scope> scopes;
    for (const auto& app : apps.apps) {
        if (app.infisical) {
            scopes.insert(scope_of(*app.infisical));
        }
    }
    std::vector<secret_scope> cleared;
    for (const auto& scope : scopes) {
        auto dropped =
            cache_.clear_matching(scope.project, scope.environment, scope.path, "Infisical Sync");
        cleared.insert(cleared.end(), dropped.begin(), dropped.end());
    }
    return cleared;
}

net::awaitable<secret_change_outcome> secrets_service::check(std::vector<app_spec> apps) {
    secret_change_outcome outcome;
    for (const auto& app : apps) {
        if (!app.infisical) {
            outcome.unchanged.push_back(app.name);
            continue;
        }
        try {
            const bool changed = co_await hash_changed(app);
            if (changed) {
                outcome.redeploy.push_back(app.name);
            } else {
                outcome.unchanged.push_back(app.name);
            }
        } catch (const std::exception& e) {
            spdlog::error("app {}: cannot check its secrets after the change: {}", app.name, e.what());
            outcome.failed.push_back(app.name);
        }
    }
    co_return outcome;
}

}  // namespace agent
