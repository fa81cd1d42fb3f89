#include "manifest/syntax.hpp"

#include <algorithm>
#include <vector>

namespace agent {
namespace {

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_hex_lower(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f');
}
char to_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool has_upper(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// One hostname label: [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
bool is_host_label(std::string_view label) {
    if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) {
        return false;
    }
    return std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

bool is_registry_host(std::string_view domain) {
    std::string_view host = domain;
    if (auto colon = domain.find(':'); colon != std::string_view::npos) {
        std::string_view port = domain.substr(colon + 1);
        if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) {
            return false;
        }
        host = domain.substr(0, colon);
    }
    while (true) {
        auto dot = host.find('.');
        if (!is_host_label(host.substr(0, dot))) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        host.remove_prefix(dot + 1);
    }
}

// Docker's path-component: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
bool is_path_component(std::string_view c) {
    std::size_t i = 0;
    while (i < c.size()) {
        if (!is_lower_alnum(c[i])) {
            return false;
        }
        while (i < c.size() && is_lower_alnum(c[i])) {
            ++i;
        }
        if (i == c.size()) {
            return true;
        }
        std::size_t start = i;
        while (i < c.size() && !is_lower_alnum(c[i])) {
            ++i;
        }
        std::string_view sep = c.substr(start, i - start);
        bool dashes = std::all_of(sep.begin(), sep.end(), [](char ch) { return ch == '-'; });
        if (!(sep == "." || sep == "_" || sep == "__" || dashes) || i == c.size()) {
            return false;
        }
    }
    return !c.empty();
}

bool is_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 128 || !(is_alnum(tag.front()) || tag.front() == '_')) {
        return false;
    }
    return std::all_of(tag.begin(), tag.end(),
                       [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

}  // namespace

bool has_only(std::string_view s, std::string_view extra) {
    return std::all_of(s.begin(), s.end(),
                       [extra](char c) { return is_alnum(c) || extra.find(c) != extra.npos; });
}

bool is_word(std::string_view s, std::string_view extra) {
    return !s.empty() && is_alnum(s.front()) && has_only(s, extra);
}

bool is_valid_app_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || !is_lower_alnum(name.front())) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return is_lower_alnum(c) || c == '_' || c == '.' || c == '-';
    });
}

bool is_valid_container_name(std::string_view name) {
    if (name.empty() || name.size() > 255 || !is_alnum(name.front())) {
        return false;
    }
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

std::optional<std::string> image_reference_problem(std::string_view reference) {
    if (reference.empty()) {
        return "is empty";
    }
    if (reference.size() > 512) {
        return "is longer than 512 characters";
    }
    if (std::any_of(reference.begin(), reference.end(),
                    [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
        return "contains whitespace or control characters";
    }
    std::string_view name = reference;
    if (auto at = name.find('@'); at != std::string_view::npos) {
        std::string_view digest = name.substr(at + 1);
        constexpr std::string_view prefix = "sha256:";
        if (!digest.starts_with(prefix) || digest.size() != prefix.size() + 64 ||
            !std::all_of(digest.begin() + prefix.size(), digest.end(), is_hex_lower)) {
            return "has a digest that is not sha256:<64 lowercase hex digits>";
        }
        name = name.substr(0, at);
    }
    auto last_colon = name.rfind(':');
    auto last_slash = name.rfind('/');
    if (last_colon != std::string_view::npos &&
        (last_slash == std::string_view::npos || last_colon > last_slash)) {
        std::string_view tag = name.substr(last_colon + 1);
        if (!is_tag(tag)) {
            return "has an invalid tag '" + std::string(tag) +
                   "' (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')";
        }
        name = name.substr(0, last_colon);
    }
    if (name.empty()) {
        return "has no repository name";
    }
    if (name.size() > 255) {
        return "has a name longer than 255 characters";
    }
    // Docker's rule: the first component is a registry host when it has a '.' or ':', is
    // "localhost", or has uppercase letters, and more components follow.
    auto first_slash = name.find('/');
    if (first_slash != std::string_view::npos) {
        std::string_view first = name.substr(0, first_slash);
        if (first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
            has_upper(first)) {
            if (!is_registry_host(first)) {
                return "has an invalid registry host '" + std::string(first) + "'";
            }
            name.remove_prefix(first_slash + 1);
        }
    }
    while (true) {
        auto slash = name.find('/');
        std::string_view component = name.substr(0, slash);
        if (!is_path_component(component)) {
            return "has an invalid repository path component '" + std::string(component) +
                   "' (lowercase letters and digits, separated by '.', '_', '__' or '-')";
        }
        if (slash == std::string_view::npos) {
            return std::nullopt;
        }
        name.remove_prefix(slash + 1);
    }
}

bool is_valid_env_name(std::string_view name) {
    if (name.empty() || is_digit(name.front())) {
        return false;
    }
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_'; });
}

bool is_valid_repository(std::string_view repository) {
    auto slash = repository.find('/');
    if (slash == std::string_view::npos) {
        return false;
    }
    std::string_view owner = repository.substr(0, slash);
    std::string_view name = repository.substr(slash + 1);
    if (owner.empty() || owner.size() > 39 || !is_alnum(owner.front()) ||
        !std::all_of(owner.begin(), owner.end(), [](char c) { return is_alnum(c) || c == '-'; })) {
        return false;
    }
    if (name.empty() || name.size() > 100 || name == "." || name == "..") {
        return false;
    }
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool is_valid_forge_path(std::string_view path, bool nested) {
    if (path.size() > 1024) {
        return false;
    }
    std::size_t parts = 0;
    while (true) {
        const auto slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        if (part.empty() || part.size() > 255 || part == "." || part == ".." ||
            !std::all_of(part.begin(), part.end(),
                         [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; })) {
            return false;
        }
        ++parts;
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
    }
    return nested ? parts >= 2 : parts == 2;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && is_digit(text[digits])) {
        ++digits;
    }
    if (digits == 0 || digits > 9) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        value = value * 10 + (text[i] - '0');
    }
    std::string_view unit = text.substr(digits);
    if (unit == "ms") {
        return std::chrono::milliseconds{value};
    }
    if (unit.empty() || unit == "s") {
        return std::chrono::seconds{value};
    }
    if (unit == "m") {
        return std::chrono::minutes{value};
    }
    if (unit == "h") {
        return std::chrono::hours{value};
    }
    return std::nullopt;
}

std::string format_duration(std::chrono::milliseconds d) {
    auto ms = d.count();
    if (ms != 0 && ms % 3'600'000 == 0) {
        return std::to_string(ms / 3'600'000) + "h";
    }
    if (ms != 0 && ms % 60'000 == 0) {
        return std::to_string(ms / 60'000) + "m";
    }
    if (ms % 1000 == 0) {
        return std::to_string(ms / 1000) + "s";
    }
    return std::to_string(ms) + "ms";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            std::size_t cost = to_lower(a[i - 1]) == to_lower(b[j - 1]) ? 0 : 1;
            row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates) {
    std::optional<std::string_view> best;
    std::size_t best_distance = 3;
    for (std::string_view candidate : candidates) {
        std::size_t d = edit_distance(word, candidate);
        if (d < best_distance) {
            best = candidate;
            best_distance = d;
        }
    }
    return best;
}

}  // namespace agent
