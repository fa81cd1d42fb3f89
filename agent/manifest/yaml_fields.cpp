#include "manifest/yaml_fields.hpp"

#include "manifest/syntax.hpp"

#include <algorithm>

namespace agent::manifest_detail {
namespace {

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return "'" + node.Scalar() + "'";
        default:
            return "empty";
    }
}

std::string in_path(const std::string& path) {
    return path.empty() ? std::string("at the top level") : "in " + path;
}

std::string join_keys(std::span<const std::string_view> keys) {
    std::string joined;
    for (auto key : keys) {
        if (!joined.empty()) {
            joined += ", ";
        }
        joined += key;
    }
    return joined;
}

// Reports the wrong type of `f.value` and returns false, for the readers below.
bool wrong_type(problem_list& problems, const field& f, const std::string& expected) {
    if (f.value.IsNull()) {
        problems.add(f.value_mark(), f.path + " has no value (expected " + expected + ")");
    } else {
        problems.add(f.value_mark(),
                     f.path + " must be " + expected + ", not " + describe(f.value));
    }
    return false;
}

}  // namespace

void problem_list::add(const YAML::Mark& mark, const std::string& message) {
    problems_.push_back(file_ + ":" + position(mark) + ": " + message);
}

std::string position(const YAML::Mark& mark) {
    int line = mark.line >= 0 ? mark.line + 1 : 1;
    int column = mark.column >= 0 ? mark.column + 1 : 1;
    return std::to_string(line) + ":" + std::to_string(column);
}

YAML::Mark field::value_mark() const {
    return (value.IsNull() || !value.IsDefined()) ? key.Mark() : value.Mark();
}

field_map::field_map(problem_list& problems, const YAML::Node& map, const std::string& path,
                     std::optional<std::span<const std::string_view>> allowed,
                     std::string_view duplicate_noun, home_lookup home_of) {
    if (!map.IsMap()) {
        return;
    }
    // yaml-cpp 0.7 keeps every pair of a duplicated key when iterating (lookups see the first),
    // so duplicates are found here rather than silently merged.
    for (auto it = map.begin(); it != map.end(); ++it) {
        // Copies: `it->first` lives in a proxy that dies with the full expression.
        YAML::Node key = it->first;
        YAML::Node value = it->second;
        if (!key.IsScalar()) {
            problems.add(key.Mark(),
                         "keys " + in_path(path) + " must be strings, not " + describe(key));
            continue;
        }
        const std::string& name = key.Scalar();
        std::string child_path = path.empty() ? name : path + "." + name;
        if (const field* first = get(name)) {
            problems.add(key.Mark(), "duplicate " + std::string(duplicate_noun) + " '" + name +
                                         "' " + in_path(path) + " (first at " +
                                         position(first->key.Mark()) + ")");
            continue;
        }
        if (allowed && std::find(allowed->begin(), allowed->end(), name) == allowed->end()) {
            std::string message = "unknown key '" + name + "' " + in_path(path);
            std::string_view home = home_of ? home_of(name) : std::string_view{};
            if (auto suggestion = closest_match(name, *allowed)) {
                message += " (did you mean '" + std::string(*suggestion) + "'?)";
            } else if (name == "<<") {
                message += " (YAML merge keys are not supported)";
            } else if (!home.empty() && home != path) {
                message += " ('" + name + "' belongs in " + std::string(home) + ")";
            } else {
                message += " (allowed: " + join_keys(*allowed) + ")";
            }
            problems.add(key.Mark(), message);
            continue;
        }
        entries_.push_back(field{key, value, std::move(child_path)});
    }
}

const field* field_map::get(std::string_view key) const {
    for (const auto& entry : entries_) {
        if (entry.key.Scalar() == key) {
            return &entry;
        }
    }
    return nullptr;
}

bool expect_map(problem_list& problems, const field& f) {
    if (f.value.IsMap() || f.value.IsNull()) {
        return true;
    }
    return wrong_type(problems, f, "a map");
}

std::optional<std::string> read_string(problem_list& problems, const field& f) {
    if (f.value.IsScalar()) {
        return f.value.Scalar();
    }
    wrong_type(problems, f, "a string");
    return std::nullopt;
}

std::optional<bool> read_bool(problem_list& problems, const field& f) {
    bool value = false;
    if (f.value.IsScalar() && YAML::convert<bool>::decode(f.value, value)) {
        return value;
    }
    wrong_type(problems, f, "true or false");
    return std::nullopt;
}

std::optional<int> read_int(problem_list& problems, const field& f) {
    int value = 0;
    if (f.value.IsScalar() && YAML::convert<int>::decode(f.value, value)) {
        return value;
    }
    wrong_type(problems, f, "an integer");
    return std::nullopt;
}

std::optional<std::vector<std::string>> read_string_list(problem_list& problems, const field& f,
                                                         std::string_view example) {
    if (!f.value.IsSequence()) {
        wrong_type(problems, f, "a list of strings, e.g. " + std::string(example));
        return std::nullopt;
    }
    std::vector<std::string> items;
    bool ok = true;
    for (const auto& item : f.value) {
        if (!item.IsScalar()) {
            problems.add(item.IsNull() ? f.value.Mark() : item.Mark(),
                         "each item of " + f.path + " must be a string, not " + describe(item));
            ok = false;
            continue;
        }
        items.push_back(item.Scalar());
    }
    return ok ? std::optional(std::move(items)) : std::nullopt;
}

std::optional<std::map<std::string, std::string>> read_string_map(problem_list& problems,
                                                                  const field& f) {
    if (!f.value.IsMap()) {
        wrong_type(problems, f, "a map of names to values, e.g. { KEY: value }");
        return std::nullopt;
    }
    field_map entries(problems, f.value, f.path, std::nullopt);
    std::map<std::string, std::string> values;
    bool ok = true;
    for (const auto& entry : entries.entries()) {
        if (auto value = read_string(problems, entry)) {
            values.emplace(entry.key.Scalar(), std::move(*value));
        } else {
            ok = false;
        }
    }
    return ok ? std::optional(std::move(values)) : std::nullopt;
}

std::optional<std::chrono::milliseconds> read_duration(problem_list& problems, const field& f,
                                                       std::chrono::milliseconds min) {
    auto text = read_string(problems, f);
    if (!text) {
        return std::nullopt;
    }
    auto duration = parse_duration(*text);
    if (!duration) {
        problems.add(f.value_mark(), f.path + ": '" + *text +
                                         "' is not a duration (use 500ms, 60s, 5m, 1h, or a "
                                         "number of seconds)");
        return std::nullopt;
    }
    if (*duration < min || *duration > std::chrono::hours{24}) {
        problems.add(f.value_mark(), f.path + " must be between " + format_duration(min) +
                                         " and 24h, not " + *text);
        return std::nullopt;
    }
    return duration;
}

void read_env_name(problem_list& problems, const field& f, std::string& out) {
    if (auto name = read_string(problems, f)) {
        if (is_valid_env_name(*name)) {
            out = *name;
        } else {
            problems.add(f.value_mark(), f.path + ": '" + *name +
                                             "' is not an environment variable name "
                                             "([A-Z_][A-Z0-9_]*)");
        }
    }
}

}  // namespace agent::manifest_detail
