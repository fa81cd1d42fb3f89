#pragma once

// Private to agent/manifest: the YAML reading helpers the manifest parser is built from. Only the
// manifest's .cpp files include this header (it exposes yaml-cpp types).

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace agent::manifest_detail {

/// Collects every problem as "FILE:LINE:COL: message" (1-based; yaml-cpp marks are 0-based).
class problem_list {
  public:
    explicit problem_list(std::string file) : file_(std::move(file)) {}
    void add(const YAML::Mark& mark, const std::string& message);
    bool empty() const { return problems_.empty(); }
    std::vector<std::string> take() { return std::move(problems_); }

  private:
    std::string file_;
    std::vector<std::string> problems_;
};

/// "LINE:COL", 1-based.
std::string position(const YAML::Mark& mark);

/// A value in a map with its key; `path` names it in messages ("apps.web.image").
struct field {
    YAML::Node key;
    YAML::Node value;
    std::string path;

    /// Where a problem with the value is reported: an empty value has no useful mark of its
    /// own (yaml-cpp puts it at the next token), so its key's mark is used.
    YAML::Mark value_mark() const;
};

/// The entries of a YAML map in file order. Reports keys that are not strings, duplicates, and,
/// when `allowed` is given, unknown keys (with "did you mean" for near misses).
class field_map {
  public:
    /// Where a key that is unknown here belongs instead ("triggers.github"), or "".
    using home_lookup = std::string_view (*)(std::string_view key);

    /// `map` must be a map or null (null reads as empty). `path` is "" at the top level.
    field_map(problem_list& problems, const YAML::Node& map, const std::string& path,
              std::optional<std::span<const std::string_view>> allowed,
              std::string_view duplicate_noun = "key", home_lookup home_of = nullptr);

    /// The first entry named `key`, or nullptr.
    const field* get(std::string_view key) const;
    const std::vector<field>& entries() const { return entries_; }

  private:
    std::vector<field> entries_;
};

/// True when `f.value` is a map or null; otherwise reports "PATH must be a map".
bool expect_map(problem_list& problems, const field& f);

std::optional<std::string> read_string(problem_list& problems, const field& f);
std::optional<bool> read_bool(problem_list& problems, const field& f);
std::optional<int> read_int(problem_list& problems, const field& f);

/// A list of strings; `example` completes "must be a list of strings, e.g. ...".
std::optional<std::vector<std::string>> read_string_list(problem_list& problems, const field& f,
                                                         std::string_view example);

/// A map of strings to scalars (read as strings), e.g. build args.
std::optional<std::map<std::string, std::string>> read_string_map(problem_list& problems,
                                                                  const field& f);

/// A duration (`500ms`, `60s`, `5m`, `1h`, bare seconds) within [min, 24h].
std::optional<std::chrono::milliseconds> read_duration(problem_list& problems, const field& f,
                                                       std::chrono::milliseconds min);

/// An environment variable name (`[A-Z_][A-Z0-9_]*`) into `out`; reports anything else.
void read_env_name(problem_list& problems, const field& f, std::string& out);

/// A string that satisfies `valid` into `out`; otherwise reports "PATH: 'value' <rule>".
template <typename Valid>
void read_checked(problem_list& problems, const field& f, std::string& out, Valid valid,
                  std::string_view rule) {
    if (auto text = read_string(problems, f)) {
        if (valid(*text)) {
            out = *text;
        } else {
            problems.add(f.value_mark(), f.path + ": '" + *text + "' " + std::string(rule));
        }
    }
}

}  // namespace agent::manifest_detail
