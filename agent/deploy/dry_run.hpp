#pragma once

#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "docker_client/docker_api.hpp"
#include "manifest/manifest.hpp"

namespace agent {

/// `POST /api/apps/{app}/deploy?dry_run=1`: the plan and the config diff as the API's JSON
/// (`{"success":true,"dry_run":true,"app","container","action","image","compared_with","note",
/// "changes":[{"field","before","after"}]}`), or an error body. Returns (HTTP status, body):
/// 200, or 409 when the app's container cannot be resolved, 502 for an engine failure. Touches
/// nothing; never throws.
boost::asio::awaitable<std::pair<unsigned, std::string>> dry_run_answer(
    docker_client::docker_api& docker, app_spec app);

}  // namespace agent
