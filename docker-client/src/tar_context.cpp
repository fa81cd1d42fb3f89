#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>

#include "archive_api.hpp"
#include "build_context.hpp"
#include "docker_client/error.hpp"

namespace docker_client::detail {

namespace fs = std::filesystem;

namespace {
// A piece handed to the socket: large enough to amortise a write, small enough to bound memory.
constexpr std::size_t piece_size = 256u * 1024u;
}  // namespace

struct tar_context::state {
    const archive_api& la = libarchive();
    fs::path root;
    std::string dockerfile;
    std::unique_ptr<dockerignore> ignore;
    fs::recursive_directory_iterator walk;
    archive* writer = nullptr;
    archive* disk = nullptr;
    std::string out;  // archive bytes not yet handed out
    int file = -1;    // the regular file being copied, when any
    fs::path file_path;
    bool closed = false;

    // Symlinks are stored as links and never followed: a link to /etc/shadow or to ../../.ssh
    // stays a link in the archive, and the daemon resolves it inside the context. A regular
    // file is opened with O_NOFOLLOW and described from that descriptor, so that a file swapped
    // for a link between the walk and the copy is refused instead of read.
    int open_regular(const fs::path& path, const std::string& rel) const {
        int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            fail("cannot open " + rel + ": " + std::generic_category().message(errno));
        }
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            fail("cannot read " + rel + ": it changed while the context was being sent");
        }
        return fd;
    }

    void close_file() {
        if (file >= 0) {
            ::close(file);
            file = -1;
        }
    }

    static la_ssize_t on_write(archive*, void* self, const void* data, size_t size) {
        static_cast<state*>(self)->out.append(static_cast<const char*>(data), size);
        return static_cast<la_ssize_t>(size);
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw error(0, "", "build context " + root.string() + ": " + what);
    }

    void check(int rc, const char* what) const {
        if (rc < ARCHIVE_WARN) {
            fail(std::string(what) + ": " + la.error_string(writer));
        }
    }

    bool excluded(const std::string& rel) const {
        if (rel == ".dockerignore" || rel == dockerfile) {
            return false;
        }
        return ignore && ignore->excludes(rel);
    }

    // Writes the header of the next included entry; opens it for copying when it has data.
    // False when the walk is over.
    bool add_next_entry() {
        const fs::recursive_directory_iterator end;
        while (walk != end) {
            const fs::directory_entry entry = *walk;
            std::error_code ec;
            std::string rel = entry.path().lexically_relative(root).generic_string();
            bool is_dir = entry.is_directory(ec) && !entry.is_symlink(ec);
            bool skip = excluded(rel);
            if (skip && is_dir && !(ignore && ignore->has_exceptions())) {
                walk.disable_recursion_pending();
            }
            walk.increment(ec);
            if (ec) {
                fail("cannot list " + rel + ": " + ec.message());
            }
            if (skip) {
                continue;
            }
            const bool regular_on_disk = entry.symlink_status(ec).type() == fs::file_type::regular;
            int fd = regular_on_disk ? open_regular(entry.path(), rel) : -1;
            archive_entry* e = la.entry_new();
            la.entry_copy_sourcepath(e, entry.path().c_str());
            la.entry_copy_pathname(e, rel.c_str());
            if (la.read_disk_entry_from_file(disk, e, fd, nullptr) != ARCHIVE_OK) {
                std::string why = la.error_string(disk);
                la.entry_free(e);
                if (fd >= 0) {
                    ::close(fd);
                }
                fail("cannot read " + rel + ": " + why);
            }
            la.entry_set_uid(e, 0);
            la.entry_set_gid(e, 0);
            la.entry_set_uname(e, nullptr);
            la.entry_set_gname(e, nullptr);
            int rc = la.write_header(writer, e);
            la.entry_free(e);
            file = fd;
            file_path = entry.path();
            check(rc, "tar header");
            return true;
        }
        return false;
    }

    void copy_some_of_file() {
        std::string buffer(64u * 1024u, '\0');
        ssize_t n = ::read(file, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) {
            return;
        }
        if (n < 0) {
            close_file();
            fail("cannot read " + file_path.string());
        }
        if (n == 0) {
            close_file();
            return;
        }
        if (la.write_data(writer, buffer.data(), static_cast<std::size_t>(n)) < 0) {
            fail("tar data: " + std::string(la.error_string(writer)));
        }
    }
};

tar_context::tar_context(fs::path dir, std::string dockerfile) : state_(std::make_unique<state>()) {
    auto& s = *state_;
    s.root = std::move(dir);
    s.dockerfile = fs::path(dockerfile).lexically_normal().generic_string();
    std::error_code ec;
    if (!fs::is_directory(s.root, ec)) {
        s.fail("not a directory");
    }
    if (fs::is_symlink(s.root / ".dockerignore", ec)) {
        s.fail(".dockerignore is a symbolic link; it must be a file inside the context");
    }
    if (std::ifstream in(s.root / ".dockerignore"); in) {
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        s.ignore = std::make_unique<dockerignore>(text);
    }
    s.walk = fs::recursive_directory_iterator(s.root, fs::directory_options::none, ec);
    if (ec) {
        s.fail("cannot list: " + ec.message());
    }
    s.disk = s.la.read_disk_new();
    s.la.read_disk_set_symlink_physical(s.disk);
    s.la.read_disk_set_standard_lookup(s.disk);
    s.writer = s.la.write_new();
    s.la.write_set_format_pax_restricted(s.writer);
    s.la.write_set_bytes_in_last_block(s.writer, 1);
    s.check(s.la.write_open(s.writer, &s, nullptr, &state::on_write, nullptr), "tar open");
}

tar_context::~tar_context() {
    state_->close_file();
    if (state_->writer != nullptr) {
        state_->la.write_free(state_->writer);
    }
    if (state_->disk != nullptr) {
        state_->la.read_free(state_->disk);
    }
}

std::string tar_context::next() {
    auto& s = *state_;
    while (s.out.size() < piece_size && !s.closed) {
        if (s.file >= 0) {
            s.copy_some_of_file();
        } else if (!s.add_next_entry()) {
            s.check(s.la.write_close(s.writer), "tar close");
            s.closed = true;
        }
    }
    std::string piece = std::move(s.out);
    s.out.clear();
    return piece;
}

}  // namespace docker_client::detail
