#include "secrets/secret_url.hpp"

#include "common/url.hpp"

namespace agent {

std::optional<secret_url> parse_secret_url(std::string_view url, std::string* problem) {
    auto refuse = [problem](const char* why) {
        if (problem != nullptr) {
            *problem = why;
        }
        return std::nullopt;
    };
    secret_url out;
    if (url.starts_with("https://")) {
        url.remove_prefix(8);
    } else if (url.starts_with("http://")) {
        out.tls = false;
        url.remove_prefix(7);
    } else {
        return refuse("must start with https:// (http:// only for a loopback test server)");
    }
    auto parts = split_url(url, problem);
    if (!parts) {
        return std::nullopt;
    }
    if (parts->path.find_first_of("?#") != std::string::npos) {
        return refuse("a query or a fragment is not accepted");
    }
    out.host = std::move(parts->host);
    out.port = parts->port.empty() ? (out.tls ? "443" : "80") : std::move(parts->port);
    out.base_path = std::move(parts->path);
    while (!out.base_path.empty() && out.base_path.back() == '/') {
        out.base_path.pop_back();
    }
    if (!out.tls && !is_loopback_host(out.host)) {
        return refuse("http:// is accepted only for a loopback address; use https://");
    }
    return out;
}

}  // namespace agent
