#include "http/message.hpp"

#include "common/json_writer.hpp"

namespace agent {

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

http_response json_error(unsigned status, std::string_view reason) {
    json_writer w;
    w.begin_object();
    w.key("success").boolean(false);
    w.key("error").string(reason);
    w.end_object();
    return http_response{status, w.take(), "application/json", {}};
}

}  // namespace agent
