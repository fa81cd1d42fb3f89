// The Engine API calls the agent really made during the end-to-end tests (each agent they start
// talks to the engine through an engine_call_recorder) against docs/docker-endpoints.md and the
// socket-proxy settings of docs/socket-proxy.md. Hidden from the test list: ctest runs it after
// every end-to-end test (tests/CMakeLists.txt, fixture `engine_calls`).

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace engine_endpoints_doc_test {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct documented_endpoint {
    bool conditional = false;  ///< only on some engines ("only below API 1.44")
};

// "| GET | `/containers/{id}/json` | used for | why |" rows.
std::map<std::string, documented_endpoint> documented_endpoints() {
    const std::string text = read_text(fs::path(DA_SOURCE_DIR) / "docs/docker-endpoints.md");
    const std::regex row(R"(^\| (GET|POST|DELETE|HEAD|PUT) \| `([^`]+)` \|([^|]*)\|)");
    std::map<std::string, documented_endpoint> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_search(line, m, row)) {
            out[m[1].str() + " " + m[2].str()].conditional =
                m[3].str().find("only below API") != std::string::npos;
        }
    }
    return out;
}

std::set<std::string> recorded_calls() {
    std::set<std::string> out;
    if (!fs::is_directory(DA_ENGINE_CALLS_DIR)) {
        return out;
    }
    for (const auto& file : fs::directory_iterator(DA_ENGINE_CALLS_DIR)) {
        std::istringstream lines(read_text(file.path()));
        for (std::string line; std::getline(lines, line);) {
            if (!line.empty()) {
                out.insert(line);
            }
        }
    }
    return out;
}

// tecnativa/docker-socket-proxy's switch for an endpoint: its first path segment.
std::string proxy_section(const std::string& call) {
    std::string path = call.substr(call.find(' ') + 1);
    std::string first = path.substr(1, path.find('/', 1) - 1);
    if (first == "_ping") {
        return "PING";
    }
    std::string upper;
    for (char c : first) {
        upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return upper;
}

std::set<std::string> sections_needed(const std::map<std::string, documented_endpoint>& list) {
    std::set<std::string> out;
    for (const auto& [call, _] : list) {
        out.insert(proxy_section(call));
        if (!call.starts_with("GET ")) {
            out.insert("POST");  // the proxy's switch for every method but GET and HEAD
        }
    }
    return out;
}

std::string joined(const std::set<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "" : " ") + n;
    }
    return out;
}

TEST_CASE("docs: docker-endpoints.md lists exactly the Engine API calls the agent makes",
          "[.engine-endpoints]") {
    const auto documented = documented_endpoints();
    REQUIRE(documented.size() > 10);
    const auto called = recorded_calls();
    INFO("calls recorded in " << DA_ENGINE_CALLS_DIR
                              << " by the end-to-end tests: " << joined(called));
    REQUIRE_FALSE(called.empty());
    for (const auto& call : called) {
        INFO("the agent called " << call);
        {
            INFO("the agent called " + call +
                 ", which docs/docker-endpoints.md does not list: add it to the table "
                 "(and to docs/socket-proxy.md's settings when its section is new)");
            CHECK(documented.count(call) == 1);
        }
    }
    for (const auto& [call, entry] : documented) {
        if (!entry.conditional) {
            {
                INFO("docs/docker-endpoints.md lists " + call +
                     ", which no end-to-end test saw the agent call: remove it, or "
                     "mark it \"only below API …\" when only some engines get it, or "
                     "add a test that makes the agent call it");
                CHECK(called.count(call) == 1);
            }
        }
    }
}

TEST_CASE("docs: the socket-proxy settings open exactly the documented endpoints' sections",
          "[.engine-endpoints]") {
    const std::set<std::string> needed = sections_needed(documented_endpoints());
    // docs/socket-proxy.md's compose block: "      CONTAINERS: 1   # …".
    std::set<std::string> compose_on;
    {
        std::istringstream lines(read_text(fs::path(DA_SOURCE_DIR) / "docs/socket-proxy.md"));
        const std::regex setting(R"(^ +([A-Z_]+): 1\b)");
        for (std::string line; std::getline(lines, line);) {
            std::smatch m;
            if (std::regex_search(line, m, setting)) {
                compose_on.insert(m[1].str());
            }
        }
    }
    {
        INFO("docs/socket-proxy.md turns on " + joined(compose_on) +
             "; the documented endpoints need exactly " + joined(needed));
        CHECK(compose_on == needed);
    }
    // docs/docker-endpoints.md's own allow-list sentence: "`CONTAINERS=1 IMAGES=1 … POST=1`".
    std::set<std::string> sentence_on;
    {
        const std::string text = read_text(fs::path(DA_SOURCE_DIR) / "docs/docker-endpoints.md");
        const std::regex setting(R"(\b([A-Z_]+)=1\b)");
        for (auto it = std::sregex_iterator(text.begin(), text.end(), setting);
             it != std::sregex_iterator(); ++it) {
            sentence_on.insert((*it)[1].str());
        }
    }
    {
        INFO("docs/docker-endpoints.md's allow-list turns on " + joined(sentence_on) +
             "; the documented endpoints need exactly " + joined(needed));
        CHECK(sentence_on == needed);
    }
}

}  // namespace engine_endpoints_doc_test
