#include "common/escape.hpp"

#include <algorithm>

#include "common/hex.hpp"

namespace agent {

namespace {

// The length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629 table 3-7), or 0.
std::size_t sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        return 1;
    }
    std::size_t n = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3;
        low = b0 == 0xe0 ? 0xa0 : 0x80;   // no overlong forms
        high = b0 == 0xed ? 0x9f : 0xbf;  // no surrogates
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4;
        low = b0 == 0xf0 ? 0x90 : 0x80;
        high = b0 == 0xf4 ? 0x8f : 0xbf;  // nothing beyond U+10FFFF
    } else {
        return 0;
    }
    if (i + n > text.size() || byte(i + 1) < low || byte(i + 1) > high) {
        return 0;
    }
    for (std::size_t k = 2; k < n; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) {
            return 0;
        }
    }
    return n;
}

void append_escaped(std::string& out, unsigned char c) {
    out += "\\x";
    append_hex(out, c);
}

}  // namespace

std::size_t invisible_control_length(std::string_view text, std::size_t i) {
    const std::size_t n = i < text.size() ? sequence_length(text, i) : 0;
    if (n < 2) {
        return 0;
    }
    const auto byte = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(text[i + k])); };
    char32_t cp = 0;
    if (n == 2) {
        cp = ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
    } else if (n == 3) {
        cp = ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    } else {
        return 0;  // none beyond the Basic Multilingual Plane
    }
    const bool invisible = cp == 0x061C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
                           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
                           (cp >= 0x2066 && cp <= 0x206F) || cp == 0xFEFF ||
                           (cp >= 0xFFF9 && cp <= 0xFFFB);
    return invisible ? n : 0;
}

std::string escape_untrusted(std::string_view text, std::size_t max_bytes) {
    std::string out;
    out.reserve(std::min(text.size(), max_bytes) + 16);
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t n = sequence_length(text, i);
        if (i + std::max<std::size_t>(n, 1) > max_bytes) {
            break;
        }
        if (n == 0 || c < 0x20 || c == 0x7f || c == '\\') {
            append_escaped(out, c);
            ++i;
        } else if ((c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) ||
                   invisible_control_length(text, i) != 0) {
            // C1 controls (U+0080..U+009F) can move a terminal's cursor as well; bidi overrides
            // and zero-width characters make a line read as something it is not.
            for (std::size_t k = 0; k < n; ++k) {
                append_escaped(out, static_cast<unsigned char>(text[i + k]));
            }
            i += n;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    if (i < text.size()) {
        out += "\u2026(+" + std::to_string(text.size() - i) + " bytes)";
    }
    return out;
}

bool is_valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = sequence_length(text, i);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

}  // namespace agent
