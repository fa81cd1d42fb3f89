#include "http/answer.hpp"

namespace agent {

unsigned status_of(outcome result) {
    switch (result) {
    case outcome::done:
        return 200;
    case outcome::queued:
        return 202;
    case outcome::malformed:
        return 400;
    case outcome::unauthenticated:
        return 401;
    case outcome::not_found:
        return 404;
    case outcome::wrong_method:
        return 405;
    case outcome::unavailable:
        return 503;
    case outcome::failed:
        break;
    }
    return 500;
}

http_response error_answer(outcome result, std::string_view reason) {
    return json_error(status_of(result), reason);
}

http_response json_answer(outcome result, std::string body) {
    return http_response{status_of(result), std::move(body), "application/json", {}};
}

http_response method_not_allowed(std::string_view allow) {
    http_response r = error_answer(outcome::wrong_method, "method not allowed");
    r.headers.emplace_back("Allow", std::string(allow));
    return r;
}

}  // namespace agent
