#include "common/hex.hpp"

namespace agent {

void append_hex(std::string& out, unsigned char byte, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0x0f]);
}

std::string to_hex(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) {
        append_hex(out, static_cast<unsigned char>(c));
    }
    return out;
}

}  // namespace agent
