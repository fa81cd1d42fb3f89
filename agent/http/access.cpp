#include "http/access.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <stdexcept>

#include "common/text.hpp"

namespace agent {

namespace {

bool is_v4_mapped(const std::array<std::uint8_t, 16>& b) {
    for (std::size_t i = 0; i < 10; ++i) {
        if (b[i] != 0) {
            return false;
        }
    }
    return b[10] == 0xff && b[11] == 0xff;
}

bool prefix_equal(const ip_address& a, const ip_address& b, unsigned prefix) {
    const unsigned whole = prefix / 8;
    for (unsigned i = 0; i < whole; ++i) {
        if (a.bytes[i] != b.bytes[i]) {
            return false;
        }
    }
    const unsigned rest = prefix % 8;
    if (rest == 0) {
        return true;
    }
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

}  // namespace

std::optional<ip_address> parse_ip_address(std::string_view text) {
    text = trim(text);
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        text = text.substr(1, text.size() - 2);
    }
    if (auto zone = text.find('%'); zone != std::string_view::npos) {
        text = text.substr(0, zone);
    }
    // INET6_ADDRSTRLEN is 46; anything longer is not an address.
    if (text.empty() || text.size() > 45) {
        return std::nullopt;
    }
    const std::string z(text);
    ip_address out;
    if (z.find(':') == std::string::npos) {
        in_addr v4{};
        if (inet_pton(AF_INET, z.c_str(), &v4) != 1) {
            return std::nullopt;
        }
        const auto* p = reinterpret_cast<const std::uint8_t*>(&v4.s_addr);
        std::copy(p, p + 4, out.bytes.begin());
        out.v4 = true;
        return out;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, z.c_str(), &v6) != 1) {
        return std::nullopt;
    }
    std::copy(v6.s6_addr, v6.s6_addr + 16, out.bytes.begin());
    if (is_v4_mapped(out.bytes)) {
        std::array<std::uint8_t, 16> v4{};
        std::copy(out.bytes.begin() + 12, out.bytes.end(), v4.begin());
        out.bytes = v4;
        out.v4 = true;
    }
    return out;
}

bool cidr_block::contains(const ip_address& address) const {
    return address.v4 == network.v4 && prefix_equal(network, address, prefix);
}

std::optional<cidr_block> parse_cidr(std::string_view text) {
    text = trim(text);
    std::string_view addr = text;
    std::optional<unsigned> prefix;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        addr = text.substr(0, slash);
        std::string_view digits = text.substr(slash + 1);
        unsigned value = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty()) {
            return std::nullopt;
        }
        prefix = value;
    }
    auto ip = parse_ip_address(addr);
    if (!ip) {
        return std::nullopt;
    }
    // "::ffff:10.0.0.0/104" is the IPv4 block 10.0.0.0/8.
    const bool mapped = ip->v4 && addr.find(':') != std::string_view::npos;
    unsigned max = ip->v4 ? 32 : 128;
    unsigned bits = prefix.value_or(mapped ? 128 : max);
    if (mapped) {
        if (bits < 96 || bits > 128) {
            return std::nullopt;
        }
        bits -= 96;
    } else if (bits > max) {
        return std::nullopt;
    }
    cidr_block block;
    block.prefix = bits;
    block.network = *ip;
    for (unsigned i = 0; i < 16; ++i) {
        const unsigned start = i * 8;
        if (start >= bits) {
            block.network.bytes[i] = 0;
        } else if (start + 8 > bits) {
            block.network.bytes[i] &= static_cast<std::uint8_t>(0xff << (start + 8 - bits));
        }
    }
    return block;
}

cidr_list cidr_list::parse(std::string_view text) {
    std::vector<cidr_block> blocks;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find_first_of(", ", pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view item = trim(text.substr(pos, end - pos));
        if (!item.empty()) {
            auto block = parse_cidr(item);
            if (!block) {
                throw std::invalid_argument("'" + std::string(item) +
                                            "' is not an IP address or CIDR block (e.g. "
                                            "10.0.0.0/8, 2001:db8::/32, 127.0.0.1)");
            }
            blocks.push_back(*block);
        }
        pos = end + 1;
    }
    return cidr_list(std::move(blocks));
}

bool cidr_list::contains(const ip_address& address) const {
    for (const auto& b : blocks_) {
        if (b.contains(address)) {
            return true;
        }
    }
    return false;
}

bool cidr_list::contains(std::string_view address) const {
    auto ip = parse_ip_address(address);
    return ip && contains(*ip);
}

std::string cidr_list::describe() const {
    std::string out;
    for (const auto& b : blocks_) {
        char text[INET6_ADDRSTRLEN] = {};
        inet_ntop(b.network.v4 ? AF_INET : AF_INET6, b.network.bytes.data(), text, sizeof text);
        if (!out.empty()) {
            out += ", ";
        }
        out += text;
        out += "/" + std::to_string(b.prefix);
    }
    return out;
}

const access_list* find_access_list(const std::vector<access_list>& lists,
                                    const std::vector<std::string>& names) {
    for (const auto& name : names) {
        for (const auto& list : lists) {
            if (list.name == name) {
                return &list;
            }
        }
    }
    return nullptr;
}

std::string resolve_client_address(std::string_view peer, const cidr_list& trusted_proxies,
                                   const std::string* cf_connecting_ip,
                                   const std::string* x_forwarded_for) {
    if (trusted_proxies.empty() || !trusted_proxies.contains(peer)) {
        return std::string(peer);
    }
    if (cf_connecting_ip != nullptr && parse_ip_address(*cf_connecting_ip)) {
        return std::string(trim(*cf_connecting_ip));
    }
    if (x_forwarded_for != nullptr) {
        std::string_view list = *x_forwarded_for;
        while (!list.empty()) {
            const std::size_t comma = list.rfind(',');
            const std::string_view entry =
                trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
            auto ip = parse_ip_address(entry);
            if (!ip) {
                break;  // a hop we cannot read: stop rather than trust what lies left of it
            }
            if (!trusted_proxies.contains(*ip)) {
                return std::string(entry);
            }
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(0, comma);
        }
    }
    return std::string(peer);
}

}  // namespace agent
