// A bounded scan of unverified JSON: no parser state that the body can grow. Depth is a 64-bit
// stack of container kinds, keys are compared as they are decoded (at most max_key_bytes kept)
// and only the answer is copied (at most max_value_bytes): 25 MB of '[' or of one string cost
// one pass over the bytes and no memory beyond them.
#include "intake/json_peek.hpp"

#include <cstdint>

namespace agent {
namespace {

class bounded_scan {
  public:
    explicit bounded_scan(std::string_view text) : text_(text) {}

    // root.<object>.<member> as a string; nothing when absent, malformed or beyond the bounds.
    // The first key that matches decides, as a DOM lookup finds the first.
    std::optional<std::string> find(std::string_view object, std::string_view member) {
        if (!take('{')) {
            return std::nullopt;
        }
        return members(object, [&]() -> std::optional<std::string> {
            if (!take('{')) {
                return std::nullopt;
            }
            return members(member, [&]() -> std::optional<std::string> {
                std::string value;
                bool overflowed = false;
                if (peek() != '"' ||
                    !string(&value, json_peek_limits::max_value_bytes, &overflowed) ||
                    overflowed) {
                    return std::nullopt;
                }
                return value;
            });
        });
    }

  private:
    std::string_view text_;
    std::size_t at_ = 0;

    void blank() {
        while (at_ < text_.size() &&
               (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' ||
                text_[at_] == '\r')) {
            ++at_;
        }
    }
    char peek() {
        blank();
        return at_ < text_.size() ? text_[at_] : '\0';
    }
    bool take(char c) {
        if (peek() != c) {
            return false;
        }
        ++at_;
        return true;
    }

    // The members of the object whose '{' was taken: at the first key equal to `wanted`,
    // `on_match` reads its value and decides; other values are skipped.
    template <typename on_match_fn>
    std::optional<std::string> members(std::string_view wanted, on_match_fn on_match) {
        if (take('}')) {
            return std::nullopt;
        }
        for (;;) {
            std::string key;
            bool overflowed = false;
            if (peek() != '"' || !string(&key, json_peek_limits::max_key_bytes, &overflowed) ||
                !take(':')) {
                return std::nullopt;
            }
            if (!overflowed && key == wanted) {
                return on_match();
            }
            if (!skip_value() || !take(',')) {
                return std::nullopt;  // '}' without the member, or malformed
            }
        }
    }

    // A string at text_[at_] == '"', decoded into `out` (when not null) up to `limit` bytes;
    // beyond the limit it is still scanned to its end, and `*overflowed` is set. False when
    // malformed.
    bool string(std::string* out, std::size_t limit, bool* overflowed = nullptr) {
        ++at_;
        bool overflow = false;
        auto put = [&](std::uint32_t cp) {
            if (out == nullptr || overflow) {
                return;
            }
            char bytes[4];
            std::size_t n = 0;
            if (cp < 0x80) {
                bytes[n++] = static_cast<char>(cp);
            } else if (cp < 0x800) {
                bytes[n++] = static_cast<char>(0xC0 | (cp >> 6));
                bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                bytes[n++] = static_cast<char>(0xE0 | (cp >> 12));
                bytes[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
            } else {
                bytes[n++] = static_cast<char>(0xF0 | (cp >> 18));
                bytes[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
                bytes[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                bytes[n++] = static_cast<char>(0x80 | (cp & 0x3F));
            }
            if (out->size() + n > limit) {
                overflow = true;
                return;
            }
            out->append(bytes, n);
        };
        while (at_ < text_.size()) {
            const auto c = static_cast<unsigned char>(text_[at_++]);
            if (c == '"') {
                if (overflowed != nullptr) {
                    *overflowed = overflow;
                }
                return true;
            }
            if (c < 0x20) {
                return false;
            }
            if (c != '\\') {
                if (out != nullptr && !overflow) {
                    if (out->size() + 1 > limit) {
                        overflow = true;
                    } else {
                        out->push_back(static_cast<char>(c));
                    }
                }
                continue;
            }
            if (at_ >= text_.size()) {
                return false;
            }
            const char e = text_[at_++];
            switch (e) {
                case '"': put('"'); break;
                case '\\': put('\\'); break;
                case '/': put('/'); break;
                case 'b': put('\b'); break;
                case 'f': put('\f'); break;
                case 'n': put('\n'); break;
                case 'r': put('\r'); break;
                case 't': put('\t'); break;
                case 'u': {
                    std::uint32_t cp = 0;
                    if (!hex4(cp)) {
                        return false;
                    }
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        std::uint32_t low = 0;
                        if (at_ + 1 >= text_.size() || text_[at_] != '\\' ||
                            text_[at_ + 1] != 'u') {
                            return false;
                        }
                        at_ += 2;
                        if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) {
                            return false;
                        }
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        return false;
                    }
                    put(cp);
                    break;
                }
                default:
                    return false;
            }
        }
        return false;
    }

    bool hex4(std::uint32_t& value) {
        if (text_.size() - at_ < 4) {
            return false;
        }
        for (int i = 0; i < 4; ++i) {
            const char h = text_[at_++];
            value <<= 4;
            if (h >= '0' && h <= '9') {
                value |= static_cast<std::uint32_t>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
                value |= static_cast<std::uint32_t>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
                value |= static_cast<std::uint32_t>(h - 'A' + 10);
            } else {
                return false;
            }
        }
        return true;
    }

    // A scalar: a number or true/false/null, checked loosely (the verified parse is strict).
    bool scalar() {
        const std::size_t start = at_;
        for (const std::string_view word : {"true", "false", "null"}) {
            if (text_.substr(at_, word.size()) == word) {
                at_ += word.size();
                return true;
            }
        }
        while (at_ < text_.size() &&
               std::string_view("0123456789+-.eE").find(text_[at_]) != std::string_view::npos) {
            ++at_;
        }
        return at_ > start;
    }

    // Skips one value of any shape; containers nest at most max_depth deep (64 levels fit the
    // bits of `kinds`: 1 an object, 0 an array).
    bool skip_value() {
        std::uint64_t kinds = 0;
        int depth = 0;
        for (;;) {
            // A value.
            const char c = peek();
            if (c == '{' || c == '[') {
                if (depth == json_peek_limits::max_depth) {
                    return false;
                }
                ++at_;
                kinds = (kinds << 1) | (c == '{' ? 1U : 0U);
                ++depth;
                if (take(c == '{' ? '}' : ']')) {
                    --depth;
                    kinds >>= 1;
                } else if (c == '{') {
                    if (peek() != '"' || !string(nullptr, 0) || !take(':')) {
                        return false;
                    }
                    continue;
                } else {
                    continue;
                }
            } else if (c == '"') {
                if (!string(nullptr, 0)) {
                    return false;
                }
            } else if (!scalar()) {
                return false;
            }
            // After a value: the next one of its container, or the container's end.
            for (;;) {
                if (depth == 0) {
                    return true;
                }
                const bool in_object = (kinds & 1U) != 0;
                if (take(',')) {
                    if (in_object && (peek() != '"' || !string(nullptr, 0) || !take(':'))) {
                        return false;
                    }
                    break;
                }
                if (!take(in_object ? '}' : ']')) {
                    return false;
                }
                --depth;
                kinds >>= 1;
            }
        }
    }
};

}  // namespace

std::optional<std::string> peek_string_member(std::string_view json, std::string_view object,
                                              std::string_view member) {
    return bounded_scan(json).find(object, member);
}

}  // namespace agent
