#pragma once

#include <chrono>
#include <thread>

namespace test {

/// Polls `probe` every 200 ms until it returns true or `limit` passes; returns its last answer.
/// For outcomes that happen after an answer (a deploy runs after its 202), never for timing.
template <class Probe>
bool eventually(Probe probe, std::chrono::seconds limit = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (probe()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return probe();
}

/// A CMD for test images: a shell loop that ends at once on SIGTERM, so stops take no grace.
inline constexpr const char* quick_stop_cmd =
    R"(CMD ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"])";

}  // namespace test
