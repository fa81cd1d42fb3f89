#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// The one way untrusted text (paths, header values, payload strings, token subjects) goes into a
// log line or an answer: it can neither break the line nor carry invalid UTF-8.

namespace agent {

/// How much of an untrusted value a log line shows.
inline constexpr std::size_t log_text_limit = 200;

/// The length of the invisible formatting character encoded at `text[i]` (bidi embeddings,
/// overrides, isolates and marks such as U+202E and U+2066–U+2069, zero-width characters,
/// invisible operators, U+FEFF, interlinear annotation), or 0: characters that can make text
/// read differently from what it is.
std::size_t invisible_control_length(std::string_view text, std::size_t i);

/// `text` made printable on one line: well-formed UTF-8 is kept as is; the backslash, each
/// control character (C0, DEL, C1, and the invisible formatting characters of
/// invisible_control_length) and each byte of an ill-formed UTF-8 sequence become `\xNN`
/// (so every escape in the output is one of ours). At most `max_bytes` of `text` are shown
/// (never cutting a UTF-8 sequence), followed by "…(+N bytes)" for the N bytes left out. The one
/// escaping of client text for logs and answers (loggable() in http/ is this function). Never
/// throws except std::bad_alloc.
std::string escape_untrusted(std::string_view text, std::size_t max_bytes = log_text_limit);

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points beyond
/// U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace agent
