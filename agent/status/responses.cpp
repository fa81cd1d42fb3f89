#include "status/responses.hpp"

namespace agent::status {

namespace {

void add_security_headers(http_response& r) {
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; style-src 'self'; script-src 'self'; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("X-Frame-Options", "DENY");
    // Not no-referrer: under it a browser sends "Origin: null" even for the page's own forms,
    // and the page's POSTs must show their origin (status_routes::same_origin). same-origin
    // still sends nothing to another site.
    r.headers.emplace_back("Referrer-Policy", "same-origin");
}

}  // namespace

http_response html_response(unsigned status, std::string body) {
    http_response r{status, std::move(body), "text/html; charset=utf-8", {}};
    add_security_headers(r);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

http_response redirect(std::string_view location) {
    http_response r = html_response(303, "");
    r.headers.emplace_back("Location", std::string(location));
    return r;
}

http_response asset(std::string_view body, std::string_view content_type) {
    http_response r{200, std::string(body), std::string(content_type), {}};
    add_security_headers(r);
    r.headers.emplace_back("Cache-Control", "max-age=3600");
    return r;
}

std::string form_value(std::string_view body, std::string_view key) {
    while (!body.empty()) {
        auto amp = body.find('&');
        std::string_view pair = body.substr(0, amp);
        auto eq = pair.find('=');
        if (percent_decode(pair.substr(0, eq), true) == key) {
            return eq == std::string_view::npos ? std::string()
                                                : percent_decode(pair.substr(eq + 1), true);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        body.remove_prefix(amp + 1);
    }
    return {};
}

page_frame frame_for(const session& who, std::string title, bool refresh) {
    return page_frame{std::move(title), refresh, who.subject.empty() ? "logged in" : who.subject,
                      who.csrf};
}

}  // namespace agent::status
