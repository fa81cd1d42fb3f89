#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intake/signature.hpp"

namespace agent {

/// Which HMAC a signature header carries.
enum class mac_algorithm { sha256, sha1 };

/// The media type of a Content-Type value, lower case, without parameters or whitespace.
std::string media_type(std::string_view content_type);

/// HMAC hex of `data` under `key` with `algorithm`.
std::string hmac_hex(mac_algorithm algorithm, std::string_view key, std::string_view data);

/// Cheap (at most two extra HMACs), for intake logs after a mismatch: a sentence when the
/// received digest would match with the secret's stripped newline put back, or with its
/// surrounding whitespace trimmed; nullopt otherwise. Never contains the secret or a MAC.
std::optional<std::string> secret_variant_hint(mac_algorithm algorithm,
                                               const configured_secret& secret,
                                               std::string_view body,
                                               std::string_view received_hex);

/// Cheap observations that a body is not the bytes the sender signed (no HMAC computed):
/// form body labelled JSON and the reverse, a byte-order mark, CRLF line ends, a trailing
/// newline, pretty-printed JSON. Each reads after "the body ". `content_type` may be empty.
std::vector<std::string> body_reencoding_hints(std::string_view body,
                                               std::string_view content_type);

/// Thorough (a few dozen HMACs; for the CLI, not for every request): the first combination of
/// secret variants (stripped newline put back, whitespace trimmed) and payload variants (without
/// BOM, without trailing newline, CRLF→LF, the JSON inside 'payload=', compact JSON, form-encoded
/// compact JSON) under which `received_hex` matches, as "it would match …"; nullopt if none.
std::optional<std::string> find_variant_match(mac_algorithm algorithm,
                                              const configured_secret& secret,
                                              std::string_view payload,
                                              std::string_view received_hex);

/// True when `body` is JSON with whitespace between tokens (senders send compact JSON).
bool looks_pretty_printed(std::string_view body);

}  // namespace agent
