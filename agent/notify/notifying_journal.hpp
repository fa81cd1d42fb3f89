#pragma once

#include "deploy/journal.hpp"
#include "notify/notifier.hpp"

namespace agent::notify {

/// Forwards every call to another journal (the one that records), then hands each finished
/// deployment to the notifier: a notification is sent only once its outcome is recorded. Both
/// references must outlive it.
class notifying_journal final : public deployment_journal {
public:
    notifying_journal(deployment_journal& next, notifier& announce)
        : next_(next), announce_(announce) {}

    void started(std::int64_t id, std::string_view app, std::string_view old_image) override {
        next_.started(id, app, old_image);
    }
    void step(std::int64_t id, std::string_view message) override { next_.step(id, message); }
    void finished(std::int64_t id, std::string_view app, deploy_result result,
                  std::string_view new_image, std::string_view error) override {
        next_.finished(id, app, result, new_image, error);
        announce_.deployment_finished(id);
    }
    void superseded(std::int64_t id, std::string_view app, std::int64_t by_id) override {
        next_.superseded(id, app, by_id);
    }

private:
    deployment_journal& next_;
    notifier& announce_;
};

}  // namespace agent::notify
