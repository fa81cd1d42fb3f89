// libFuzzer target: the pre-signature scan (peek_string_member), against a DOM lookup of the
// same text. Input: the body. See tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "intake/json_peek.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto peeked = agent::peek_string_member(body, "repository", "full_name");
    if (peeked && peeked->size() > agent::json_peek_limits::max_value_bytes) {
        std::abort();
    }
    // Where the text is valid JSON, an answer must be the one a full parse finds.
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if (peeked && !doc.HasParseError()) {
        if (!doc.IsObject()) {
            std::abort();
        }
        const auto repo = doc.FindMember("repository");
        if (repo == doc.MemberEnd() || !repo->value.IsObject()) {
            std::abort();
        }
        const auto name = repo->value.FindMember("full_name");
        if (name == repo->value.MemberEnd() || !name->value.IsString() ||
            std::string_view(name->value.GetString(), name->value.GetStringLength()) != *peeked) {
            std::abort();
        }
    }
    return 0;
}
