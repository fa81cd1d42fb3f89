#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "common/environment.hpp"
#include "docker_client/image_api.hpp"
#include "manifest/manifest.hpp"

namespace agent {

namespace net = boost::asio;

/// Receives one line for the deployment's step log.
using step_sink = std::function<void(std::string_view)>;

/// Bounds on the build output that goes into a deployment's step log (each line is a row in
/// the store and a log line): a Dockerfile that prints megabytes must not fill the disk.
struct build_log_limits {
    std::size_t max_line_chars = 500;  ///< longer lines are cut, marked with "…"
    std::size_t max_lines = 2000;      ///< then one "… N more lines" line at the end
};

/// Passes build output lines on within the limits.
class bounded_build_log {
  public:
    bounded_build_log(step_sink sink, build_log_limits limits)
        : sink_(std::move(sink)), limits_(limits) {}
    void line(std::string_view text);
    /// Reports the lines left out, if any.
    void finish();

  private:
    step_sink sink_;
    build_log_limits limits_;
    std::size_t seen_ = 0;
};

/// What the build step is asked to do, apart from the app itself.
struct build_request {
    std::int64_t deployment_id = 0;
    std::string commit;  ///< recorded as a label; may be empty (no git section)
    build_log_limits limits;
    environment env;  ///< where the variables of app.registry_auth are read
};

/// `POST /build` of the app's build section: the context as a tar stream (its .dockerignore
/// honoured), dockerfile, target, args, no_cache, pull; tagged `app.image`; labelled
/// io.deploy-agent.app, io.deploy-agent.deployment and io.deploy-agent.commit. Registry credentials of app.registry_auth are offered for
/// base images on the image's registry. Each daemon output line goes to `step` (bounded).
/// Returns the new image id. Throws std::runtime_error: a failed build carries the daemon's
/// message and the last log lines; a build still running after build.timeout is cancelled
/// (the connection is closed, which makes the daemon stop it) and says so.
net::awaitable<std::string> build_app_image(docker_client::image_api& docker, const app_spec& app,
                                            build_request request, step_sink step);

}  // namespace agent
