#pragma once

#include <string>
#include <string_view>

#include "common/outcome.hpp"
#include "http/message.hpp"

namespace agent {

/// THE mapping from how a request ended to its HTTP status: done 200, queued 202, malformed 400,
/// unauthenticated 401, not_found 404, wrong_method 405, failed 500, unavailable 503.
unsigned status_of(outcome result);

/// `{"success":false,"error":"<reason>"}` with status_of(result).
http_response error_answer(outcome result, std::string_view reason);

/// A JSON body (already serialized) with status_of(result).
http_response json_answer(outcome result, std::string body);

/// 405 with an Allow header naming `allow` ("GET, HEAD").
http_response method_not_allowed(std::string_view allow);

}  // namespace agent
