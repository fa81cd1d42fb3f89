#pragma once

#include <filesystem>
#include <string>

namespace test {

/// The bytes of a file under tests/fixtures/github (path relative to it), exactly as stored.
std::string fixture(const std::string& relative_path);
/// The bytes of any file.
std::string read_bytes(const std::string& path);
/// Writes `text` to a new file under a fresh temporary directory; returns its path.
std::string write_temp_file(const std::string& name, const std::string& text);

/// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class temp_dir {
public:
    explicit temp_dir(const std::string& prefix = "da-test");
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    std::filesystem::path path;
};

}  // namespace test
