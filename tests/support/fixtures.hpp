#pragma once

#include <string>

namespace test {

/// The bytes of a file under ../shared/fixtures/github (path relative to it), exactly as stored.
std::string fixture(const std::string& relative_path);
/// The bytes of any file.
std::string read_bytes(const std::string& path);
/// Writes `text` to a new file under a fresh temporary directory; returns its path.
std::string write_temp_file(const std::string& name, const std::string& text);

}  // namespace test
