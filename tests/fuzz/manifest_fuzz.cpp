// libFuzzer target: the manifest parser and validator (yaml-cpp underneath). Input: YAML text.
// Any input must give either a manifest or a manifest_error whose every problem is
// "FILE:LINE:COL: message"; nothing else may escape. See tests/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "manifest/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const agent::manifest m = agent::parse_manifest(text, "fuzz.yaml");
        for (const auto& app : m.apps) {
            (void)agent::to_string(app.strategy);
        }
    } catch (const agent::manifest_error& e) {
        if (e.problems().empty()) {
            std::abort();  // an error must say what is wrong
        }
        for (const auto& p : e.problems()) {
            if (p.rfind("fuzz.yaml:", 0) != 0) {
                std::abort();  // every problem names the file, line and column
            }
        }
    }
    return 0;
}
