#include "intake/json_peek.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace agent {
namespace {

// SAX handler: every callback returns false to stop the parse once the answer is known.
class peek_handler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, peek_handler> {
public:
    peek_handler(std::string_view object, std::string_view member)
        : object_(object), member_(member) {}

    std::optional<std::string> found;

    bool Default() {  // a scalar value
        if (depth_ == 1 && key_ == object_) {
            return false;  // the object member is not an object
        }
        return true;
    }
    bool String(const char* s, rapidjson::SizeType length, bool) {
        if (inside_ && depth_ == 2 && key_ == member_) {
            found.emplace(s, length);
            return false;
        }
        return Default();
    }
    bool StartObject() {
        if (depth_ == 1 && key_ == object_) {
            inside_ = true;
        }
        ++depth_;
        key_.clear();
        return true;
    }
    bool Key(const char* s, rapidjson::SizeType length, bool) {
        if (depth_ == 1 || (inside_ && depth_ == 2)) {
            key_.assign(s, length);
        }
        return true;
    }
    bool EndObject(rapidjson::SizeType) {
        if (inside_ && depth_ == 2) {
            return false;  // the object ended without the member
        }
        --depth_;
        key_.clear();
        return true;
    }
    bool StartArray() {
        if (depth_ == 0 || (depth_ == 1 && key_ == object_)) {  // a root array, or not an object
            return false;
        }
        ++depth_;
        key_.clear();
        return true;
    }
    bool EndArray(rapidjson::SizeType) {
        --depth_;
        key_.clear();
        return true;
    }
private:
    std::string_view object_;
    std::string_view member_;
    std::string key_;  // the last key seen at the level that matters
    int depth_ = 0;
    bool inside_ = false;
};

}  // namespace

std::optional<std::string> peek_string_member(std::string_view json, std::string_view object,
                                              std::string_view member) {
    peek_handler handler(object, member);
    rapidjson::MemoryStream stream(json.data(), json.size());
    rapidjson::Reader reader;
    reader.Parse<rapidjson::kParseIterativeFlag>(stream, handler);
    return handler.found;
}

}  // namespace agent
