// A container made by Debian's docker-compose (v1) and recreated by the agent stays the
// service's one container: every com.docker.compose.* label kept, com.docker.compose.image the
// new image id.

#include <array>
#include <cstdio>
#include <map>

#include <catch2/catch.hpp>

#include "support/engine.hpp"
#include "support/fixtures.hpp"
#include "support/recreate_rig.hpp"

namespace recreate_compose_test {

namespace {

// docker-compose against the engine under test; returns its trimmed output, fails on error.
std::string compose(const std::string& project, const std::string& file, const std::string& args) {
    std::string command = "DOCKER_HOST='" + test::docker_host() + "' docker-compose --ansi never -p " +
                          project + " -f '" + file + "' " + args + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    std::array<char, 4096> buffer{};
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
        out.append(buffer.data(), n);
    }
    int status = ::pclose(pipe);
    INFO("docker-compose " << args << ":\n" << out);
    REQUIRE(status == 0);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
        out.pop_back();
    }
    return out;
}

// The container's com.docker.compose.* labels.
std::map<std::string, std::string> compose_labels(const std::string& container) {
    std::map<std::string, std::string> labels;
    std::string text = rig::inspect(
        container, "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}\n{{end}}");
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        std::string line = text.substr(pos, end - pos);
        pos = end == std::string::npos ? text.size() : end + 1;
        auto eq = line.find('=');
        if (line.starts_with("com.docker.compose.") && eq != std::string::npos) {
            labels[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    return labels;
}

struct compose_project {
    std::string name = test::unique_name("darc").substr(0, 20);
    std::string file;
    ~compose_project() {
        if (!file.empty()) {
            std::string command = "DOCKER_HOST='" + test::docker_host() +
                                  "' docker-compose -p " + name + " -f '" + file +
                                  "' down -v >/dev/null 2>&1";
            [[maybe_unused]] int rc = std::system(command.c_str());
        }
    }
};

}  // namespace

TEST_CASE("recreate: a docker-compose v1 container keeps its compose labels and stays the "
          "service's container",
          "[recreate][compose]") {
    test::scoped_images images;
    const std::string image =
        test::registry() + "/" + test::unique_name("da-rc-compose") + ":latest";
    images.add(image);
    test::build_image(image, rig::web_dockerfile("v1"));
    test::docker_ok({"push", image});
    compose_project project;
    project.file = test::write_temp_file(
        "compose.yaml", "version: \"2.4\"\nservices:\n  web:\n    image: " + image +
                            "\n    ports: [\"127.0.0.1::80\"]\n    labels: "
                            "{io.deploy-agent.test: \"1\"}\n");
    compose(project.name, project.file, "up -d");
    const std::string container = project.name + "_web_1";
    const auto before = compose_labels(container);
    REQUIRE(before.contains("com.docker.compose.config-hash"));

    const std::string new_id = test::build_image(image, rig::web_dockerfile("v2"));
    test::docker_ok({"push", image});
    agent::app_spec app;
    app.name = "web";
    app.container = container;
    app.image = image;
    app.health.stable_for = std::chrono::seconds(1);
    rig::recording_journal journal;
    auto result = rig::run_deploy(app, journal);
    INFO(journal.transcript());
    REQUIRE(result == agent::deploy_result::succeeded);

    auto after = compose_labels(container);
    for (const auto& [key, value] : before) {
        if (key != "com.docker.compose.image") {
            CHECK(after[key] == value);
        }
    }
    CHECK(after["com.docker.compose.image"] == new_id);
    const std::string id = rig::inspect(container, "{{.Id}}");
    CHECK(compose(project.name, project.file, "ps -q") == id);
    // Compose v1 folds the image id into its config hash: its next `up -d` recreates once, and
    // the service still has one running container.
    compose(project.name, project.file, "up -d");
    std::string ids = compose(project.name, project.file, "ps -q");
    CHECK(ids.find('\n') == std::string::npos);
    CHECK(rig::inspect(container, "{{.State.Running}}") == "true");
}

}  // namespace recreate_compose_test
