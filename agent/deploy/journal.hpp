#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agent {

/// How a deployment ended (ARCHITECTURE.md "Deployment states").
enum class deploy_result { succeeded, failed, rolled_back, superseded };

std::string_view to_string(deploy_result r);

/// Where the deploy stage reports what happens to each deployment: the store records it,
/// the log shows it. Calls come from the io_context thread.
class deployment_journal {
public:
    virtual ~deployment_journal() = default;
    virtual void started(std::int64_t id, std::string_view app, std::string_view old_image) = 0;
    virtual void step(std::int64_t id, std::string_view message) = 0;
    virtual void finished(std::int64_t id, std::string_view app, deploy_result result,
                          std::string_view new_image, std::string_view error) = 0;
    /// `id` was still queued when `by_id` replaced it (latest wins).
    virtual void superseded(std::int64_t id, std::string_view app, std::int64_t by_id) = 0;
};

/// A journal that only writes log lines (used when no store is open, e.g. in tests).
class log_journal : public deployment_journal {
public:
    void started(std::int64_t id, std::string_view app, std::string_view old_image) override;
    void step(std::int64_t id, std::string_view message) override;
    void finished(std::int64_t id, std::string_view app, deploy_result result,
                  std::string_view new_image, std::string_view error) override;
    void superseded(std::int64_t id, std::string_view app, std::int64_t by_id) override;
};

}  // namespace agent
