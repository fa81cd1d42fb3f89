#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "docker_client/types.hpp"

namespace docker_client {

namespace net = boost::asio;

/// The engine's images (and the registries it reaches): one role of the engine seam
/// (docker_api.hpp). Every failure throws docker_client::error; a missing image is nullopt.
class image_api {
  public:
    virtual ~image_api() = default;

    /// The image, or nullopt when the daemon does not have it.
    virtual net::awaitable<std::optional<image_info>> inspect_image(std::string reference) = 0;
    /// Pulls `reference` (a tag, `latest` when none is given, or a digest). The progress stream is
    /// read to its end and each line handed to `on_progress`; an error inside the stream throws.
    virtual net::awaitable<void> pull_image(std::string reference,
                                            std::optional<registry_auth> auth,
                                            progress_callback on_progress) = 0;
    /// Tags image `source` (name or id) as `repository:tag`.
    virtual net::awaitable<void> tag_image(std::string source, std::string repository,
                                           std::string tag) = 0;
    /// Removes the image or tag; returns false when the daemon did not have it. Throws (409)
    /// when a container uses it and `force` is not set.
    virtual net::awaitable<bool> remove_image(std::string reference,
                                              image_remove_options options) = 0;
    /// Removes dangling images (untagged, unused); with `label_filters` ("key" or "key=value")
    /// only those carrying the labels.
    virtual net::awaitable<prune_result> prune_dangling_images(
        std::vector<std::string> label_filters) = 0;
    /// Asks the registry (through the daemon) which digest `reference` points at, without
    /// pulling. Throws with the daemon's message when the tag or the access is missing.
    virtual net::awaitable<distribution_info> distribution_inspect(
        std::string reference, std::optional<registry_auth> auth) = 0;
    /// Builds `options.context_dir` and returns the image id. Each log line goes to `on_log`.
    /// A failed step throws docker_client::error with the daemon's message and the log's tail.
    virtual net::awaitable<build_result> build_image(build_options options,
                                                     build_log_callback on_log) = 0;
};

}  // namespace docker_client
