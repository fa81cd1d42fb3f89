#include "secrets/secret_sync.hpp"

#include "common/log.hpp"

namespace agent {

std::vector<planned_job> secret_redeploy_jobs(const std::vector<std::string>& apps,
                                              const std::string& delivery_id) {
    std::vector<planned_job> jobs;
    for (const auto& app : apps) {
        jobs.push_back(planned_job{app, "deploy", "infisical", "", delivery_id, true});
    }
    return jobs;
}

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
            std::vector<std::string> apps = co_await secrets.poll(*current, policy);
            if (!apps.empty()) {
                spdlog::info("Infisical sync: secrets changed for {}; redeploying",
                             fmt::format("{}", fmt::join(apps, ", ")));
                co_await sink(secret_redeploy_jobs(apps, ""));
            }
        } catch (const std::exception& e) {
            spdlog::error("Infisical sync failed: {}; trying again in {} s", e.what(),
                          std::chrono::duration<double>(interval).count());
        }
    }
}

}  // namespace agent
