#pragma once

namespace agent {

/// How a request ended, in the agent's own terms. Intake verdicts and the API say one of these;
/// http/answer.hpp's status_of() is the one place that turns it into an HTTP status.
enum class outcome {
    done,             ///< handled, nothing queued: ping, ignored, duplicate, cache cleared
    queued,           ///< accepted; the work runs after the answer
    malformed,        ///< the request cannot be read as what it claims to be
    unauthenticated,  ///< signature or bearer token missing, wrong, stale or replayed
    not_found,        ///< no such endpoint, app or deployment
    wrong_method,     ///< the endpoint exists, the method does not
    unavailable,      ///< not configured, or something it needs is down
    failed,           ///< an unexpected internal error
};

}  // namespace agent
