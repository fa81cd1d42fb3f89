#include "deploy/counting_journal.hpp"

#include <string>

namespace agent {

void counting_journal::started(std::int64_t id, std::string_view app, std::string_view old_image) {
    next_.started(id, app, old_image);
}

void counting_journal::step(std::int64_t id, std::string_view message) { next_.step(id, message); }

void counting_journal::finished(std::int64_t id, std::string_view app, deploy_result result,
                                std::string_view new_image, std::string_view error) {
    metrics_.deployments.increment({std::string(app), std::string(to_string(result))});
    next_.finished(id, app, result, new_image, error);
}

void counting_journal::superseded(std::int64_t id, std::string_view app, std::int64_t by_id) {
    metrics_.deployments.increment(
        {std::string(app), std::string(to_string(deploy_result::superseded))});
    next_.superseded(id, app, by_id);
}

}  // namespace agent
