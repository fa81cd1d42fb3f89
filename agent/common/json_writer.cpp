#include "common/json_writer.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/escape.hpp"

namespace agent {

struct json_writer::impl {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
};

json_writer::json_writer() : impl_(std::make_unique<impl>()) {}
json_writer::~json_writer() = default;

json_writer& json_writer::begin_object() {
    impl_->writer.StartObject();
    return *this;
}
json_writer& json_writer::end_object() {
    impl_->writer.EndObject();
    return *this;
}
json_writer& json_writer::begin_array() {
    impl_->writer.StartArray();
    return *this;
}
json_writer& json_writer::end_array() {
    impl_->writer.EndArray();
    return *this;
}
json_writer& json_writer::key(std::string_view name) {
    if (!is_valid_utf8(name)) {
        const std::string escaped = escape_untrusted(name, name.size());
        impl_->writer.Key(escaped.data(), static_cast<rapidjson::SizeType>(escaped.size()));
        return *this;
    }
    impl_->writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    return *this;
}
json_writer& json_writer::string(std::string_view value) {
    // Text from payloads may be any bytes; the answer must stay valid JSON (UTF-8).
    if (!is_valid_utf8(value)) {
        const std::string escaped = escape_untrusted(value, value.size());
        impl_->writer.String(escaped.data(), static_cast<rapidjson::SizeType>(escaped.size()));
        return *this;
    }
    impl_->writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
}
json_writer& json_writer::boolean(bool value) {
    impl_->writer.Bool(value);
    return *this;
}
json_writer& json_writer::integer(std::int64_t value) {
    impl_->writer.Int64(value);
    return *this;
}
json_writer& json_writer::number(double value) {
    impl_->writer.Double(value);
    return *this;
}
json_writer& json_writer::null() {
    impl_->writer.Null();
    return *this;
}
json_writer& json_writer::raw(std::string_view json) {
    impl_->writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
}

std::string json_writer::take() {
    std::string out(impl_->buffer.GetString(), impl_->buffer.GetSize());
    impl_->buffer.Clear();
    impl_->writer.Reset(impl_->buffer);
    return out;
}

}  // namespace agent
