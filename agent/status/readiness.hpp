#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "common/environment.hpp"
#include "http/access.hpp"
#include "http/message.hpp"
#include "manifest/manifest_holder.hpp"

namespace agent {

/// One of /readyz's checks: its verdict and what it saw, for the body.
struct readiness_check {
    bool ok = false;
    std::string detail;  ///< what was found (ok), or what is wrong and what to do (not ok)
};

/// Who sees /readyz's details (paths, versions, what is wrong): loopback always (the container's
/// healthcheck), and READYZ_ALLOWED_CIDRS, else METRICS_ALLOWED_CIDRS; everyone else gets the
/// bare verdict.
struct readiness_options {
    cidr_list details_to;
};

/// Reads READYZ_ALLOWED_CIDRS, else METRICS_ALLOWED_CIDRS, in `env`. Throws
/// std::invalid_argument "NAME: why" for a malformed list.
readiness_options readiness_options_from_environment(const environment& env);

/// GET /readyz: the agent can do its work. Three checks, each named in the body:
/// - manifest: the manifest in force was loaded, and the file on disk still loads (an edit that
///   broke it is kept out by the watcher, and reported here until it is fixed);
/// - engine: the Docker Engine answers a ping;
/// - store: DATA_DIR still holds the history file, and both are writable on a filesystem that
///   is neither read-only nor full (checked without writing anything).
/// The verdict is computed at most once a second, whoever asks.
class readiness {
public:
    /// Says whether the engine answers: ok with the API version, or not with the reason.
    /// Must not throw.
    using engine_probe = std::function<boost::asio::awaitable<readiness_check>()>;

    /// `manifests` must outlive this object; `engine` must be set; `store_file` is the
    /// history's database file.
    readiness(const manifest_holder& manifests, engine_probe engine, std::string data_dir,
              std::string store_file, readiness_options options = {});

    /// 200 when every check passes, else 503; for `client` in options.details_to the body is
    /// `{"ready":bool,"checks":{"manifest":{"ok":bool,"detail":"…"},"engine":{…},"store":{…}}}`,
    /// for others `{"ready":bool}`. Reuses a verdict less than a second old. Never throws.
    boost::asio::awaitable<http_response> answer(const std::string& client = "127.0.0.1") const;

    readiness_check manifest_check() const;
    readiness_check store_check() const;

private:
    struct file_stamp {
        bool exists = false;
        std::int64_t mtime_ns = 0;
        std::int64_t size = 0;
        bool operator==(const file_stamp&) const = default;
    };

    const manifest_holder& manifests_;
    engine_probe engine_;
    std::string data_dir_;
    std::string store_file_;
    readiness_options options_;
    // The last verdict (full body, bare body, status) and when it was computed; while one is
    // being computed, callers get the last one.
    mutable std::chrono::steady_clock::time_point verdict_at_{};
    mutable bool has_verdict_ = false;
    mutable bool computing_ = false;
    mutable http_response full_;
    mutable http_response bare_;
    // The last verdict on the manifest file, by its stamp (answer() may run concurrently).
    mutable std::mutex cache_mutex_;
    mutable bool checked_ = false;
    mutable file_stamp checked_stamp_;
    mutable std::string file_problem_;
};

}  // namespace agent
