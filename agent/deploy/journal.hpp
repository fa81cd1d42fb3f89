#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "store/records.hpp"

namespace agent {

namespace net = boost::asio;

/// How a deployment ended (ARCHITECTURE.md "Deployment states"). Only `succeeded` is a success:
/// `rolled_back` means the new version was refused and the old one serves again.
enum class deploy_result { succeeded, failed, rolled_back, superseded, recovered };

std::string_view to_string(deploy_result r);

/// Where the deploy stage reports what happens to each deployment: the store records it,
/// the log shows it. Calls come from the io_context thread and return at once: a journal that
/// records hands the write to another thread, and settled() awaits it.
class deployment_journal {
public:
    virtual ~deployment_journal() = default;
    virtual void started(std::int64_t id, std::string_view app, std::string_view old_image) = 0;
    virtual void step(std::int64_t id, std::string_view message) = 0;
    virtual void finished(std::int64_t id, std::string_view app, deploy_result result,
                          std::string_view new_image, std::string_view error) = 0;
    /// `id` was still queued when `by_id` replaced it (latest wins).
    virtual void superseded(std::int64_t id, std::string_view app, std::int64_t by_id) = 0;
    /// The recreate step about to be taken. A journal that keeps history makes it durable before
    /// the await returns and throws when it cannot: the step is then not taken. Default: nothing.
    virtual net::awaitable<void> recreate_step(recreate_progress progress) {
        (void)progress;
        co_return;
    }
    /// The recreate of `id` ended (switched or rolled back): its progress record is dropped.
    virtual void recreate_ended(std::int64_t id) { (void)id; }
    /// Resumes once everything reported so far is recorded as promised (state changes durable).
    /// Never throws: a write that failed was logged. Default: at once.
    virtual net::awaitable<void> settled() { co_return; }
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
