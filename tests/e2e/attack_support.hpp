// What every attack test of the front door checks around its attack: the agent stays up, a
// /healthz prober on its own connections is answered throughout, peak memory stays under
// 64 MB and the log grows by a bounded number of lines.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "support/agent_process.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"

namespace attack {

using namespace std::chrono_literals;

inline constexpr std::size_t peak_rss_bound_kb = 64 * 1024;

/// The agent under attack, with one app and a webhook secret.
struct target {
    test::agent_process process;
    explicit target(std::map<std::string, std::string> env = {})
        : process({"serve", "--manifest",
                   test::write_temp_file("manifest.yaml",
                                         "version: 1\napps:\n  web:\n    image: busybox:latest\n"
                                         "    strategy: restart\n"),
                   "--listen", "127.0.0.1:0"},
                  with_defaults(std::move(env))) {}
    static std::map<std::string, std::string> with_defaults(
        std::map<std::string, std::string> env) {
        env.emplace("WEBHOOK_SECRET", "attack-secret");
        env.emplace(
            "DATA_DIR",
            std::filesystem::path(test::write_temp_file("data/.keep", "")).parent_path().string());
        return env;
    }
    unsigned short port() { return process.port(); }

    /// VmHWM of the agent, in kB (0 when unreadable).
    std::size_t peak_rss_kb() const {
        std::ifstream status("/proc/" + std::to_string(process.pid()) + "/status");
        std::string line;
        while (std::getline(status, line)) {
            if (line.rfind("VmHWM:", 0) == 0) {
                return std::stoul(line.substr(6));
            }
        }
        return 0;
    }
    std::size_t log_lines() const {
        const std::string log = process.log();
        return static_cast<std::size_t>(std::count(log.begin(), log.end(), '\n'));
    }
    std::size_t longest_log_line() const {
        const std::string log = process.log();
        std::size_t longest = 0;
        for (std::size_t at = 0; at < log.size();) {
            const std::size_t end = std::min(log.find('\n', at), log.size());
            longest = std::max(longest, end - at);
            at = end + 1;
        }
        return longest;
    }
};

/// Asks GET /healthz every 200 ms, each time on a new connection that asks at once, until
/// destroyed; counts the answers.
class prober {
  public:
    explicit prober(unsigned short port) : thread_([this, port] { run(port); }) {}
    ~prober() { stop(); }
    prober(const prober&) = delete;
    prober& operator=(const prober&) = delete;
    /// Stops after at least one probe has been answered or failed (waiting at most 30 s).
    void stop() {
        for (int i = 0; i < 300 && done_ == 0; ++i) {
            std::this_thread::sleep_for(100ms);
        }
        stop_ = true;
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    unsigned asked() const { return done_; }
    unsigned answered() const { return answered_; }

  private:
    std::atomic<bool> stop_{false};
    std::atomic<unsigned> answered_{0};
    std::atomic<unsigned> done_{0};
    std::thread thread_;

    void run(unsigned short port) {
        while (!stop_) {
            try {
                if (test::http_request(port, "GET", "/healthz").status == 200) {
                    ++answered_;
                }
            } catch (const std::exception&) {
                // Not answered: counted as asked only.
            }
            ++done_;
            std::this_thread::sleep_for(200ms);
        }
    }
};

/// Sends `request` on a new connection and reads until the agent closes it (at most `wait`).
inline std::string answer_to(unsigned short port, const std::string& request,
                             std::chrono::milliseconds wait = 5s) {
    test::raw_connection c(port);
    c.send_text(request);
    std::string got;
    CHECK(c.read_until_closed(got, wait));
    return got;
}

/// The agent's peak RSS stayed under peak_rss_bound_kb. In the sanitizer build the figure is
/// AddressSanitizer's (shadow memory and a 256 MB quarantine of freed blocks), not the agent's:
/// it is reported there, and the bound is held by the plain build's run of the same test.
inline void check_peak_rss(const target& agent) {
#ifdef DA_SANITIZED
    WARN("peak RSS under AddressSanitizer: " << agent.peak_rss_kb()
                                             << " kB (the bound applies to the plain build)");
#else
    CHECK(agent.peak_rss_kb() < peak_rss_bound_kb);
#endif
}

}  // namespace attack
