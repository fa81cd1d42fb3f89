// parse_manifest: YAML text → a validated manifest, or every problem as FILE:LINE:COL: message.

#include <optional>
#include "manifest/app_sections.hpp"
#include "manifest/manifest.hpp"
#include "manifest/syntax.hpp"
#include "manifest/yaml_fields.hpp"

#include <map>

namespace agent {
namespace {

using namespace manifest_detail;

constexpr std::string_view top_keys[] = {"version", "apps"};
constexpr std::string_view app_keys[] = {"container", "service",      "image",   "strategy",
                                         "build",     "triggers",     "secrets", "auto_redeploy",
                                         "health",    "registry_auth", "cleanup", "notify",
                                         "status"};
constexpr std::string_view strategy_names[] = {"pull", "build", "restart"};

void read_name(problem_list& problems, const field& f, std::string& out, std::string_view noun) {
    if (auto name = read_string(problems, f)) {
        if (is_valid_container_name(*name)) {
            out = *name;
        } else {
            problems.add(f.value_mark(), f.path + ": '" + *name + "' is not a valid " +
                                             std::string(noun) +
                                             " name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)");
        }
    }
}

void read_strategy(problem_list& problems, const field& f, app_spec& app) {
    auto name = read_string(problems, f);
    if (!name) {
        return;
    }
    if (*name == "pull") {
        app.strategy = deploy_strategy::pull;
    } else if (*name == "build") {
        app.strategy = deploy_strategy::build;
    } else if (*name == "restart") {
        app.strategy = deploy_strategy::restart;
    } else {
        std::string message = f.path + " must be pull, build or restart, not '" + *name + "'";
        if (auto suggestion = closest_match(*name, strategy_names)) {
            message += " (did you mean '" + std::string(*suggestion) + "'?)";
        }
        problems.add(f.value_mark(), message);
    }
}

// The checks that span several keys of one app. Missing keys are reported at the app's name,
// where the user has to add them.
void check_app(problem_list& problems, const field& entry, const field_map& fields,
               const app_spec& app) {
    const std::string& path = entry.path;
    const field* container = fields.get("container");
    const field* service = fields.get("service");
    if (container && service) {
        problems.add(service->key.Mark(),
                     path + ": give either 'container' or 'service', not both");
    }
    bool needs_image = app.strategy != deploy_strategy::restart;
    if (needs_image && !fields.get("image")) {
        std::string message =
            path + ": strategy " + std::string(to_string(app.strategy)) + " needs 'image'";
        if (!fields.get("strategy")) {
            message += " (pull is the default strategy; 'strategy: restart' needs no image)";
        }
        problems.add(entry.key.Mark(), message);
    }
    const field* build = fields.get("build");
    if (app.strategy == deploy_strategy::build && !build) {
        problems.add(entry.key.Mark(),
                     path + ": strategy build needs a 'build' map with 'context'");
    }
    if (app.strategy != deploy_strategy::build && build) {
        problems.add(build->key.Mark(), path +
                                            ".build is only used with 'strategy: build' "
                                            "(this app's strategy is " +
                                            std::string(to_string(app.strategy)) + ")");
    }
    if (app.service && app.strategy == deploy_strategy::build) {
        problems.add(service->key.Mark(),
                     path +
                         ": strategy build cannot drive a Swarm service (every node would need "
                         "the image from a registry); build and push in CI and use strategy pull");
    }
    // The agent injects secrets into a container's Env when it recreates it; a Swarm service's
    // tasks are made by Swarm from the service spec, which the agent sends back as it read it.
    const field* secrets = fields.get("secrets");
    if (app.service && secrets && app.infisical) {
        problems.add(secrets->key.Mark(),
                     path +
                         ".secrets: a Swarm service gets no secrets from the agent (it injects "
                         "Infisical secrets only into a container it recreates); give the service "
                         "its secrets in its own spec (Docker secrets or environment in the stack "
                         "file) and remove 'secrets', or make the app a container app "
                         "('container:' instead of 'service:')");
    }
    const field* auto_redeploy = fields.get("auto_redeploy");
    if (app.service && auto_redeploy && app.auto_redeploy) {
        problems.add(auto_redeploy->key.Mark(),
                     path +
                         ".auto_redeploy: a Swarm service is never redeployed on a secret change "
                         "(it gets no secrets from the agent: its secrets are in its own spec, "
                         "and Swarm rolls them out when you update it); remove 'auto_redeploy', "
                         "or make the app a container app ('container:' instead of 'service:')");
    } else if (auto_redeploy && app.auto_redeploy && !app.infisical) {
        problems.add(auto_redeploy->key.Mark(),
                     path +
                         ".auto_redeploy needs secrets.infisical: it redeploys the app when "
                         "those secrets change");
    }
}

std::optional<app_spec> parse_app(problem_list& problems, const field& entry) {
    app_spec app;
    app.name = entry.key.Scalar();
    if (!is_valid_app_name(app.name)) {
        problems.add(entry.key.Mark(),
                     "invalid app name '" + app.name +
                         "': use lowercase letters, digits, '_', '.', '-', starting with a "
                         "letter or digit, at most 64 characters");
    }
    if (!expect_map(problems, entry)) {
        return std::nullopt;
    }
    field_map fields(problems, entry.value, entry.path, app_keys, "key", home_of);
    if (const field* container = fields.get("container")) {
        read_name(problems, *container, app.container, "container");
    }
    if (const field* service = fields.get("service")) {
        std::string name;
        read_name(problems, *service, name, "service");
        app.service = name;
    }
    if (const field* image = fields.get("image")) {
        if (auto reference = read_string(problems, *image)) {
            if (auto problem = image_reference_problem(*reference)) {
                problems.add(image->value_mark(),
                             image->path + ": image reference '" + *reference + "' " + *problem);
            } else {
                app.image = *reference;
            }
        }
    }
    if (const field* strategy = fields.get("strategy")) {
        read_strategy(problems, *strategy, app);
    }
    if (const field* build = fields.get("build")) {
        parse_build(problems, *build, app);
    }
    if (const field* triggers = fields.get("triggers")) {
        parse_triggers(problems, *triggers, app);
    }
    if (const field* secrets = fields.get("secrets")) {
        parse_secrets(problems, *secrets, app);
    }
    if (const field* auto_redeploy = fields.get("auto_redeploy")) {
        app.auto_redeploy = read_bool(problems, *auto_redeploy).value_or(false);
    }
    if (const field* cleanup = fields.get("cleanup")) {
        app.cleanup = read_bool(problems, *cleanup).value_or(false);
    }
    if (const field* health = fields.get("health")) {
        parse_health(problems, *health, app);
    }
    if (const field* registry_auth = fields.get("registry_auth")) {
        parse_registry_auth(problems, *registry_auth, app);
    }
    if (const field* notify = fields.get("notify")) {
        parse_notify(problems, *notify, app);
    }
    if (const field* status = fields.get("status")) {
        parse_status(problems, *status, app);
    }
    if (!app.service && app.container.empty()) {
        app.container = app.name;
    }
    check_app(problems, entry, fields, app);
    return app;
}

// Two apps driving the same container or service would race each other's deploys.
void check_targets_unique(problem_list& problems, const std::vector<field>& entries,
                          const std::vector<app_spec>& apps) {
    std::map<std::string, std::string> owners;
    for (std::size_t i = 0; i < apps.size(); ++i) {
        const app_spec& app = apps[i];
        std::string target =
            app.service ? "service '" + *app.service + "'" : "container '" + app.container + "'";
        auto [it, inserted] = owners.emplace(target, app.name);
        if (!inserted) {
            problems.add(entries[i].key.Mark(), "apps." + app.name + ": " + target +
                                                    " is already driven by app '" + it->second +
                                                    "'");
        }
    }
}

void parse_apps(problem_list& problems, const YAML::Node& root, const field* apps_field,
                manifest& result) {
    if (!apps_field) {
        problems.add(root.Mark(), "missing 'apps' (a map of app names to their settings)");
        return;
    }
    if (!apps_field->value.IsMap()) {
        if (expect_map(problems, *apps_field)) {
            problems.add(apps_field->key.Mark(), "apps is empty; name at least one app");
        }
        return;
    }
    field_map apps(problems, apps_field->value, "apps", std::nullopt, "app");
    if (apps.entries().empty() && apps_field->value.size() == 0) {
        problems.add(apps_field->key.Mark(), "apps is empty; name at least one app");
    }
    std::vector<field> parsed_entries;
    for (const auto& entry : apps.entries()) {
        if (auto app = parse_app(problems, entry)) {
            result.apps.push_back(std::move(*app));
            parsed_entries.push_back(entry);
        }
    }
    check_targets_unique(problems, parsed_entries, result.apps);
}

// The position of a `---` line that starts a second document (one after content), if any.
std::optional<YAML::Mark> second_document_marker(const std::string& text) {
    bool seen_content = false;
    int line = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        std::string_view l(text.data() + pos, (end == std::string::npos ? text.size() : end) - pos);
        const bool marker = l.starts_with("---") && (l.size() == 3 || l[3] == ' ' || l[3] == '\r');
        if (marker && seen_content) {
            YAML::Mark mark = YAML::Mark::null_mark();
            mark.pos = static_cast<int>(pos);
            mark.line = line;
            mark.column = 0;
            return mark;
        }
        auto first = l.find_first_not_of(" \t\r");
        if (!marker && first != std::string_view::npos && l[first] != '#' && l[first] != '%') {
            seen_content = true;
        }
        if (end == std::string::npos) {
            break;
        }
        pos = end + 1;
        ++line;
    }
    return std::nullopt;
}

}  // namespace

manifest parse_manifest(const std::string& yaml_text, const std::string& file_name) {
    problem_list problems(file_name);
    // YAML::Load, not LoadAll: yaml-cpp 0.7's LoadAll can loop forever on some malformed input
    // (found by tests/fuzz; jbeder/yaml-cpp#1319). A second document is found by its marker.
    YAML::Node document;
    try {
        document = YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
        problems.add(e.mark, "YAML syntax error: " + e.msg);
        throw manifest_error(problems.take());
    }
    if (!document || document.IsNull()) {
        problems.add(YAML::Mark::null_mark(),
                     "the manifest is empty; it needs 'version: 1' and "
                     "'apps:'");
        throw manifest_error(problems.take());
    }
    if (auto second = second_document_marker(yaml_text)) {
        problems.add(*second,
                     "a manifest is one YAML document; remove the '---' "
                     "and what follows, or merge it into the first");
    }
    const YAML::Node& root = document;
    if (!root.IsMap()) {
        problems.add(root.Mark(), "the manifest must be a map with 'version: 1' and 'apps:'");
        throw manifest_error(problems.take());
    }
    manifest result;
    result.source_path = file_name;
    field_map top(problems, root, "", top_keys, "key", home_of);
    if (const field* version = top.get("version")) {
        if (auto number = read_int(problems, *version); number && *number != 1) {
            problems.add(version->value_mark(), "unsupported manifest version " +
                                                    std::to_string(*number) +
                                                    " (this agent reads version 1)");
        }
    } else {
        problems.add(root.Mark(), "missing 'version: 1'");
    }
    parse_apps(problems, root, top.get("apps"), result);
    if (!problems.empty()) {
        throw manifest_error(problems.take());
    }
    return result;
}

}  // namespace agent
