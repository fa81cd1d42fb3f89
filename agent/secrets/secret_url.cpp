#include "secrets/secret_url.hpp"

namespace agent {

namespace {

bool is_loopback(std::string_view host) {
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

bool fail(std::string* problem, std::string why) {
    if (problem != nullptr) {
        *problem = std::move(why);
    }
    return false;
}

bool valid_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == ':' || c == '_';
}

}  // namespace

std::optional<secret_url> parse_secret_url(std::string_view url, std::string* problem) {
    secret_url out;
    if (url.starts_with("https://")) {
        url.remove_prefix(8);
    } else if (url.starts_with("http://")) {
        out.tls = false;
        url.remove_prefix(7);
    } else {
        fail(problem, "must start with https:// (http:// only for a loopback test server)");
        return std::nullopt;
    }
    const auto slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    out.base_path = slash == std::string_view::npos ? "" : std::string(url.substr(slash));
    while (!out.base_path.empty() && out.base_path.back() == '/') {
        out.base_path.pop_back();
    }
    if (out.base_path.find_first_of("?#") != std::string::npos ||
        authority.find('@') != std::string_view::npos) {
        fail(problem, "user info, a query or a fragment is not accepted");
        return std::nullopt;
    }
    if (authority.starts_with("[")) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            fail(problem, "unclosed '[' in the host");
            return std::nullopt;
        }
        out.host = std::string(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
        if (authority.starts_with(":")) {
            out.port = std::string(authority.substr(1));
        } else if (!authority.empty()) {
            fail(problem, "unexpected text after the IPv6 address");
            return std::nullopt;
        }
    } else {
        const auto colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            out.port = std::string(authority.substr(colon + 1));
        }
    }
    if (out.host.empty() || out.host.size() > 253) {
        fail(problem, "no host");
        return std::nullopt;
    }
    for (char c : out.host) {
        if (!valid_host_char(c)) {
            fail(problem, "the host has a character that is not allowed");
            return std::nullopt;
        }
    }
    if (out.port.empty()) {
        out.port = out.tls ? "443" : "80";
    } else if (out.port.size() > 5 || out.port.find_first_not_of("0123456789") != std::string::npos) {
        fail(problem, "the port is not a number");
        return std::nullopt;
    }
    if (!out.tls && !is_loopback(out.host)) {
        fail(problem, "http:// is accepted only for a loopback address; use https://");
        return std::nullopt;
    }
    return out;
}

std::string percent_encode_query(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out.push_back(c);
        } else {
            const auto u = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 0x0F]);
        }
    }
    return out;
}

}  // namespace agent
