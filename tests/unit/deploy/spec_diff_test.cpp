// The dry run's diff on each fidelity fixture lists exactly the fields that change.

#include <set>

#include "spec_fixture.hpp"

namespace spec_diff_test {

using namespace spec_test;

namespace {

std::set<std::string> changed_fields(const agent::spec_inputs& in) {
    std::set<std::string> fields;
    for (const auto& c : agent::diff_container_spec(in, agent::build_container_spec(in))) {
        fields.insert(c.field);
    }
    return fields;
}

// The new image's defaults, and the agent's labels.
const std::set<std::string> image_changes = {
    "Image",        "Env.APP_MODE",         "Env.ADDED",
    "Cmd",          "WorkingDir",           "Healthcheck",
    "StopSignal",   "ExposedPorts.8080/tcp", "Labels.version",
    "Labels.io.deploy-agent.app", "Labels.io.deploy-agent.deployment"};

}  // namespace

TEST_CASE("dry run: a container of image defaults changes by the image's fields only", "[diff]") {
    CHECK(changed_fields(inputs("defaults")) == image_changes);
}

TEST_CASE("dry run: what the user set does not show as a change", "[diff]") {
    // APP_MODE, WorkingDir, Healthcheck, StopSignal and the version label are the user's here.
    std::set<std::string> expected = {"Image",
                                      "Env.ADDED",
                                      "Cmd",
                                      "ExposedPorts.8080/tcp",
                                      "Labels.io.deploy-agent.app",
                                      "Labels.io.deploy-agent.deployment"};
    CHECK(changed_fields(inputs("custom")) == expected);
}

TEST_CASE("dry run: a user's Entrypoint keeps its Cmd", "[diff]") {
    auto fields = changed_fields(inputs("entrypoint"));
    CHECK_FALSE(fields.contains("Cmd"));
    CHECK_FALSE(fields.contains("Entrypoint"));
    CHECK(fields.contains("WorkingDir"));
}

TEST_CASE("dry run: the same image and labels show no change", "[diff]") {
    auto in = inputs("defaults");
    in.new_image = *in.old_image;
    in.labels.clear();
    CHECK(changed_fields(in).empty());
}

TEST_CASE("dry run: each change names both values", "[diff]") {
    for (const auto& c : agent::diff_container_spec(inputs("defaults"),
                                                    agent::build_container_spec(inputs("defaults")))) {
        if (c.field == "WorkingDir") {
            CHECK(c.before == R"("/srv")");
            CHECK(c.after == R"("/app")");
        }
        if (c.field == "Env.ADDED") {
            CHECK(c.before == "(unset)");
            CHECK(c.after == "yes");
        }
    }
}

}  // namespace spec_diff_test
