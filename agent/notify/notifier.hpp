#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "common/environment.hpp"
#include "common/https_client.hpp"
#include "manifest/manifest.hpp"
#include "manifest/notify_target.hpp"
#include "notify/transport.hpp"
#include "store/group_commit.hpp"
#include "store/records.hpp"

namespace agent::notify {

/// Where and how outcomes are announced (NOTIFY_URLS, NOTIFY_ON, PUBLIC_URL, docs/notifications.md).
struct notifier_options {
    std::vector<target> targets;  ///< NOTIFY_URLS: every app's outcomes
    outcome_filter on;            ///< NOTIFY_ON: which outcomes go to `targets`
    std::string public_url;       ///< PUBLIC_URL without a trailing '/'; empty: no links
    std::size_t attempts = 5;     ///< tries per target, the first included
    std::chrono::milliseconds first_retry{1000};  ///< doubles after each failed try
    std::chrono::milliseconds timeout{10000};     ///< per try, connect to answer
    /// Notifications being delivered or waiting to retry; beyond it new ones are dropped (and
    /// logged): a dead receiver must not grow memory without bound.
    std::size_t max_in_flight = 64;
    std::vector<std::string> secrets;  ///< values replaced by "[redacted]" in every body
    std::string ca_file;  ///< NOTIFY_CA_FILE: CAs (PEM) trusted besides the system store
    system_ca_store system_ca;  ///< SSL_CERT_FILE, SSL_CERT_DIR
};

/// Reads NOTIFY_URLS, NOTIFY_ON, PUBLIC_URL, NOTIFY_ATTEMPTS, NOTIFY_RETRY_MS,
/// NOTIFY_TIMEOUT_MS and NOTIFY_CA_FILE (which must be a readable file); the secrets to redact
/// are secret_values_from_environment(env). Throws std::invalid_argument "NAME: 'value' why" (a
/// start-up error).
notifier_options notifier_options_from_environment(const environment& env);

/// Announces finished deployments: handed a deployment's record once its outcome is recorded,
/// deployment_finished() starts one delivery per interested target (NOTIFY_URLS and the app's
/// `notify:`), each on its own coroutine with retries and backoff, so a slow or dead receiver
/// delays neither a deploy nor another receiver. Each attempt is recorded in the store, through
/// the writer thread. Calls on the io_context's thread.
class notifier {
public:
    using manifest_source = std::function<std::shared_ptr<const manifest>()>;

    /// `attempts` records each attempt; it must outlive the notifier's deliveries.
    notifier(net::any_io_executor executor, group_committer& attempts,
             std::unique_ptr<transport> transport, manifest_source manifests,
             notifier_options options);

    /// Queues the notifications for `ended`, a deployment as the transaction that ended it
    /// recorded it (what is announced; the store is not read again). Returns at once; never
    /// throws (problems are logged); nothing for a deployment that has not ended.
    void deployment_finished(const deployment_record& ended);
    /// Deliveries started and not yet done.
    std::size_t in_flight() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace agent::notify
