#pragma once

#include <cstdint>
#include <string_view>

#include "deploy/journal.hpp"
#include "metrics/agent_metrics.hpp"

namespace agent {

/// Forwards every call to another journal and counts finished and superseded deployments in
/// `deployments`. Both references must outlive it.
class counting_journal : public deployment_journal {
public:
    counting_journal(deployment_journal& next, metrics::agent_metrics& metrics)
        : next_(next), metrics_(metrics) {}
    void started(std::int64_t id, std::string_view app, std::string_view old_image) override;
    void step(std::int64_t id, std::string_view message) override;
    void finished(std::int64_t id, std::string_view app, deploy_result result,
                  std::string_view new_image, std::string_view error) override;
    void superseded(std::int64_t id, std::string_view app, std::int64_t by_id) override;

private:
    deployment_journal& next_;
    metrics::agent_metrics& metrics_;
};

}  // namespace agent
