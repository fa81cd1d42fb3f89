#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "manifest/manifest_holder.hpp"
#include "manifest/validate.hpp"

namespace manifest_holder_test {

using namespace agent;
using namespace std::chrono_literals;

namespace {

constexpr const char* one_app =
    "version: 1\n"
    "apps:\n"
    "  web:\n"
    "    image: nginx\n";

constexpr const char* two_apps =
    "version: 1\n"
    "apps:\n"
    "  web:\n"
    "    image: nginx\n"
    "  api:\n"
    "    strategy: restart\n";

constexpr const char* invalid =
    "version: 1\n"
    "apps:\n"
    "  web:\n"
    "    imgae: nginx\n";

// A manifest file in the temporary directory, removed at the end of the test.
class temp_manifest {
  public:
    temp_manifest() {
        static std::atomic<int> counter{0};
        path_ =
            std::filesystem::temp_directory_path() / ("da-manifest-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(++counter) + ".yaml");
    }
    ~temp_manifest() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    temp_manifest(const temp_manifest&) = delete;
    temp_manifest& operator=(const temp_manifest&) = delete;

    void write(const std::string& text) const {
        std::ofstream(path_, std::ios::binary | std::ios::trunc) << text;
    }
    std::string path() const { return path_.string(); }

  private:
    std::filesystem::path path_;
};

// The completion handler of the spawned watcher.
struct record_end {
    bool* ended;
    std::exception_ptr* error;
    void operator()(std::exception_ptr e) const {
        *ended = true;
        *error = e;
    }
};

template <typename Condition>
bool run_until(boost::asio::io_context& io, Condition condition,
               std::chrono::milliseconds timeout = 3s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition() && std::chrono::steady_clock::now() < deadline) {
        io.run_for(5ms);
    }
    return condition();
}

}  // namespace

TEST_CASE("manifest_holder loads at construction and refuses an invalid start", "[manifest]") {
    temp_manifest file;
    file.write(one_app);
    manifest_holder holder(file.path());
    REQUIRE(holder.current());
    CHECK(holder.current()->apps.size() == 1);
    CHECK(holder.path() == file.path());
    CHECK_FALSE(holder.file_changed());

    file.write(invalid);
    CHECK_THROWS_AS(manifest_holder(file.path()), manifest_error);
}

TEST_CASE("reload keeps the old manifest when the new file is invalid", "[manifest]") {
    temp_manifest file;
    file.write(one_app);
    manifest_holder holder(file.path());
    auto first = holder.current();

    file.write(invalid);
    CHECK(holder.file_changed());
    CHECK_FALSE(holder.reload());
    CHECK(holder.current() == first);
    // The invalid file was seen: it is not retried until it changes again.
    CHECK_FALSE(holder.file_changed());

    std::filesystem::remove(file.path());
    CHECK(holder.file_changed());
    CHECK_FALSE(holder.reload());
    CHECK(holder.current() == first);

    file.write(two_apps);
    CHECK(holder.file_changed());
    CHECK(holder.reload());
    auto second = holder.current();
    CHECK(second != first);
    REQUIRE(second->apps.size() == 2);
    CHECK(second->apps[1].name == "api");
    // A snapshot taken before the reload stays valid and unchanged.
    CHECK(first->apps.size() == 1);
}

TEST_CASE("a holder built from a parsed manifest reloads its source path", "[manifest]") {
    temp_manifest file;
    file.write(one_app);
    manifest_holder holder(load_manifest(file.path()));
    CHECK(holder.current()->apps.size() == 1);
    file.write(two_apps);
    CHECK(holder.reload());
    CHECK(holder.current()->apps.size() == 2);
}

TEST_CASE("watch_manifest reloads when the file changes and ends when cancelled", "[manifest]") {
    temp_manifest file;
    file.write(one_app);
    manifest_holder holder(file.path());
    boost::asio::io_context io;
    boost::asio::cancellation_signal cancel;
    bool ended = false;
    std::exception_ptr error;
    boost::asio::co_spawn(
        io, watch_manifest(holder, 10ms),
        boost::asio::bind_cancellation_slot(cancel.slot(), record_end{&ended, &error}));
    io.run_for(30ms);

    file.write(invalid);
    io.run_for(50ms);
    CHECK(holder.current()->apps.size() == 1);

    file.write(two_apps);
    CHECK(run_until(io, [&] { return holder.current()->apps.size() == 2; }));

    cancel.emit(boost::asio::cancellation_type::terminal);
    CHECK(run_until(io, [&] { return ended; }));
    CHECK_FALSE(error);
}

TEST_CASE("watch_manifest reloads on SIGHUP and stops with its io_context", "[manifest]") {
    temp_manifest file;
    file.write(one_app);
    manifest_holder holder(file.path());
    boost::asio::io_context io;
    bool ended = false;
    std::exception_ptr error;
    // An hour between polls: only the signal can cause the reload.
    boost::asio::co_spawn(io, watch_manifest(holder, std::chrono::hours{1}),
                          record_end{&ended, &error});
    io.run_for(30ms);  // the signal_set is installed once the coroutine has started

    file.write(two_apps);
    REQUIRE(std::raise(SIGHUP) == 0);
    CHECK(run_until(io, [&] { return holder.current()->apps.size() == 2; }));

    io.stop();
    CHECK(io.stopped());
    CHECK_FALSE(ended);  // suspended; its frame is destroyed with the io_context
}

TEST_CASE("run_validate reports OK or every problem", "[manifest]") {
    temp_manifest file;
    std::ostringstream out;
    std::ostringstream err;

    file.write(two_apps);
    CHECK(run_validate(file.path(), out, err) == 0);
    CHECK(out.str() == "manifest OK: 2 apps (web, api)\n");
    CHECK(err.str().empty());

    out.str("");
    file.write(one_app);
    CHECK(run_validate(file.path(), out, err) == 0);
    CHECK(out.str() == "manifest OK: 1 app (web)\n");

    out.str("");
    file.write(invalid);
    CHECK(run_validate(file.path(), out, err) == 1);
    CHECK(out.str().empty());
    CHECK(err.str() == file.path() +
                           ":4:5: unknown key 'imgae' in apps.web (did you mean "
                           "'image'?)\n" +
                           file.path() +
                           ":3:3: apps.web: strategy pull needs 'image' (pull is the default "
                           "strategy; 'strategy: restart' needs no image)\n");

    err.str("");
    CHECK(run_validate("/nonexistent/m.yaml", out, err) == 1);
    CHECK(err.str() == "/nonexistent/m.yaml: cannot read: No such file or directory\n");
}

}  // namespace manifest_holder_test
