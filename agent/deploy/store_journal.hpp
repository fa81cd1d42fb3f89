#pragma once

#include "common/iso8601.hpp"  // unix_millis_now, the store's time unit
#include "deploy/journal.hpp"
#include "store/store.hpp"

namespace agent {

/// Records each deployment's states and steps in the store and writes the one-line summaries
/// to the agent's log. Store failures are logged, never thrown into a deploy.
class store_journal final : public deployment_journal {
public:
    explicit store_journal(store& db) : db_(db) {}

    void started(std::int64_t id, std::string_view app, std::string_view old_image) override;
    void step(std::int64_t id, std::string_view message) override;
    void finished(std::int64_t id, std::string_view app, deploy_result result,
                  std::string_view new_image, std::string_view error) override;
    void superseded(std::int64_t id, std::string_view app, std::int64_t by_id) override;
    /// Throws store_error when the step cannot be recorded (the step is then not taken).
    void recreate_step(const recreate_progress& progress) override;
    void recreate_ended(std::int64_t id) override;

private:
    store& db_;
    log_journal log_;
};

}  // namespace agent
