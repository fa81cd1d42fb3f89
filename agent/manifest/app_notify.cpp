// `notify:` of an app: the URLs its outcomes are announced to and which outcomes; `status:`,
// the token and base URL of the commit statuses posted back to the forge.

#include "common/url.hpp"
#include "manifest/app_sections.hpp"
#include "manifest/notify_target.hpp"
#include "manifest/syntax.hpp"

namespace agent::manifest_detail {

namespace {
constexpr std::string_view notify_keys[] = {"urls", "on"};
constexpr std::string_view status_keys[] = {"token_env", "url"};

// The reason a forge base URL cannot be used, or "".
std::string status_url_problem(std::string_view url) {
    const bool tls = url.starts_with("https://");
    if (!tls && !url.starts_with("http://")) {
        return "is not an https:// URL (e.g. https://git.example.com)";
    }
    std::string problem;
    const auto parts = split_url(url.substr(tls ? 8 : 7), &problem);
    if (!parts) {
        return problem;
    }
    if (!tls && !is_loopback_host(parts->host)) {
        return "is http:// to a host that is not loopback: the token would cross the network "
               "in clear; use https://";
    }
    if (parts->path.find_first_of("?#") != std::string::npos) {
        return "has a query or a fragment: give the forge's base URL only";
    }
    return "";
}
}  // namespace

void parse_status(problem_list& problems, const field& f, app_spec& app) {
    status_spec spec;
    if (expect_map(problems, f)) {
        field_map fields(problems, f.value, f.path, status_keys, "key", home_of);
        if (const field* token_env = fields.get("token_env")) {
            read_env_name(problems, *token_env, spec.token_env);
        } else {
            problems.add(f.key.Mark(), f.path + " needs 'token_env' (the variable holding the "
                                                "forge API token)");
        }
        if (const field* url = fields.get("url")) {
            if (auto text = read_string(problems, *url)) {
                if (auto problem = status_url_problem(*text); !problem.empty()) {
                    problems.add(url->value_mark(), url->path + " '" + *text + "' " + problem);
                } else {
                    spec.url = *text;
                    while (spec.url.ends_with('/')) {
                        spec.url.pop_back();
                    }
                }
            }
        } else if (app.gitea || app.gitlab) {
            problems.add(f.key.Mark(), f.path + " needs 'url' (the Gitea/Forgejo or GitLab base, "
                                                "e.g. https://git.example.com) for the app's " +
                                           (app.gitea ? "gitea" : "gitlab") + " trigger");
        }
    }
    app.status = std::move(spec);
}

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
