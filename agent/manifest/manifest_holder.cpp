#include "manifest/manifest_holder.hpp"

#include <sys/stat.h>

#include <csignal>
#include <functional>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"

namespace agent {
namespace {

namespace net = boost::asio;
constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);

std::string app_names(const manifest& m) {
    std::string names;
    for (const auto& app : m.apps) {
        names += names.empty() ? "" : ", ";
        names += app.name;
    }
    return names;
}

std::size_t content_hash(std::string_view content) {
    return std::hash<std::string_view>{}(content);
}

// Reloads on every SIGHUP until cancelled.
net::awaitable<void> reload_on_sighup(manifest_holder& holder) {
    net::signal_set signals(co_await net::this_coro::executor, SIGHUP);
    while (true) {
        auto [ec, signal_number] = co_await signals.async_wait(use_nothrow);
        if (ec) {
            co_return;
        }
        spdlog::info("manifest {}: SIGHUP received, reloading", holder.path());
        holder.reload();
    }
}

// Polls the file: inotify would miss edits through bind mounts and swapped ConfigMap symlinks,
// and a stat plus a read of a few kilobytes per interval costs nothing.
net::awaitable<void> reload_on_change(manifest_holder& holder,
                                      std::chrono::milliseconds poll_interval) {
    net::steady_timer timer(co_await net::this_coro::executor);
    while (true) {
        timer.expires_after(poll_interval);
        auto [ec] = co_await timer.async_wait(use_nothrow);
        if (ec) {
            co_return;
        }
        if (holder.file_changed()) {
            spdlog::info("manifest {}: file changed, reloading", holder.path());
            holder.reload();
        }
    }
}

}  // namespace

manifest_holder::manifest_holder(std::string path)
    : path_(std::move(path)), seen_(fingerprint_of(path_)) {
    current_ = std::make_shared<const manifest>(load_manifest(path_));
}

manifest_holder::manifest_holder(manifest initial)
    : path_(initial.source_path),
      current_(std::make_shared<const manifest>(std::move(initial))),
      seen_(fingerprint_of(path_)) {}

std::shared_ptr<const manifest> manifest_holder::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

manifest_holder::file_fingerprint manifest_holder::fingerprint_of(const std::string& path) {
    file_fingerprint fingerprint;
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return fingerprint;
    }
    fingerprint.exists = true;
    fingerprint.mtime_ns =
        static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    fingerprint.size = static_cast<std::int64_t>(info.st_size);
    try {
        fingerprint.content_hash = content_hash(read_manifest_file(path));
    } catch (const manifest_error&) {
        fingerprint.content_hash = 0;
    }
    return fingerprint;
}

bool manifest_holder::file_changed() const {
    file_fingerprint now = fingerprint_of(path_);
    std::lock_guard lock(mutex_);
    return !(now == seen_);
}

bool manifest_holder::reload() {
    // The fingerprint is taken before parsing so that an invalid file is not retried (and its
    // problems not logged again) until it changes.
    file_fingerprint fingerprint = fingerprint_of(path_);
    std::shared_ptr<const manifest> previous = current();
    try {
        auto loaded = std::make_shared<const manifest>(load_manifest(path_));
        std::size_t count = loaded->apps.size();
        std::string names = app_names(*loaded);
        {
            std::lock_guard lock(mutex_);
            current_ = std::move(loaded);
            seen_ = fingerprint;
        }
        spdlog::info("manifest {}: loaded {} app{} ({})", path_, count, count == 1 ? "" : "s",
                     names);
        return true;
    } catch (const manifest_error& e) {
        for (const auto& problem : e.problems()) {
            spdlog::error("{}", problem);
        }
        spdlog::error("manifest {}: invalid, keeping the previous manifest ({} app{})", path_,
                      previous->apps.size(), previous->apps.size() == 1 ? "" : "s");
    } catch (const std::exception& e) {
        spdlog::error("manifest {}: reload failed: {}; keeping the previous manifest", path_,
                      e.what());
    }
    std::lock_guard lock(mutex_);
    seen_ = fingerprint;
    return false;
}

boost::asio::awaitable<void> watch_manifest(manifest_holder& holder,
                                            std::chrono::milliseconds poll_interval) {
    using namespace boost::asio::experimental::awaitable_operators;
    co_await (reload_on_sighup(holder) || reload_on_change(holder, poll_interval));
}

}  // namespace agent
