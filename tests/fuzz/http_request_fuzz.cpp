// libFuzzer target: the server's request path without sockets: bytes → request_reader (Beast's
// parser under the server's limits), the head checks (framing, client address through trusted
// proxies, the route's allow-lists and body limit), then the request as handlers see it.
// Input: 1 byte of read-size (the bytes arrive in pieces of 1 + b bytes, as a socket splits
// them), then the bytes of one or more pipelined requests. See tests/fuzz/README.md.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "http/request_checks.hpp"
#include "http/request_reader.hpp"

namespace {

const agent::server_options& options() {
    static const agent::server_options o = [] {
        agent::server_options o;
        o.header_limit = 4096;
        o.trusted_proxies = agent::cidr_list::parse("127.0.0.0/8, ::1");
        o.access_lists.push_back({"GUARDED_CIDRS", agent::cidr_list::parse("10.0.0.0/8")});
        return o;
    }();
    return o;
}

// Routes as an assembly gives them (without a route table, which the fuzzer does not link), for
// the corpus's paths: a guarded prefix, a route that takes large bodies, the defaults elsewhere.
const agent::route_limits& limits_for(std::string_view path) {
    static const agent::route_limits guarded{std::nullopt, {"UNSET_CIDRS", "GUARDED_CIDRS"}};
    static const agent::route_limits large{1 << 20, {}};
    static const agent::route_limits plain{};
    if (path.starts_with("/api")) {
        return guarded;
    }
    return path == "/webhook" ? large : plain;
}

void use_request(const agent::http_request& r) {
    (void)r.path();
    (void)r.query_param("app");
    (void)r.header("X-Hub-Signature-256");
    (void)agent::loggable(r.target);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::size_t piece = 1 + data[0];
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    agent::request_reader reader(options().header_limit);
    for (int requests = 0; requests < 16;) {
        const auto status = reader.parse();
        if (status == agent::request_reader::status::failed) {
            (void)agent::loggable(reader.failure().detail);
            return 0;
        }
        if (status == agent::request_reader::status::head) {
            const std::string client =
                agent::client_of(reader, "127.0.0.1", options().trusted_proxies);
            (void)agent::check_framing(reader);
            const agent::route_limits& limits = limits_for(reader.path());
            (void)agent::check_admission(reader, options(), limits, client, "127.0.0.1");
            reader.set_body_limit(agent::body_limit_of(limits, options()));
            continue;
        }
        if (status == agent::request_reader::status::complete) {
            use_request(reader.take_request("127.0.0.1", "127.0.0.1"));
            reader.start();
            ++requests;
            continue;
        }
        const auto space = reader.space();
        const std::size_t n = std::min({piece, space.size(), input.size()});
        if (n == 0) {
            return 0;
        }
        std::memcpy(space.data(), input.data(), n);
        reader.commit(n);
        input.remove_prefix(n);
    }
    return 0;
}
