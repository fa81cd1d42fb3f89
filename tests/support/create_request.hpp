#pragma once

// Create requests written as JSON in a test, and documents shown as text in its assertions.

#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "docker_client/types.hpp"

namespace test {

/// The create request whose body is `json`, a JSON object written by the test.
docker_client::container_create_request create_request(std::string_view json);

/// `value` written as compact JSON text; "(none)" for a null document.
std::string json_text(const rapidjson::Value& value);
std::string json_text(const docker_client::json_document& doc);

}  // namespace test
