#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agent {

/// An Infisical base URL, split.
struct secret_url {
    bool tls = true;          ///< https (else plain http, loopback only)
    std::string host;         ///< name or address, without IPv6 brackets
    std::string port;         ///< "443" / "80" when the URL names none
    std::string base_path;    ///< "" or "/infisical" (no trailing slash)
};

/// Parses `https://host[:port][/base]`, or `http://` for a loopback host (127.0.0.0/8, ::1,
/// localhost: test servers). nullopt with the reason in `*problem` otherwise (no user info,
/// query or fragment accepted).
std::optional<secret_url> parse_secret_url(std::string_view url, std::string* problem);

}  // namespace agent
