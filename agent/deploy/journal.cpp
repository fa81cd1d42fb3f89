#include "deploy/journal.hpp"

#include "common/log.hpp"

namespace agent {

std::string_view to_string(deploy_result r) {
    switch (r) {
        case deploy_result::succeeded: return "succeeded";
        case deploy_result::failed: return "failed";
        case deploy_result::rolled_back: return "rolled_back";
        case deploy_result::superseded: return "superseded";
        case deploy_result::recovered: return "recovered";
    }
    return "failed";
}

void log_journal::started(std::int64_t id, std::string_view app, std::string_view old_image) {
    spdlog::info("deployment {} of {} started (running image {})", id, app,
                 old_image.empty() ? "none" : old_image);
}

void log_journal::step(std::int64_t id, std::string_view message) {
    spdlog::debug("deployment {}: {}", id, message);
}

void log_journal::finished(std::int64_t id, std::string_view app, deploy_result result,
                           std::string_view new_image, std::string_view error) {
    if (result == deploy_result::succeeded) {
        spdlog::info("deployment {} of {} succeeded (image {})", id, app, new_image);
    } else {
        spdlog::error("deployment {} of {} {}: {}", id, app, to_string(result), error);
    }
}

void log_journal::superseded(std::int64_t id, std::string_view app, std::int64_t by_id) {
    spdlog::info("deployment {} of {} superseded by deployment {}", id, app, by_id);
}

}  // namespace agent
