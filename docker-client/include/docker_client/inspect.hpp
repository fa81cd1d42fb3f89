#pragma once

#include <string_view>

#include "docker_client/types.hpp"

namespace docker_client {

/// An inspect answer made a value: the client reads each answer of the engine through these,
/// and so can a fake engine or a recorded answer. The text is parsed once, into the value's
/// `document`, and the typed fields are read from it. Throws docker_client::error (status 0)
/// when the text is not a JSON object.
container_info container_info_from_json(std::string_view text);
image_info image_info_from_json(std::string_view text);

}  // namespace docker_client
