// The accept loop: listening, MAX_CONNECTIONS (evicting idle connections first) and the
// client-line budget's summaries. One connection's life is in session.cpp.
#include "http/server.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "http/line_budget.hpp"
#include "http/server_state.hpp"
#include "http/session_io.hpp"
#include "metrics/agent_metrics.hpp"

namespace agent {

using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {
// Descriptors beyond max_connections: lingering refusals and the agent's own files and sockets.
constexpr std::size_t spare_descriptors = 64 + 128;
}  // namespace

http_server::state::state(net::any_io_executor ex, server_options opts, router r)
    : executor(ex),
      options(std::move(opts)),
      routes(std::move(r)),
      acceptor(ex),
      bodies(options.max_inflight_body_bytes),
      log_budget(options.log_budget ? options.log_budget
                                    : std::make_shared<client_log_budget>("client errors")) {}

bool http_server::state::may_log(std::string_view client, std::string_view code) {
    if (log_budget->admit(clock_type::now(), client, code)) {
        return true;
    }
    sum_up_client_lines_on(executor, log_budget);
    return false;
}

void http_server::state::count_refusal(std::string_view reason) {
    if (options.metrics != nullptr) {
        options.metrics->refused_connections.increment({std::string(reason)});
    }
}

void http_server::state::count_request(std::string_view path, unsigned status,
                                       clock_type::time_point start) {
    if (options.metrics == nullptr) {
        return;
    }
    const std::string label(metrics::metric_path(path));
    options.metrics->http_requests.increment({label, std::to_string(status)});
    options.metrics->request_duration.observe(
        {label}, std::chrono::duration<double>(clock_type::now() - start).count());
}

namespace {

// Each connection holds one descriptor; a low soft limit (1024 is common) would make accept
// fail with EMFILE long before max_connections.
void raise_open_file_limit(std::size_t max_connections) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return;
    }
    const rlim_t wanted = static_cast<rlim_t>(max_connections + spare_descriptors);
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        const rlim_t before = limit.rlim_cur;
        limit.rlim_cur =
            limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
        if (setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < wanted) {
            spdlog::warn(
                "open-file limit is {} (hard limit, raised from {}): fewer than the {} "
                "MAX_CONNECTIONS need; raise it (ulimit -n / --ulimit nofile=)",
                limit.rlim_cur, before, max_connections);
        }
    }
}

// At a cap (one peer's, then all), room is made by evicting the oldest connection with no
// request in progress, else the oldest stalled on writing; only when there is none is the new
// one refused (503), and that line is budgeted.
bool make_room(http_server::state& s, const tcp::socket& socket) {
    boost::system::error_code ec;
    const auto ep = socket.remote_endpoint(ec);
    const std::string peer = ec ? "unknown" : ep.address().to_string();
    const auto now = clock_type::now();
    // A write that has not moved for this long makes its connection evictable at the caps: a
    // second, or half the stall limit when that is shorter (it ends the connection anyway).
    const clock_type::duration write_stalled =
        std::min<clock_type::duration>(std::chrono::seconds(1), s.options.write_stall_timeout / 2);
    const bool proxy = !ec && s.options.trusted_proxies.contains(std::string_view(peer));
    if (!proxy && s.connections.open_from(peer) >= s.options.max_connections_per_client) {
        if (!s.connections.evict_oldest_idle(now, write_stalled, &peer)) {
            if (s.may_log(peer, "503 max_connections_per_client")) {
                spdlog::warn(
                    "{} connection refused: {} connections open from it, each with a request in "
                    "progress (MAX_CONNECTIONS_PER_CLIENT {})",
                    peer, s.connections.open_from(peer), s.options.max_connections_per_client);
            }
            s.count_refusal("max_connections_per_client");
            return false;
        }
        s.count_refusal("evicted_idle");
    }
    if (s.connections.open() < s.options.max_connections) {
        return true;
    }
    if (s.connections.evict_oldest_idle(now, write_stalled)) {
        s.count_refusal("evicted_idle");
        return true;
    }
    if (s.may_log(peer, "503 max_connections")) {
        spdlog::warn(
            "{} connection refused: {} connections open, each with a request in "
            "progress (MAX_CONNECTIONS {})",
            peer, s.connections.open(), s.options.max_connections);
    }
    s.count_refusal("max_connections");
    return false;
}

}  // namespace

http_server::http_server(net::any_io_executor executor, server_options options, router routes)
    : state_(std::make_shared<state>(std::move(executor), std::move(options), std::move(routes))) {}

http_server::~http_server() {
    stop();
}

unsigned short http_server::listen() {
    raise_open_file_limit(state_->options.max_connections);
    // Request bodies are large, short-lived buffers. glibc raises its mmap threshold to the size
    // of each large block freed, after which the next bodies come from the heap and stay
    // resident once freed; a fixed threshold gives every large body back to the system.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    auto& a = state_->acceptor;
    tcp::endpoint endpoint{net::ip::make_address(state_->options.address), state_->options.port};
    a.open(endpoint.protocol());
    a.set_option(net::socket_base::reuse_address(true));
    boost::system::error_code ec;
    a.bind(endpoint, ec);
    if (ec) {
        throw std::system_error(ec, "cannot listen on " + state_->options.address + ":" +
                                        std::to_string(state_->options.port));
    }
    a.listen(net::socket_base::max_listen_connections);
    return a.local_endpoint().port();
}

net::awaitable<void> http_server::run() {
    auto s = state_;
    while (s->acceptor.is_open()) {
        auto [ec, socket] = co_await s->acceptor.async_accept(use_nothrow);
        if (ec == net::error::operation_aborted || !s->acceptor.is_open()) {
            break;
        }
        if (ec) {
            // EMFILE and friends: back off briefly rather than spin.
            if (s->may_log("-", "accept_failed")) {
                spdlog::warn("accept failed: {}", ec.message());
            }
            net::steady_timer t(s->executor, std::chrono::milliseconds(50));
            co_await t.async_wait(use_nothrow);
            continue;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (!make_room(*s, socket)) {
            net::co_spawn(s->executor, refuse_busy(std::move(socket), s), net::detached);
            continue;
        }
        boost::system::error_code peer_ec;
        const auto peer = socket.remote_endpoint(peer_ec);
        const auto slot = s->connections.add(peer_ec ? "unknown" : peer.address().to_string());
        net::co_spawn(s->executor, run_session(std::move(socket), s, slot), net::detached);
    }
}

void http_server::stop() {
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
}

}  // namespace agent
