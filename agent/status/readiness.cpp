#include "status/readiness.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "common/json_writer.hpp"

namespace agent {

namespace {

void write_check(json_writer& w, std::string_view name, const readiness_check& c) {
    w.key(name).begin_object().key("ok").boolean(c.ok).key("detail").string(c.detail).end_object();
}

}  // namespace

readiness::readiness(const manifest_holder& manifests, engine_probe engine, std::string data_dir,
                     std::string store_file)
    : manifests_(manifests),
      engine_(std::move(engine)),
      data_dir_(std::move(data_dir)),
      store_file_(std::move(store_file)) {}

readiness_check readiness::manifest_check() const {
    const auto in_force = manifests_.current();
    const std::string loaded =
        fmt::format("{} app(s) from {}", in_force->apps.size(), manifests_.path());
    // The file is parsed again only when its size or modification time changed: a valid edit is
    // picked up by the watcher within its poll (2 s), a broken one is kept out, and only the
    // second is a problem.
    struct stat info {};
    file_stamp stamp;
    if (::stat(manifests_.path().c_str(), &info) == 0) {
        stamp = {true,
                 static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 +
                     info.st_mtim.tv_nsec,
                 static_cast<std::int64_t>(info.st_size)};
    }
    std::lock_guard lock(cache_mutex_);
    if (!checked_ || !(stamp == checked_stamp_)) {
        checked_stamp_ = stamp;
        checked_ = true;
        file_problem_.clear();
        try {
            (void)load_manifest(manifests_.path());
        } catch (const manifest_error& e) {
            file_problem_ = e.problems().empty() ? std::string(e.what()) : e.problems().front();
        } catch (const std::exception& e) {
            file_problem_ = e.what();
        }
    }
    if (file_problem_.empty()) {
        return {true, loaded};
    }
    return {false, fmt::format("{} is in force, but the file no longer loads: {} (fix it; check "
                               "with deploy-agent validate)",
                               loaded, file_problem_)};
}

readiness_check readiness::store_check() const {
    std::error_code ec;
    if (!std::filesystem::exists(store_file_, ec)) {
        return {false, fmt::format("the history file {} is gone (was DATA_DIR removed or "
                                   "unmounted?); restart the agent",
                                   store_file_)};
    }
    // A real write: permissions, a read-only or full filesystem all show here. The name is the
    // agent's own, created exclusively, so nothing else is touched.
    const std::string probe = data_dir_ + "/.readyz-probe";
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return {false, fmt::format("cannot write in DATA_DIR {}: {} (the agent's user needs "
                                   "write access to it)",
                                   data_dir_, std::strerror(errno))};
    }
    const bool written = ::write(fd, "1", 1) == 1;
    const int write_errno = errno;
    ::close(fd);
    ::unlink(probe.c_str());
    if (!written) {
        return {false, fmt::format("cannot write in DATA_DIR {}: {}", data_dir_,
                                   std::strerror(write_errno))};
    }
    return {true, fmt::format("{} writable", store_file_)};
}

boost::asio::awaitable<http_response> readiness::answer() const {
    readiness_check engine = co_await engine_();
    const readiness_check manifest = manifest_check();
    const readiness_check store = store_check();
    const bool ready = manifest.ok && engine.ok && store.ok;
    json_writer w;
    w.begin_object().key("ready").boolean(ready).key("checks").begin_object();
    write_check(w, "manifest", manifest);
    write_check(w, "engine", engine);
    write_check(w, "store", store);
    w.end_object().end_object();
    http_response r;
    r.status = ready ? 200 : 503;
    r.body = w.take();
    co_return r;
}

}  // namespace agent
