#include "support/create_request.hpp"

#include <memory>
#include <stdexcept>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace test {

docker_client::container_create_request create_request(std::string_view json) {
    auto doc = std::make_shared<rapidjson::Document>();
    doc->Parse(json.data(), json.size());
    if (doc->HasParseError() || !doc->IsObject()) {
        throw std::invalid_argument("a test's create request is not a JSON object: " +
                                    std::string(json));
    }
    return {std::move(doc)};
}

std::string json_text(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
}

std::string json_text(const docker_client::json_document& doc) {
    return doc ? json_text(*doc) : "(none)";
}

}  // namespace test
