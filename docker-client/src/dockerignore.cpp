#include <regex>
#include <sstream>

#include "build_context.hpp"

namespace docker_client::detail {

struct dockerignore::pattern {
    std::regex regex;
    bool exception = false;
};

namespace {

// filepath.Clean for relative patterns: drop ".", empty segments and a leading '/', fold "..".
std::string clean(const std::string& text) {
    std::vector<std::string> parts;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, '/')) {
        if (part.empty() || part == ".") {
            continue;
        }
        if (part == ".." && !parts.empty() && parts.back() != "..") {
            parts.pop_back();
            continue;
        }
        parts.push_back(part);
    }
    std::string out;
    for (const auto& p : parts) {
        out += (out.empty() ? "" : "/") + p;
    }
    return out.empty() ? "." : out;
}

// The regular expression moby/patternmatcher builds for a pattern.
std::string to_regex(const std::string& p) {
    std::string re = "^";
    for (std::size_t i = 0; i < p.size(); ++i) {
        char c = p[i];
        if (c == '*') {
            if (i + 1 < p.size() && p[i + 1] == '*') {
                ++i;
                if (i + 1 < p.size() && p[i + 1] == '/') {
                    ++i;
                }
                re += i + 1 == p.size() ? ".*" : "(.*/)?";
            } else {
                re += "[^/]*";
            }
        } else if (c == '?') {
            re += "[^/]";
        } else if (c == '\\' && i + 1 < p.size()) {
            re += '\\';
            re += p[++i];
        } else if (c == '[') {
            re += '[';
            if (i + 1 < p.size() && (p[i + 1] == '!' || p[i + 1] == '^')) {
                re += '^';
                ++i;
            }
        } else if (c == ']' || c == '-') {
            re += c;
        } else if (std::string_view(".+()|{}$^").find(c) != std::string_view::npos) {
            re += '\\';
            re += c;
        } else {
            re += c;
        }
    }
    return re + "$";
}

}  // namespace

dockerignore::dockerignore(const std::string& text) {
    std::stringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        auto first = line.find_first_not_of(" \t\r");
        auto last = line.find_last_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') {
            continue;
        }
        line = line.substr(first, last - first + 1);
        bool exception = line.front() == '!';
        if (exception) {
            line.erase(0, 1);
            auto f = line.find_first_not_of(" \t");
            line = f == std::string::npos ? "" : line.substr(f);
        }
        if (line.empty()) {
            continue;
        }
        std::string cleaned = clean(line);
        try {
            auto compiled = std::make_shared<pattern>();
            compiled->regex = std::regex(to_regex(cleaned), std::regex::ECMAScript);
            compiled->exception = exception;
            has_exceptions_ = has_exceptions_ || exception;
            patterns_.push_back(std::move(compiled));
        } catch (const std::regex_error&) {
            // The CLI refuses the build on a bad pattern; skipping it keeps more files, never
            // fewer.
        }
    }
}

bool dockerignore::excludes(const std::string& relative_path) const {
    std::vector<std::string> parents;
    for (std::size_t slash = relative_path.find('/'); slash != std::string::npos;
         slash = relative_path.find('/', slash + 1)) {
        parents.push_back(relative_path.substr(0, slash));
    }
    bool matched = false;
    for (const auto& p : patterns_) {
        // An exception can only undo a match, a plain pattern only make one.
        if (p->exception != matched) {
            continue;
        }
        bool match = std::regex_match(relative_path, p->regex);
        for (std::size_t i = 0; !match && i < parents.size(); ++i) {
            match = std::regex_match(parents[i], p->regex);
        }
        if (match) {
            matched = !p->exception;
        }
    }
    return matched;
}

}  // namespace docker_client::detail
