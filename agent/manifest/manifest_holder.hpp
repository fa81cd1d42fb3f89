#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "manifest/manifest.hpp"

namespace agent {

/// The manifest in force, shared by every request, and replaced whole on reload. Readers take a
/// snapshot with current() and keep using it for as long as they hold it, so a reload never
/// changes a manifest under a running plan. Thread-safe.
class manifest_holder {
  public:
    /// Loads `path`. Throws manifest_error when it cannot be read or is invalid (a start-up
    /// configuration error).
    explicit manifest_holder(std::string path);

    /// Holds an already parsed manifest; reload() reads `initial.source_path`.
    explicit manifest_holder(manifest initial);

    manifest_holder(const manifest_holder&) = delete;
    manifest_holder& operator=(const manifest_holder&) = delete;

    /// The manifest in force; never null.
    std::shared_ptr<const manifest> current() const;

    /// The file this holder reloads.
    const std::string& path() const { return path_; }

    /// Reads and parses the file again. On success replaces the manifest, logs an info line with
    /// the app count and returns true. Otherwise keeps the manifest in force, logs every problem
    /// at error level and returns false. Never throws.
    bool reload();

    /// True when the file's existence, modification time, size or content differ from what the
    /// last load or reload() saw. Never throws.
    bool file_changed() const;

  private:
    struct file_fingerprint {
        bool exists = false;
        std::int64_t mtime_ns = 0;
        std::int64_t size = 0;
        std::size_t content_hash = 0;
        bool operator==(const file_fingerprint&) const = default;
    };
    static file_fingerprint fingerprint_of(const std::string& path);

    std::string path_;
    mutable std::mutex mutex_;
    std::shared_ptr<const manifest> current_;
    file_fingerprint seen_;
};

/// Reloads `holder` on SIGHUP and whenever holder.file_changed() at a poll every
/// `poll_interval`. A file that stays invalid is reported once, not at every poll. Runs until the
/// coroutine is cancelled (it then returns normally) or its io_context stops; never throws.
/// `holder` must outlive the coroutine.
boost::asio::awaitable<void> watch_manifest(manifest_holder& holder,
                                            std::chrono::milliseconds poll_interval);

}  // namespace agent
