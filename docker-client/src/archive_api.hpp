#pragma once

#include <archive.h>
#include <archive_entry.h>

namespace docker_client::detail {

/// The part of libarchive that writes build contexts, loaded with dlopen on first use. Only
/// the `build` strategy needs it, and linking it would load it with its ten dependencies
/// (compression libraries, libxml2, ICU) into every agent at start: about 1.8 MB of resident
/// memory and 5 ms of start-up for a feature most installations never use.
struct archive_api {
    decltype(&::archive_error_string) error_string = nullptr;
    decltype(&::archive_entry_new) entry_new = nullptr;
    decltype(&::archive_entry_free) entry_free = nullptr;
    decltype(&::archive_entry_copy_sourcepath) entry_copy_sourcepath = nullptr;
    decltype(&::archive_entry_copy_pathname) entry_copy_pathname = nullptr;
    decltype(&::archive_entry_set_uid) entry_set_uid = nullptr;
    decltype(&::archive_entry_set_gid) entry_set_gid = nullptr;
    decltype(&::archive_entry_set_uname) entry_set_uname = nullptr;
    decltype(&::archive_entry_set_gname) entry_set_gname = nullptr;
    decltype(&::archive_entry_filetype) entry_filetype = nullptr;
    decltype(&::archive_read_disk_new) read_disk_new = nullptr;
    decltype(&::archive_read_disk_set_symlink_physical) read_disk_set_symlink_physical = nullptr;
    decltype(&::archive_read_disk_set_standard_lookup) read_disk_set_standard_lookup = nullptr;
    decltype(&::archive_read_disk_entry_from_file) read_disk_entry_from_file = nullptr;
    decltype(&::archive_read_free) read_free = nullptr;
    decltype(&::archive_write_new) write_new = nullptr;
    decltype(&::archive_write_set_format_pax_restricted) write_set_format_pax_restricted = nullptr;
    decltype(&::archive_write_set_bytes_in_last_block) write_set_bytes_in_last_block = nullptr;
    decltype(&::archive_write_open) write_open = nullptr;
    decltype(&::archive_write_header) write_header = nullptr;
    decltype(&::archive_write_data) write_data = nullptr;
    decltype(&::archive_write_close) write_close = nullptr;
    decltype(&::archive_write_free) write_free = nullptr;
};

/// libarchive, loaded once (thread-safe). Throws docker_client::error saying what to install
/// when the library or one of its functions cannot be found.
const archive_api& libarchive();

}  // namespace docker_client::detail
