#include "intake/events.hpp"

#include "common/json_writer.hpp"

namespace agent {

std::string infisical_change_json(const infisical_change& change) {
    json_writer w;
    w.begin_object();
    const std::pair<const char*, const std::string*> fields[] = {
        {"event", &change.event},
        {"project", &change.project},
        {"environment", &change.environment},
        {"secretPath", &change.secret_path}};
    for (const auto& [name, value] : fields) {
        if (!value->empty()) {
            w.key(name).string(*value);
        }
    }
    if (change.secret_key && !change.secret_key->empty()) {
        w.key("secretKey").string(*change.secret_key);
    }
    w.end_object();
    return w.take();
}

}  // namespace agent
