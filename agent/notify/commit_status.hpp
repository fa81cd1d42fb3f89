#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "common/environment.hpp"
#include "manifest/manifest.hpp"
#include "notify/notice.hpp"
#include "notify/notifier.hpp"
#include "notify/transport.hpp"
#include "planner/planned_job.hpp"
#include "store/records.hpp"

// Commit statuses: the outcome of a forge push's deployment posted back to that forge, so the
// commit shows "deploy-agent/<app>: pending, success, failure" (docs/commit-statuses.md).

namespace agent::notify {

/// How commit statuses are sent (GITHUB_API_URL, PUBLIC_URL, the NOTIFY_* retry settings).
struct commit_status_options {
    std::string github_api_url = "https://api.github.com";  ///< without a trailing '/'
    std::string public_url;  ///< PUBLIC_URL without a trailing '/'; empty: no target_url
    std::size_t attempts = 5;                      ///< tries per status, the first included
    std::chrono::milliseconds first_retry{1000};   ///< doubles after each failed try
    std::chrono::milliseconds timeout{10000};      ///< per try
    std::size_t max_in_flight = 64;                ///< statuses being sent; beyond it, dropped
    std::vector<std::string> secrets;  ///< values replaced by "[redacted]" in descriptions
    /// The token in the variable named (the environment the agent started with), or nullopt
    /// when unset or empty. Read at each status: never kept, never logged.
    std::function<std::optional<std::string>(std::string_view env_name)> token_of;
};

/// GITHUB_API_URL (https, or http to a loopback host), PUBLIC_URL and the retry settings of
/// `notify`; tokens from `env`. Throws std::invalid_argument "GITHUB_API_URL: 'value' why".
commit_status_options commit_status_options_from_environment(const environment& env,
                                                             const notifier_options& notify);

/// One status, whatever the forge.
struct commit_status {
    std::string forge;        ///< "github", "gitea", "gitlab"
    std::string repository;   ///< owner/name (GitLab: group/sub/name)
    std::string sha;
    std::string state;        ///< "pending", "success", "failure", "error"
    std::string description;  ///< at most 140 characters (GitHub refuses longer)
    std::string context;      ///< "deploy-agent/<app>"
    std::string target_url;   ///< may be empty
};

/// A status request: where, and what.
struct status_request {
    target where;
    outgoing request;
};

/// The forge API request for `status` at `base` (GitHub: the API root; Gitea, GitLab: the
/// instance's root) with `token` in the Authorization header (GitHub and GitLab "Bearer",
/// Gitea "token"): GitHub `POST {base}/repos/{owner}/{repo}/statuses/{sha}`, Gitea
/// `POST {base}/api/v1/repos/{owner}/{repo}/statuses/{sha}`, GitLab
/// `POST {base}/api/v4/projects/{url-encoded path}/statuses/{sha}` (states running, success,
/// failed). nullopt with `problem` when the base URL is not usable.
std::optional<status_request> render_status(const commit_status& status, std::string_view base,
                                            std::string_view token, std::string& problem);

/// The state a deployment that ended in `state` reports: success, failure (failed,
/// rolled_back), error (any other end); "" when it has not ended.
std::string_view status_state_of(deployment_state state);

/// Posts commit statuses for deployments a forge push asked for, when the app has `status:`:
/// pending when the deployment starts, then its outcome, each on a coroutine of its own with
/// retries and backoff, so that a slow or dead forge API delays no deploy. The outcome is sent
/// after the pending one is done. Calls on the io_context's thread; never throws.
class commit_status_reporter {
public:
    using manifest_source = std::function<std::shared_ptr<const manifest>()>;

    commit_status_reporter(net::any_io_executor executor, std::unique_ptr<transport> transport,
                           manifest_source manifests, commit_status_options options);

    /// The deployment `id` of `job` starts: pending.
    void deployment_started(std::int64_t id, const planned_job& job);
    /// The deployment ended (its record as stored): success, failure or error.
    void deployment_finished(const deployment_record& ended);
    /// Statuses being sent or waiting to retry.
    std::size_t in_flight() const;

    struct state;

private:
    void report(std::int64_t id, const std::string& app, const std::string& forge,
                const std::string& commit, std::string state, std::string description);

    std::shared_ptr<state> state_;
};

}  // namespace agent::notify
