#include "common/log.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "common/escape.hpp"

namespace agent {

namespace {

// The message with control characters and ill-formed UTF-8 escaped, so that untrusted text inside
// a message can never start a line of its own (a last line of defence: call sites escape and
// truncate untrusted values with escape_untrusted already).
std::string_view one_line(std::string_view message, std::string& storage) {
    const bool clean = std::none_of(message.begin(), message.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (clean && is_valid_utf8(message)) {
        return message;
    }
    storage = escape_untrusted(message, message.size());
    return storage;
}

class text_message_flag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        std::string storage;
        const std::string_view text =
            one_line(std::string_view(msg.payload.data(), msg.payload.size()), storage);
        dest.append(text.data(), text.data() + text.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<text_message_flag>();
    }
};

// Writes the message as a JSON string body (quotes and control characters escaped), so that
// untrusted text inside a message cannot break the line's structure.
class json_message_flag final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        static constexpr char hex[] = "0123456789abcdef";
        std::string storage;
        for (char c : one_line(std::string_view(msg.payload.data(), msg.payload.size()), storage)) {
            auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                dest.push_back('\\');
                dest.push_back(c);
            } else if (c == '\n') {
                dest.append(std::string_view("\\n"));
            } else if (u < 0x20) {
                const char esc[] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 0xF]};
                dest.append(esc, esc + sizeof esc);
            } else {
                dest.push_back(c);
            }
        }
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<json_message_flag>();
    }
};

}  // namespace

void init_logging(std::string_view level, std::string_view format) {
    auto logger = std::make_shared<spdlog::logger>(
        "deploy-agent", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    spdlog::set_default_logger(logger);

    auto lvl = spdlog::level::from_str(std::string(level));
    bool level_known = level.empty() || lvl != spdlog::level::off || level == "off";
    spdlog::set_level(level_known && !level.empty() ? lvl : spdlog::level::info);

    bool json = format == "json";
    if (json) {
        auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        formatter->add_flag<json_message_flag>('*').set_pattern(
            R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%*"})");
        spdlog::set_formatter(std::move(formatter));
    } else {
        auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        formatter->add_flag<text_message_flag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %*");
        spdlog::set_formatter(std::move(formatter));
    }
    logger->flush_on(spdlog::level::trace);
    if (!level_known) {
        spdlog::warn("LOG_LEVEL '{}' is not one of trace|debug|info|warn|error; using info", level);
    }
    if (!format.empty() && format != "text" && !json) {
        spdlog::warn("LOG_FORMAT '{}' is not text or json; using text", format);
    }
}

}  // namespace agent
