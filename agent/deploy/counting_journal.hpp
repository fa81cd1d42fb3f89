#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>

#include "deploy/journal.hpp"
#include "metrics/agent_metrics.hpp"

namespace agent {

/// Forwards every call to another journal and tells the metrics about each deployment that
/// ends: its result, and how long it ran (started → finished). Both references must outlive it.
class counting_journal : public deployment_journal {
public:
    counting_journal(deployment_journal& next, metrics::agent_metrics& metrics)
        : next_(next), metrics_(metrics) {}
    void started(std::int64_t id, std::string_view app, std::string_view old_image) override;
    void step(std::int64_t id, std::string_view message) override;
    void finished(std::int64_t id, std::string_view app, deploy_result result,
                  std::string_view new_image, std::string_view error) override;
    void superseded(std::int64_t id, std::string_view app, std::int64_t by_id) override;
    net::awaitable<void> recreate_step(recreate_progress p) override {
        co_await next_.recreate_step(std::move(p));
    }
    void recreate_ended(std::int64_t id) override { next_.recreate_ended(id); }
    net::awaitable<void> settled() override { co_await next_.settled(); }

  private:
    deployment_journal& next_;
    metrics::agent_metrics& metrics_;
    std::mutex mutex_;
    std::map<std::int64_t, std::chrono::steady_clock::time_point> running_since_;
};

}  // namespace agent
