#include "common/url.hpp"

#include <algorithm>

#include "common/hex.hpp"

namespace agent {

namespace {

bool valid_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == ':' || c == '_';
}

std::optional<url_parts> refuse(std::string* problem, const char* why) {
    if (problem != nullptr) {
        *problem = why;
    }
    return std::nullopt;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::optional<url_parts> split_url(std::string_view rest, std::string* problem) {
    url_parts out;
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (authority.find('@') != std::string_view::npos) {
        return refuse(problem, "user info (user:password@) is not accepted");
    }
    std::string_view host = authority;
    std::string_view port;
    if (authority.starts_with("[")) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return refuse(problem, "unclosed '[' in the host");
        }
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && !after.starts_with(":")) {
            return refuse(problem, "unexpected text after the IPv6 address");
        }
        port = after.empty() ? after : after.substr(1);
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty() || host.size() > 253) {
        return refuse(problem, "no host");
    }
    if (!std::all_of(host.begin(), host.end(), valid_host_char)) {
        return refuse(problem, "the host has a character that is not allowed");
    }
    if (!port.empty() &&
        (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
         std::stoul(std::string(port)) > 65535)) {
        return refuse(problem, "the port is not a number from 1 to 65535");
    }
    if (std::any_of(out.path.begin(), out.path.end(), [](char c) {
            return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
        })) {
        return refuse(problem, "the path has a space or a control character");
    }
    out.host = std::string(host);
    out.port = std::string(port);
    return out;
}

std::string percent_encode(std::string_view text, bool space_as_plus) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out.push_back(c);
        } else if (c == ' ' && space_as_plus) {
            out.push_back('+');
        } else {
            out.push_back('%');
            append_hex(out, static_cast<unsigned char>(c), true);
        }
    }
    return out;
}

}  // namespace agent
