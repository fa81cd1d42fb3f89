#pragma once

#include <string>
#include <string_view>

namespace agent {

/// Appends the two hex digits of `byte`: lowercase ("0a"), or uppercase ("0A") with `upper`
/// (percent-encoding's spelling, RFC 3986 section 2.1).
void append_hex(std::string& out, unsigned char byte, bool upper = false);

/// Lowercase hex of `bytes`, two digits a byte: digests, HMACs, random ids.
std::string to_hex(std::string_view bytes);

}  // namespace agent
