#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent {

/// An IPv4 or IPv6 address as 16 bytes; IPv4 (and IPv4-mapped IPv6, ::ffff:a.b.c.d) is held
/// as IPv4 so that "10.0.0.0/8" matches a peer the kernel reports as "::ffff:10.1.2.3".
struct ip_address {
    std::array<std::uint8_t, 16> bytes{};
    bool v4 = false;  ///< when true only bytes[0..3] are used
};

/// Parses "192.0.2.1", "2001:db8::1" or "::ffff:192.0.2.1" (an optional "[...]" and a zone
/// "%eth0" are accepted and ignored); nullopt when it is not an address.
std::optional<ip_address> parse_ip_address(std::string_view text);

/// One network: an address and a prefix length.
struct cidr_block {
    ip_address network;  ///< host bits are cleared
    unsigned prefix = 0;

    /// True when `address` is in this network (an IPv4 block never holds an IPv6 address).
    bool contains(const ip_address& address) const;
};

/// Parses "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128). Host bits set
/// below the prefix ("10.1.2.3/8") are accepted and cleared. Nullopt when malformed.
std::optional<cidr_block> parse_cidr(std::string_view text);

/// A set of networks, e.g. the trusted proxies or an endpoint's allowed sources.
class cidr_list {
public:
    cidr_list() = default;
    explicit cidr_list(std::vector<cidr_block> blocks) : blocks_(std::move(blocks)) {}

    /// Parses a comma (or space) separated list; empty text gives an empty list.
    /// Throws std::invalid_argument naming the first malformed entry.
    static cidr_list parse(std::string_view text);

    bool contains(const ip_address& address) const;
    /// False too when `address` is not an IP address.
    bool contains(std::string_view address) const;
    bool empty() const { return blocks_.empty(); }
    /// "10.0.0.0/8, ::1/128"
    std::string describe() const;

private:
    std::vector<cidr_block> blocks_;
};

/// A named allow-list of source networks, e.g. the one an environment variable configures.
struct access_list {
    std::string name;  ///< for the log, e.g. the variable it was read from
    cidr_list allowed;
};

/// The first list in `names` (a route's route_limits::access, most specific first) that `lists`
/// holds, or nullptr: no list applies and every source is allowed.
const access_list* find_access_list(const std::vector<access_list>& lists,
                                    const std::vector<std::string>& names);

/// The address a request comes from, for logs and allow-lists: when `peer` is in
/// `trusted_proxies`, the value of CF-Connecting-IP if it is an address, else the right-most
/// X-Forwarded-For entry that is not itself a trusted proxy (the left-most entries are whatever
/// the client wrote); otherwise, and whenever those headers hold no address, `peer` itself.
/// Header pointers may be null.
std::string resolve_client_address(std::string_view peer, const cidr_list& trusted_proxies,
                                   const std::string* cf_connecting_ip,
                                   const std::string* x_forwarded_for);

}  // namespace agent
