// `notify:` of an app: the URLs its outcomes are announced to and which outcomes.

#include "manifest/app_sections.hpp"
#include "manifest/notify_target.hpp"

namespace agent::manifest_detail {

namespace {
constexpr std::string_view notify_keys[] = {"urls", "on"};
}  // namespace

void parse_notify(problem_list& problems, const field& f, app_spec& app) {
    notify_spec spec;
    if (expect_map(problems, f)) {
        field_map fields(problems, f.value, f.path, notify_keys, "key", home_of);
        const field* urls = fields.get("urls");
        if (urls == nullptr) {
            problems.add(f.key.Mark(), f.path + " needs 'urls' (e.g. [\"ntfy://ntfy.sh/my-topic\"])");
        } else if (auto list = read_string_list(problems, *urls, "[\"ntfy://ntfy.sh/my-topic\"]")) {
            for (std::size_t i = 0; i < list->size(); ++i) {
                std::string problem;
                if (notify::parse_target((*list)[i], problem)) {
                    spec.urls.push_back((*list)[i]);
                } else {
                    problems.add(urls->value[i].Mark(), urls->path + "[" + std::to_string(i) +
                                                            "] " + problem);
                }
            }
        }
        if (const field* on = fields.get("on")) {
            if (auto list = read_string_list(problems, *on, "[failed, rolled_back]")) {
                std::string problem;
                if (notify::parse_outcomes(*list, problem)) {
                    spec.on = *list;
                } else {
                    problems.add(on->value_mark(), on->path + ": " + problem);
                }
            }
        }
    }
    app.notify = std::move(spec);
}

}  // namespace agent::manifest_detail
