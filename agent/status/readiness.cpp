#include "status/readiness.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "common/json_writer.hpp"

namespace agent {

namespace {

void write_check(json_writer& w, std::string_view name, const readiness_check& c) {
    w.key(name).begin_object().key("ok").boolean(c.ok).key("detail").string(c.detail).end_object();
}

}  // namespace

readiness_options readiness_options_from_environment(const environment& env) {
    readiness_options o;
    std::string lists = "127.0.0.0/8,::1/128";
    for (const char* name : {"READYZ_ALLOWED_CIDRS", "METRICS_ALLOWED_CIDRS"}) {
        if (const char* v = env.get(name); v != nullptr && *v != '\0') {
            try {
                (void)cidr_list::parse(v);
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(std::string(name) + ": " + e.what());
            }
            lists += ",";
            lists += v;
            break;
        }
    }
    o.details_to = cidr_list::parse(lists);
    return o;
}

readiness::readiness(const manifest_holder& manifests, engine_probe engine, std::string data_dir,
                     std::string store_file, readiness_options options)
    : manifests_(manifests),
      engine_(std::move(engine)),
      data_dir_(std::move(data_dir)),
      store_file_(std::move(store_file)),
      options_(std::move(options)) {
    if (options_.details_to.empty()) {
        options_.details_to = cidr_list::parse("127.0.0.0/8,::1/128");
    }
}

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
    // Checked without writing: /readyz is anonymous and may be called thousands of times a
    // second. Permissions, a read-only or a full filesystem all show here.
    for (const std::string& path : {data_dir_, store_file_}) {
        if (::access(path.c_str(), W_OK) != 0) {
            return {false, fmt::format("cannot write {}: {} (the agent's user needs write access "
                                       "to DATA_DIR and its history file)",
                                       path, std::strerror(errno))};
        }
    }
    struct statvfs fs {};
    if (::statvfs(data_dir_.c_str(), &fs) == 0) {
        if ((fs.f_flag & ST_RDONLY) != 0) {
            return {false, fmt::format("DATA_DIR {} is on a read-only filesystem", data_dir_)};
        }
        if (fs.f_bavail == 0) {
            return {false, fmt::format("DATA_DIR {} is on a full filesystem", data_dir_)};
        }
    }
    return {true, fmt::format("{} writable", store_file_)};
}

boost::asio::awaitable<http_response> readiness::answer(const std::string& client) const {
    const auto now = std::chrono::steady_clock::now();
    const bool details = options_.details_to.contains(std::string_view(client));
    if (has_verdict_ && (computing_ || now - verdict_at_ < std::chrono::seconds(1))) {
        co_return details ? full_ : bare_;
    }
    computing_ = true;
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
    full_.status = ready ? 200 : 503;
    full_.body = w.take();
    bare_.status = full_.status;
    bare_.body = ready ? R"({"ready":true})" : R"({"ready":false})";
    verdict_at_ = std::chrono::steady_clock::now();
    has_verdict_ = true;
    computing_ = false;
    co_return details ? full_ : bare_;
}

}  // namespace agent
