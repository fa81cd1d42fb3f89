#pragma once

#include <string>
#include <string_view>

namespace docker_client::detail {

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view text);

/// Base64url with padding, as X-Registry-Auth expects.
std::string base64url(std::string_view bytes);

/// Throws docker_client::error (status 0) unless `name` is a plausible container name or id.
void check_container_ref(std::string_view name);
/// Throws docker_client::error (status 0) unless `reference` is a plausible image reference.
void check_image_ref(std::string_view reference);

/// Throws docker_client::error (status 0) unless `signal` is a signal name or number ("SIGTERM",
/// "9").
void check_signal(std::string_view signal);
/// Throws docker_client::error (status 0) unless `name` is a plausible network or service name/id.
void check_object_name(std::string_view name, const char* what);

/// "1.41" < "1.47"; versions are "MAJOR.MINOR".
int compare_api_versions(std::string_view a, std::string_view b);

}  // namespace docker_client::detail
