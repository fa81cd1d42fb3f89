#include "http/message.hpp"

#include "common/json_writer.hpp"

namespace agent {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

const std::string* http_request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return &value;
        }
    }
    return nullptr;
}

std::string_view http_request::path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
}

std::string http_request::query_param(std::string_view key) const {
    std::string_view t = target;
    auto q = t.find('?');
    if (q == std::string_view::npos) {
        return {};
    }
    std::string_view rest = t.substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        auto eq = pair.find('=');
        std::string_view k = pair.substr(0, eq);
        if (percent_decode(k, true) == key) {
            return eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1), true);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        rest = rest.substr(amp + 1);
    }
    return {};
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else if (c == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

http_response json_error(unsigned status, std::string_view reason) {
    json_writer w;
    w.begin_object();
    w.key("success").boolean(false);
    w.key("error").string(reason);
    w.end_object();
    return http_response{status, w.take(), "application/json", {}};
}

}  // namespace agent
