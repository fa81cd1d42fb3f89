#include "secrets/secret_sync.hpp"

#include "common/log.hpp"

namespace agent {

boost::asio::awaitable<void> poll_secrets_periodically(secrets_service& secrets,
                                                       manifest_holder& manifests,
                                                       auto_redeploy_policy policy,
                                                       std::chrono::milliseconds interval,
                                                       clock& time, secret_redeploy_sink sink) {
    spdlog::info("Infisical sync: polling every {} s{}", std::chrono::duration<double>(interval).count(),
                 policy.enabled ? "" : " (INFISICAL_AUTO_REDEPLOY is off: the cache is refreshed, "
                                       "nothing is redeployed)");
    for (;;) {
        co_await time.sleep_until(time.now() + interval);
        try {
            auto current = manifests.current();
            secrets.clear_every_scope(*current);
            std::vector<planned_job> planned = plan_secret_poll(*current, policy);
            secret_change_outcome outcome = co_await secrets.check(planned_apps(*current, planned));
            if (!outcome.redeploy.empty()) {
                spdlog::info("Infisical sync: secrets changed for {}; redeploying",
                             fmt::format("{}", fmt::join(outcome.redeploy, ", ")));
                co_await sink(std::move(planned), std::move(outcome.redeploy));
            }
        } catch (const std::exception& e) {
            spdlog::error("Infisical sync failed: {}; trying again in {} s", e.what(),
                          std::chrono::duration<double>(interval).count());
        }
    }
}

}  // namespace agent
