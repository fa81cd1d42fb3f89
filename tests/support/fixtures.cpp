#include "support/fixtures.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "support/engine.hpp"

namespace test {

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    INFO("reading " << path);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string fixture(const std::string& relative_path) {
    return read_bytes(std::string(DA_FIXTURES_DIR) + "/github/" + relative_path);
}

std::string write_temp_file(const std::string& name, const std::string& text) {
    auto dir = std::filesystem::temp_directory_path() / unique_name("da-files");
    std::filesystem::create_directories(dir);
    auto path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
}

temp_dir::temp_dir(const std::string& prefix)
    : path(std::filesystem::temp_directory_path() / unique_name(prefix)) {
    std::filesystem::create_directories(path);
}

temp_dir::~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
}

}  // namespace test
