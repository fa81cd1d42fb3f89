// glob_match and patterns_select, declared in planner.hpp.

#include "planner/planner.hpp"

#include <vector>

namespace agent {
namespace {

enum class token_kind { literal, one, star, double_star, char_class };

struct token {
    token_kind kind = token_kind::literal;
    char literal = 0;
    std::string_view members;  // a class's text between '[' (after any '!'/'^') and ']'
    bool negated = false;
};

// `members` uses `a-z` ranges; a '-' first or last is literal.
bool class_contains(std::string_view members, char c) {
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (i + 2 < members.size() && members[i + 1] == '-') {
            if (members[i] <= c && c <= members[i + 2]) {
                return true;
            }
            i += 2;
        } else if (members[i] == c) {
            return true;
        }
    }
    return false;
}

bool token_matches(const token& t, char c) {
    switch (t.kind) {
        case token_kind::literal:
            return c == t.literal;
        case token_kind::one:
            return c != '/';
        case token_kind::char_class:
            return c != '/' && class_contains(t.members, c) != t.negated;
        default:
            return false;
    }
}

std::vector<token> tokenize(std::string_view pattern) {
    std::vector<token> tokens;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '*') {
            bool is_double = i + 1 < pattern.size() && pattern[i + 1] == '*';
            while (i + 1 < pattern.size() && pattern[i + 1] == '*') {
                ++i;
            }
            tokens.push_back(
                {is_double ? token_kind::double_star : token_kind::star, 0, {}, false});
        } else if (c == '?') {
            tokens.push_back({token_kind::one, 0, {}, false});
        } else if (c == '\\' && i + 1 < pattern.size()) {
            tokens.push_back({token_kind::literal, pattern[++i], {}, false});
        } else if (c == '[') {
            std::size_t start = i + 1;
            bool negated =
                start < pattern.size() && (pattern[start] == '!' || pattern[start] == '^');
            if (negated) {
                ++start;
            }
            // The first member may be ']' itself, so the search for the end starts after it.
            auto close = pattern.find(']', start + 1);
            if (start >= pattern.size() || close == std::string_view::npos) {
                tokens.push_back({token_kind::literal, '[', {}, false});
                continue;
            }
            tokens.push_back(
                {token_kind::char_class, 0, pattern.substr(start, close - start), negated});
            i = close;
        } else {
            tokens.push_back({token_kind::literal, c, {}, false});
        }
    }
    return tokens;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    // matched[j]: the tokens so far match text[0, j).
    std::vector<char> matched(text.size() + 1, 0);
    std::vector<char> next(text.size() + 1, 0);
    matched[0] = 1;
    for (const token& t : tokenize(pattern)) {
        if (t.kind == token_kind::star || t.kind == token_kind::double_star) {
            next[0] = matched[0];
            for (std::size_t j = 1; j <= text.size(); ++j) {
                bool extend =
                    next[j - 1] && (t.kind == token_kind::double_star || text[j - 1] != '/');
                next[j] = static_cast<char>(matched[j] || extend);
            }
        } else {
            next[0] = 0;
            for (std::size_t j = 1; j <= text.size(); ++j) {
                next[j] = static_cast<char>(matched[j - 1] && token_matches(t, text[j - 1]));
            }
        }
        matched.swap(next);
    }
    return matched[text.size()] != 0;
}

bool patterns_select(const std::vector<std::string>& patterns, std::string_view name) {
    bool selected = false;
    for (const auto& pattern : patterns) {
        std::string_view p = pattern;
        bool exclude = p.starts_with('!');
        if (exclude) {
            p.remove_prefix(1);
        }
        if (glob_match(p, name)) {
            selected = !exclude;
        }
    }
    return selected;
}

}  // namespace agent
