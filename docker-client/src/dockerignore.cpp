// .dockerignore patterns matched as moby/patternmatcher does, without std::regex: its
// recursive matcher grows the stack with the path's length, and libstdc++'s <regex> does not
// build under the sanitizers with -Werror. A pattern is compiled to a small list of steps and
// run as a set of states over the path (time: path length × pattern length; no recursion).
#include <sstream>
#include <string_view>

#include "build_context.hpp"
#include "docker_client/error.hpp"

namespace docker_client::detail {

namespace {

enum class step_kind {
    literal,     // one given character
    one,         // '?': one character but '/'
    char_class,  // '[...]'
    star,        // '*': any run without '/'
    any_run,     // the ".*" of "**": any run, '/' included
    skip_group,  // start of "**/": the group "(.*/)?" may be skipped, to `skip_to`
};

struct char_range {
    char low;
    char high;
};

struct step {
    explicit step(step_kind k, char ch = 0) : kind(k), c(ch) {}

    step_kind kind;
    char c;
    bool negated = false;
    std::vector<char_range> ranges;
    std::size_t skip_to = 0;

    bool matches(char ch) const {
        switch (kind) {
            case step_kind::literal:
                return ch == c;
            case step_kind::one:
                return ch != '/';
            case step_kind::char_class: {
                bool in = false;
                for (const auto& r : ranges) {
                    in = in || (ch >= r.low && ch <= r.high);
                }
                return in != negated;
            }
            default:
                return false;
        }
    }
};

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

// Parses "[...]" starting at p[i] == '['; leaves i on the closing ']'. Throws
// std::invalid_argument.
step parse_class(std::string_view p, std::size_t& i) {
    step s{step_kind::char_class};
    ++i;
    if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
        s.negated = true;
        ++i;
    }
    const std::size_t first = i;
    for (;; ++i) {
        if (i >= p.size()) {
            throw std::invalid_argument("unterminated '['");
        }
        if (p[i] == ']' && i > first) {
            break;
        }
        char low = p[i];
        if (low == '\\') {
            if (++i >= p.size()) {
                throw std::invalid_argument("unterminated '['");
            }
            low = p[i];
        }
        char high = low;
        if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
            i += 2;
            high = p[i] == '\\' && i + 1 < p.size() ? p[++i] : p[i];
            if (high < low) {
                throw std::invalid_argument("range out of order in '[...]'");
            }
        }
        s.ranges.push_back({low, high});
    }
    return s;
}

// The steps of moby's regular expression for a cleaned pattern: '*' is "[^/]*", '?' is "[^/]",
// "**" is "(.*/)?" (or ".*" at the end), '\' escapes the next character.
std::vector<step> compile(std::string_view p) {
    std::vector<step> steps;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '*' && i + 1 < p.size() && p[i + 1] == '*') {
            ++i;
            if (i + 1 < p.size() && p[i + 1] == '/') {
                ++i;
            }
            if (i + 1 == p.size()) {
                steps.push_back(step(step_kind::any_run));
            } else {
                steps.push_back(step(step_kind::skip_group));
                steps.back().skip_to = steps.size() + 2;
                steps.push_back(step(step_kind::any_run));
                steps.push_back(step(step_kind::literal, '/'));
            }
        } else if (c == '*') {
            steps.push_back(step(step_kind::star));
        } else if (c == '?') {
            steps.push_back(step(step_kind::one));
        } else if (c == '[') {
            steps.push_back(parse_class(p, i));
        } else if (c == '\\') {
            if (++i >= p.size()) {
                throw std::invalid_argument("trailing '\\'");
            }
            steps.push_back(step(step_kind::literal, p[i]));
        } else {
            steps.push_back(step(step_kind::literal, c));
        }
    }
    return steps;
}

// Adds the states reachable from the marked ones without reading a character.
void close_over(const std::vector<step>& steps, std::vector<char>& on) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (!on[i]) {
            continue;
        }
        const auto kind = steps[i].kind;
        if (kind == step_kind::star || kind == step_kind::any_run) {
            on[i + 1] = 1;
        } else if (kind == step_kind::skip_group) {
            on[i + 1] = 1;
            on[steps[i].skip_to] = 1;
        }
    }
}

// True when the steps match `path` or one of its parent directories ("a/b" for "a/b/c"): a
// pattern that matches a directory excludes everything below it.
bool matches_path_or_parent(const std::vector<step>& steps, std::string_view path) {
    std::vector<char> on(steps.size() + 1, 0);
    std::vector<char> next(steps.size() + 1, 0);
    on[0] = 1;
    close_over(steps, on);
    for (const char ch : path) {
        if (ch == '/' && on[steps.size()]) {
            return true;
        }
        std::fill(next.begin(), next.end(), 0);
        bool any = false;
        for (std::size_t i = 0; i < steps.size(); ++i) {
            if (!on[i]) {
                continue;
            }
            const auto& s = steps[i];
            if (s.kind == step_kind::any_run || (s.kind == step_kind::star && ch != '/')) {
                next[i] = 1;
                any = true;
            } else if (s.matches(ch)) {
                next[i + 1] = 1;
                any = true;
            }
        }
        if (!any) {
            return false;
        }
        close_over(steps, next);
        on.swap(next);
    }
    return on[steps.size()] != 0;
}

}  // namespace

struct dockerignore::pattern {
    std::vector<step> steps;
    bool exception = false;
};

dockerignore::dockerignore(const std::string& text) {
    std::stringstream in(text);
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
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
        auto compiled = std::make_shared<pattern>();
        try {
            compiled->steps = compile(clean(line));
        } catch (const std::invalid_argument& e) {
            // The docker CLI refuses the build on a bad pattern; so do we, saying where.
            throw error(
                0, e.what(),
                ".dockerignore line " + std::to_string(number) + ": bad pattern '" + line + "'");
        }
        compiled->exception = exception;
        has_exceptions_ = has_exceptions_ || exception;
        patterns_.push_back(std::move(compiled));
    }
}

bool dockerignore::excludes(const std::string& relative_path) const {
    bool matched = false;
    for (const auto& p : patterns_) {
        // An exception can only undo a match, a plain pattern only make one.
        if (p->exception != matched) {
            continue;
        }
        if (matches_path_or_parent(p->steps, relative_path)) {
            matched = !p->exception;
        }
    }
    return matched;
}

}  // namespace docker_client::detail
