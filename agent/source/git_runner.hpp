#pragma once

#include <boost/asio/awaitable.hpp>

#include "source/child_process.hpp"

namespace agent {

namespace net = boost::asio;

/// run_process on a small thread pool of its own, so that a git fetch never blocks the event
/// loop; the caller resumes on its own executor with the result. Throws what run_process throws.
net::awaitable<process_result> run_process_async(process_spec spec);

}  // namespace agent
