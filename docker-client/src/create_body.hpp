#pragma once

#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

namespace docker_client::detail {

/// A container create body made fit for the negotiated API version.
struct adapted_create {
    std::string body;  ///< what to POST to /containers/create
    /// Networks to connect after the create (network name, EndpointSettings JSON): below API 1.44
    /// the daemon accepts one entry in NetworkingConfig.EndpointsConfig only.
    std::vector<std::pair<std::string, std::string>> connect_after;
};

/// `body` adapted to `api_version` and written as text (the only time a create request is
/// written). Throws docker_client::error (status 0) naming the field and the API version it
/// needs when a field cannot be adapted, and when `body` is not a JSON object.
adapted_create adapt_create_body(const rapidjson::Value& body, const std::string& api_version);

}  // namespace docker_client::detail
