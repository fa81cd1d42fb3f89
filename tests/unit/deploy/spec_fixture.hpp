#pragma once

// Recorded inspect JSON (tests/fixtures/recreate, made by its record.sh from a real engine) and
// helpers to build and read the new container's spec in the unit tests.

#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "deploy/container_spec.hpp"
#include "docker_client/inspect.hpp"
#include "support/create_request.hpp"

namespace spec_test {

inline std::string fixture(const std::string& name) {
    std::ifstream in(std::string(DA_SOURCE_DIR) + "/tests/fixtures/recreate/" + name);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The inputs of a recreate of fixture container `kind` (defaults, custom, entrypoint, netmode)
/// from fx/app:old to fx/app:new.
inline agent::spec_inputs inputs(const std::string& kind) {
    return agent::spec_inputs{
        docker_client::container_info_from_json(fixture("container_" + kind + ".json")),
        docker_client::image_info_from_json(fixture("old_image.json")),
        docker_client::image_info_from_json(fixture("new_image.json")),
        "fx/app:new",
        {{"io.deploy-agent.app", "web"}, {"io.deploy-agent.deployment", "7"}},
        {},
        {}};
}

inline rapidjson::Document parse(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

/// The body of the create request built from `in`.
inline docker_client::json_document spec_of(const agent::spec_inputs& in) {
    auto body = agent::build_container_spec(in).body;
    REQUIRE(body != nullptr);
    return body;
}

/// The value at JSON pointer `path` ("/HostConfig/Memory"), or nullptr.
inline const rapidjson::Value* at(const rapidjson::Value& doc, const char* path) {
    return rapidjson::Pointer(path).Get(doc);
}
inline const rapidjson::Value* at(const docker_client::json_document& doc, const char* path) {
    return at(*doc, path);
}

inline std::string json(const rapidjson::Value* v) {
    if (v == nullptr) {
        return "(absent)";
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    v->Accept(writer);
    return buffer.GetString();
}

/// JSON text of the spec's value at `path`, "(absent)" when missing.
inline std::string spec_value(const agent::spec_inputs& in, const char* path) {
    return json(at(spec_of(in), path));
}

/// `text` with the value at JSON pointer `path` replaced by the JSON `value`.
inline std::string edited(const std::string& text, const char* path, const std::string& value) {
    auto doc = parse(text);
    rapidjson::Document v(&doc.GetAllocator());
    v.Parse(value.c_str());
    REQUIRE_FALSE(v.HasParseError());
    rapidjson::Pointer(path).Set(doc, v, doc.GetAllocator());
    return json(&doc);
}

/// `old` with the value at JSON pointer `path` of its inspect answer replaced by the JSON
/// `value`, read again as the client reads an answer.
inline docker_client::container_info edited(const docker_client::container_info& old,
                                            const char* path, const std::string& value) {
    return docker_client::container_info_from_json(
        edited(test::json_text(old.document), path, value));
}

}  // namespace spec_test
