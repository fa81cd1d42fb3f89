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
    std::string out;     // archive bytes not yet handed out
    std::ifstream file;  // the regular file being copied, when any
    fs::path file_path;
    bool closed = false;

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
            archive_entry* e = la.entry_new();
            la.entry_copy_sourcepath(e, entry.path().c_str());
            la.entry_copy_pathname(e, rel.c_str());
            if (la.read_disk_entry_from_file(disk, e, -1, nullptr) != ARCHIVE_OK) {
                std::string why = la.error_string(disk);
                la.entry_free(e);
                fail("cannot read " + rel + ": " + why);
            }
            la.entry_set_uid(e, 0);
            la.entry_set_gid(e, 0);
            la.entry_set_uname(e, nullptr);
            la.entry_set_gname(e, nullptr);
            const bool regular = la.entry_filetype(e) == AE_IFREG;
            int rc = la.write_header(writer, e);
            la.entry_free(e);
            check(rc, "tar header");
            if (regular) {
                file.open(entry.path(), std::ios::binary);
                if (!file) {
                    fail("cannot open " + rel);
                }
                file_path = entry.path();
            }
            return true;
        }
        return false;
    }

    void copy_some_of_file() {
        std::string buffer(64u * 1024u, '\0');
        file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        auto n = static_cast<std::size_t>(file.gcount());
        if (n > 0) {
            if (la.write_data(writer, buffer.data(), n) < 0) {
                fail("tar data: " + std::string(la.error_string(writer)));
            }
        }
        if (file.eof() || n == 0) {
            if (file.bad()) {
                fail("cannot read " + file_path.string());
            }
            file.close();
            file.clear();
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
        if (s.file.is_open()) {
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
