#pragma once

#include <string>
#include <string_view>

// Small ASCII text helpers shared by the stages (header names, flags, form and query values).

namespace agent {

/// ASCII case-insensitive equality, for header names, schemes and flags.
bool iequals(std::string_view a, std::string_view b);

/// `text` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view trim(std::string_view text);

/// `text` with ASCII letters lower-cased; other bytes unchanged.
std::string to_lower_ascii(std::string_view text);

/// The value of a hex digit (either case), or -1 for any other character.
int hex_digit_value(char c);

/// Decodes %XX escapes (and '+' as space when `plus_is_space`); invalid escapes are kept as is.
std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace agent
