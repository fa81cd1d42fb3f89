#include "archive_api.hpp"

#include <dlfcn.h>

#include <string>

#include "docker_client/error.hpp"

namespace docker_client::detail {

namespace {

// The soname of Debian 12's libarchive13; the headers the calls were compiled against.
constexpr const char* library = "libarchive.so.13";

template <class Function>
void resolve(void* handle, const char* name, Function& out) {
    void* symbol = ::dlsym(handle, name);
    if (symbol == nullptr) {
        throw error(0, "", std::string("building an image needs libarchive: ") + library +
                               " has no " + name + "; install libarchive13 (3.6 or later)");
    }
    out = reinterpret_cast<Function>(symbol);
}

#if defined(DA_STATIC_LIBARCHIVE)
// The image links the archive (DA_STATIC_LIBARCHIVE): the same calls, bound at link time.
archive_api load() {
    return archive_api{&::archive_error_string, &::archive_entry_new, &::archive_entry_free,
                       &::archive_entry_copy_sourcepath, &::archive_entry_copy_pathname,
                       &::archive_entry_set_uid, &::archive_entry_set_gid,
                       &::archive_entry_set_uname, &::archive_entry_set_gname,
                       &::archive_entry_filetype, &::archive_read_disk_new,
                       &::archive_read_disk_set_symlink_physical,
                       &::archive_read_disk_set_standard_lookup,
                       &::archive_read_disk_entry_from_file, &::archive_read_free,
                       &::archive_write_new, &::archive_write_set_format_pax_restricted,
                       &::archive_write_set_bytes_in_last_block, &::archive_write_open,
                       &::archive_write_header, &::archive_write_data, &::archive_write_close,
                       &::archive_write_free};
}
#else
archive_api load() {
    void* handle = ::dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = ::dlerror();
        throw error(0, "", std::string("building an image needs libarchive, which could not be "
                                       "loaded (") +
                               (why != nullptr ? why : library) +
                               "); install it: apt-get install libarchive13");
    }
    // Never closed: the functions stay in use for the life of the process.
    archive_api api;
    resolve(handle, "archive_error_string", api.error_string);
    resolve(handle, "archive_entry_new", api.entry_new);
    resolve(handle, "archive_entry_free", api.entry_free);
    resolve(handle, "archive_entry_copy_sourcepath", api.entry_copy_sourcepath);
    resolve(handle, "archive_entry_copy_pathname", api.entry_copy_pathname);
    resolve(handle, "archive_entry_set_uid", api.entry_set_uid);
    resolve(handle, "archive_entry_set_gid", api.entry_set_gid);
    resolve(handle, "archive_entry_set_uname", api.entry_set_uname);
    resolve(handle, "archive_entry_set_gname", api.entry_set_gname);
    resolve(handle, "archive_entry_filetype", api.entry_filetype);
    resolve(handle, "archive_read_disk_new", api.read_disk_new);
    resolve(handle, "archive_read_disk_set_symlink_physical", api.read_disk_set_symlink_physical);
    resolve(handle, "archive_read_disk_set_standard_lookup", api.read_disk_set_standard_lookup);
    resolve(handle, "archive_read_disk_entry_from_file", api.read_disk_entry_from_file);
    resolve(handle, "archive_read_free", api.read_free);
    resolve(handle, "archive_write_new", api.write_new);
    resolve(handle, "archive_write_set_format_pax_restricted", api.write_set_format_pax_restricted);
    resolve(handle, "archive_write_set_bytes_in_last_block", api.write_set_bytes_in_last_block);
    resolve(handle, "archive_write_open", api.write_open);
    resolve(handle, "archive_write_header", api.write_header);
    resolve(handle, "archive_write_data", api.write_data);
    resolve(handle, "archive_write_close", api.write_close);
    resolve(handle, "archive_write_free", api.write_free);
    return api;
}
#endif

}  // namespace

const archive_api& libarchive() {
    // A failed load throws out of the initialiser; the next call tries again.
    static const archive_api api = load();
    return api;
}

}  // namespace docker_client::detail
