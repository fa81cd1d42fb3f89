// Accepted-and-recorded deliveries per second: one transaction per delivery (store::record_delivery
// from every submitter) against group commit (group_committer), with the same durability
// (WAL, synchronous=FULL), in one run. Prints a table and the ratio; asserts nothing.
//
//   store_bench [--seconds S] [--data-dir DIR]
//
// DIR must be on the disk the agent would use: on tmpfs an fsync costs nothing and the
// comparison says little (the bench warns).

#include <sys/vfs.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "store/group_commit.hpp"
#include "store/store.hpp"

namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;
using bench_clock = std::chrono::steady_clock;

struct result {
    double per_second = 0;
    double average_batch = 1;
};

agent::delivery_record delivery(std::int64_t n) {
    return {"", "github", "push", "accepted", "matched owner/web refs/heads/main", n};
}

std::vector<agent::planned_job> jobs() {
    return {{"web", "deploy", "github", "0123456789abcdef0123456789abcdef01234567", "", false}};
}

// A fresh store in its own directory, removed afterwards, for each measurement.
class scratch_store {
public:
    explicit scratch_store(const fs::path& base) {
        static int counter = 0;
        dir_ = base / ("store-bench-" + std::to_string(::getpid()) + "-" +
                       std::to_string(counter++));
        agent::store_options options;
        options.data_dir = dir_.string();
        db_ = agent::store::open(options);
    }
    ~scratch_store() {
        db_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    scratch_store(const scratch_store&) = delete;
    scratch_store& operator=(const scratch_store&) = delete;
    agent::store& db() { return *db_; }

private:
    fs::path dir_;
    std::unique_ptr<agent::store> db_;
};

// `submitters` threads each call `record` in a loop until the deadline.
std::uint64_t run_threads(int submitters, std::chrono::duration<double> length,
                          const std::function<void(std::int64_t)>& record) {
    std::atomic<std::uint64_t> done{0};
    std::atomic<bool> go{false};
    auto deadline = bench_clock::now() + std::chrono::duration_cast<bench_clock::duration>(length);
    std::vector<std::thread> threads;
    for (int t = 0; t < submitters; ++t) {
        threads.emplace_back([&, t] {
            while (!go.load()) {
                std::this_thread::yield();
            }
            std::int64_t n = t;
            while (bench_clock::now() < deadline) {
                record(n++);
                ++done;
            }
        });
    }
    go = true;
    for (auto& thread : threads) {
        thread.join();
    }
    return done.load();
}

result one_transaction_each(const fs::path& base, int submitters,
                            std::chrono::duration<double> length) {
    scratch_store scratch(base);
    auto& db = scratch.db();
    auto start = bench_clock::now();
    auto count = run_threads(submitters, length,
                             [&db](std::int64_t n) { db.record_delivery(delivery(n), jobs()); });
    std::chrono::duration<double> took = bench_clock::now() - start;
    return {static_cast<double>(count) / took.count(), 1};
}

result group_commit_threads(const fs::path& base, int submitters,
                            std::chrono::duration<double> length) {
    scratch_store scratch(base);
    agent::group_committer committer(scratch.db());
    auto start = bench_clock::now();
    auto count = run_threads(submitters, length, [&committer](std::int64_t n) {
        committer.record_delivery(delivery(n), jobs());
    });
    std::chrono::duration<double> took = bench_clock::now() - start;
    committer.stop();
    auto stats = committer.stats();
    return {static_cast<double>(count) / took.count(),
            static_cast<double>(stats.deliveries) / static_cast<double>(stats.transactions)};
}

net::awaitable<void> submit_until(agent::group_committer& committer,
                                  bench_clock::time_point deadline, std::uint64_t* done) {
    std::int64_t n = 0;
    while (bench_clock::now() < deadline) {
        co_await agent::record_delivery_async(committer, delivery(n++), jobs());
        ++*done;
    }
}

// The server's real path: coroutines on one io_context thread.
result group_commit_coroutines(const fs::path& base, int submitters,
                               std::chrono::duration<double> length) {
    scratch_store scratch(base);
    agent::group_committer committer(scratch.db());
    net::io_context context;
    std::uint64_t done = 0;
    auto start = bench_clock::now();
    auto deadline = start + std::chrono::duration_cast<bench_clock::duration>(length);
    for (int i = 0; i < submitters; ++i) {
        net::co_spawn(context, submit_until(committer, deadline, &done), net::detached);
    }
    context.run();
    std::chrono::duration<double> took = bench_clock::now() - start;
    committer.stop();
    auto stats = committer.stats();
    return {static_cast<double>(done) / took.count(),
            static_cast<double>(stats.deliveries) / static_cast<double>(stats.transactions)};
}

void warn_if_tmpfs(const fs::path& base) {
    struct statfs info {};
    constexpr long tmpfs_magic = 0x01021994;
    if (::statfs(base.c_str(), &info) == 0 && static_cast<long>(info.f_type) == tmpfs_magic) {
        std::printf("warning: %s is tmpfs: fsync is free there, the ratio understates group "
                    "commit\n",
                    base.c_str());
    }
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 1.0;
    fs::path base = "/var/tmp";
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view flag = argv[i];
        if (flag == "--seconds") {
            seconds = std::atof(argv[i + 1]);
        } else if (flag == "--data-dir") {
            base = argv[i + 1];
        } else {
            std::fprintf(stderr, "usage: store_bench [--seconds S] [--data-dir DIR]\n");
            return 2;
        }
    }
    std::chrono::duration<double> length(seconds);
    warn_if_tmpfs(base);
    std::printf("store_bench: %.1f s per measurement, WAL + synchronous=FULL, in %s\n\n", seconds,
                base.c_str());
    std::printf("%-28s %11s %18s %18s %7s %9s\n", "submitters", "concurrency",
                "one tx/delivery/s", "group commit/s", "ratio", "avg batch");
    try {
        for (int submitters : {16, 64}) {
            auto single = one_transaction_each(base, submitters, length);
            auto grouped = group_commit_threads(base, submitters, length);
            std::printf("%-28s %11d %18.0f %18.0f %6.1fx %9.1f\n", "threads", submitters,
                        single.per_second, grouped.per_second,
                        grouped.per_second / single.per_second, grouped.average_batch);
        }
        auto coroutines = group_commit_coroutines(base, 64, length);
        std::printf("%-28s %11d %18s %18.0f %7s %9.1f\n", "coroutines, one io_context", 64, "-",
                    coroutines.per_second, "-", coroutines.average_batch);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "store_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
