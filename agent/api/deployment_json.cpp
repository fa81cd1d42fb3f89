#include "api/deployment_json.hpp"

#include "common/iso8601.hpp"

namespace agent {

void string_or_null(json_writer& w, std::string_view key, std::string_view value) {
    w.key(key);
    if (value.empty()) {
        w.null();
    } else {
        w.string(value);
    }
}

void time_or_null(json_writer& w, std::string_view key, std::int64_t unix_ms) {
    w.key(key);
    if (unix_ms <= 0) {
        w.null();
    } else {
        w.string(iso8601_utc(unix_ms));
    }
}

void write_deployment_members(json_writer& w, const deployment_record& d) {
    w.key("id").integer(d.id).key("app").string(d.app);
    w.key("state").string(to_string(d.state));
    string_or_null(w, "trigger", d.trigger);
    string_or_null(w, "commit", d.commit);
    string_or_null(w, "old_image", d.old_image);
    string_or_null(w, "new_image", d.new_image);
    time_or_null(w, "created_at", d.created_at_ms);
    time_or_null(w, "started_at", d.started_at_ms);
    time_or_null(w, "finished_at", d.finished_at_ms);
    string_or_null(w, "error", d.error);
}

std::string deployment_json(const deployment_record& d) {
    json_writer w;
    w.begin_object();
    write_deployment_members(w, d);
    w.end_object();
    return w.take();
}

}  // namespace agent
