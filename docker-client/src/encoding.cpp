#include "encoding.hpp"

#include <charconv>
#include <utility>

#include <openssl/evp.h>

#include "docker_client/error.hpp"

namespace docker_client::detail {

namespace {
bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
}  // namespace

std::string percent_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(c);
        } else {
            auto u = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 0x0F]);
        }
    }
    return out;
}

std::string base64url(std::string_view bytes) {
    // EVP_EncodeBlock writes 4 characters per 3 bytes (padded) and a terminating NUL.
    std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                       reinterpret_cast<const unsigned char*>(bytes.data()),
                                       static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(length));
    for (char& c : out) {
        if (c == '+') {
            c = '-';
        } else if (c == '/') {
            c = '_';
        }
    }
    return out;
}

void check_container_ref(std::string_view name) {
    bool ok = !name.empty() && name.size() <= 128 && is_alnum(name.front());
    for (char c : name) {
        ok = ok && (is_alnum(c) || c == '_' || c == '.' || c == '-');
    }
    if (!ok) {
        throw error(0, "", "invalid container name or id '" + std::string(name) + "'");
    }
}

void check_image_ref(std::string_view reference) {
    bool ok = !reference.empty() && reference.size() <= 512 && is_alnum(reference.front());
    for (char c : reference) {
        ok = ok &&
             (is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '/' || c == ':' || c == '@');
    }
    if (!ok) {
        throw error(0, "", "invalid image reference '" + std::string(reference) + "'");
    }
}

void check_signal(std::string_view signal) {
    bool ok = !signal.empty() && signal.size() <= 32;
    for (char c : signal) {
        ok = ok && (is_alnum(c) || c == '+');
    }
    if (!ok) {
        throw error(0, "", "invalid signal '" + std::string(signal) + "'");
    }
}

void check_object_name(std::string_view name, const char* what) {
    bool ok = !name.empty() && name.size() <= 128 && is_alnum(name.front());
    for (char c : name) {
        ok = ok && (is_alnum(c) || c == '_' || c == '.' || c == '-');
    }
    if (!ok) {
        throw error(0, "",
                    std::string("invalid ") + what + " name or id '" + std::string(name) + "'");
    }
}

int compare_api_versions(std::string_view a, std::string_view b) {
    auto parse = [](std::string_view v) {
        int major = 0;
        int minor = 0;
        auto dot = v.find('.');
        std::from_chars(v.data(), v.data() + (dot == std::string_view::npos ? v.size() : dot),
                        major);
        if (dot != std::string_view::npos) {
            std::from_chars(v.data() + dot + 1, v.data() + v.size(), minor);
        }
        return std::pair{major, minor};
    };
    auto pa = parse(a);
    auto pb = parse(b);
    if (pa == pb) {
        return 0;
    }
    return pa < pb ? -1 : 1;
}

}  // namespace docker_client::detail
