#pragma once

#include <cstdint>
#include <functional>

#include <boost/asio/any_io_executor.hpp>

#include "common/iso8601.hpp"  // unix_millis_now, the store's time unit
#include "deploy/journal.hpp"
#include "store/group_commit.hpp"

namespace agent {

/// Records each deployment's states and steps in the store and writes the one-line summaries
/// to the agent's log. Every write goes to the committer's writer thread (no SQLite write and no
/// fsync on the caller's thread), in the order reported, sharing transactions with deliveries:
/// state changes durable, step lines relaxed. Store failures are logged, never thrown into a
/// deploy, except a recreate step's, which is awaited durable before its step is taken.
class store_journal final : public deployment_journal {
  public:
    /// Called on `executor` with each deployment that ended, as the durable transaction that
    /// ended it left it (never for a deployment that had already ended). Must not throw.
    using ended_observer = std::function<void(const deployment_record& ended)>;

    /// `writer` must outlive this journal and every write it queued.
    store_journal(group_committer& writer, net::any_io_executor executor,
                  ended_observer on_ended = {})
        : writer_(writer), executor_(std::move(executor)), on_ended_(std::move(on_ended)) {}

    void started(std::int64_t id, std::string_view app, std::string_view old_image) override;
    void step(std::int64_t id, std::string_view message) override;
    void finished(std::int64_t id, std::string_view app, deploy_result result,
                  std::string_view new_image, std::string_view error) override;
    void superseded(std::int64_t id, std::string_view app, std::int64_t by_id) override;
    /// Throws store_error when the step cannot be recorded (the step is then not taken).
    net::awaitable<void> recreate_step(recreate_progress progress) override;
    void recreate_ended(std::int64_t id) override;
    net::awaitable<void> settled() override;

  private:
    group_committer& writer_;
    net::any_io_executor executor_;
    ended_observer on_ended_;
    log_journal log_;
};

}  // namespace agent
