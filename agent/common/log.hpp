#pragma once

#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace agent {

/// Configures the default logger: `level` is trace|debug|info|warn|error (LOG_LEVEL),
/// `format` is text|json (LOG_FORMAT). Writes to stderr. Unknown values fall back to info/text
/// and say so.
void init_logging(std::string_view level, std::string_view format);

}  // namespace agent

// fmt 9 cannot format std::error_code by itself.
template <>
struct fmt::formatter<std::error_code> : fmt::formatter<std::string_view> {
    template <class Context>
    auto format(const std::error_code& ec, Context& ctx) const {
        return fmt::formatter<std::string_view>::format(ec.message(), ctx);
    }
};
