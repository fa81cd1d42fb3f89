#include "intake/delivery.hpp"

#include "common/escape.hpp"
#include "common/text.hpp"

namespace agent {

const std::string* delivery_view::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return &value;
        }
    }
    return nullptr;
}

std::string delivery_view::header_names() const {
    std::string names;
    for (std::size_t i = 0; i < headers.size() && i < 40; ++i) {
        names += (i == 0 ? "" : ", ") + escape_untrusted(headers[i].first, 64);
    }
    return names.empty() ? "(none)" : names;
}

}  // namespace agent
