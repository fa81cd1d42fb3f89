#include "deploy/store_journal.hpp"

#include <chrono>

#include "common/log.hpp"

namespace agent {

namespace {

deployment_state to_state(deploy_result r) {
    switch (r) {
        case deploy_result::succeeded: return deployment_state::succeeded;
        case deploy_result::failed: return deployment_state::failed;
        case deploy_result::rolled_back: return deployment_state::rolled_back;
        case deploy_result::superseded: return deployment_state::superseded;
        case deploy_result::recovered: return deployment_state::recovered;
    }
    return deployment_state::failed;
}

template <class Write>
void guarded(std::int64_t id, const char* what, Write write) {
    try {
        write();
    } catch (const std::exception& e) {
        spdlog::error("deployment {}: could not record {} in the store: {}", id, what, e.what());
    }
}

}  // namespace

void store_journal::started(std::int64_t id, std::string_view app, std::string_view old_image) {
    log_.started(id, app, old_image);
    guarded(id, "its start", [&] { db_.mark_running(id, old_image, unix_millis_now()); });
}

void store_journal::step(std::int64_t id, std::string_view message) {
    log_.step(id, message);
    guarded(id, "a step", [&] { db_.append_step(id, unix_millis_now(), message); });
}

void store_journal::finished(std::int64_t id, std::string_view app, deploy_result result,
                             std::string_view new_image, std::string_view error) {
    log_.finished(id, app, result, new_image, error);
    guarded(id, "its end", [&] {
        if (!error.empty()) {
            db_.append_step(id, unix_millis_now(), error);
        }
        db_.mark_finished(id, to_state(result), new_image, error, unix_millis_now());
    });
}

void store_journal::recreate_step(const recreate_progress& progress) {
    db_.record_recreate_step(progress, unix_millis_now());
}

void store_journal::recreate_ended(std::int64_t id) {
    guarded(id, "the end of its recreate", [&] { db_.clear_recreate(id); });
}

void store_journal::superseded(std::int64_t id, std::string_view app, std::int64_t by_id) {
    log_.superseded(id, app, by_id);
    guarded(id, "that it was superseded", [&] { db_.mark_superseded(id, by_id, unix_millis_now()); });
}

}  // namespace agent
