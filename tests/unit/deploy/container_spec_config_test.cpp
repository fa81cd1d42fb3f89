// One test per aspect of the new container's Config (issue #10, item 2): each fails when the
// aspect is lost (the user's value dropped) or frozen (the old image's default carried over).

#include "spec_fixture.hpp"

namespace container_spec_config_test {

using namespace spec_test;

TEST_CASE("spec: Image is the manifest's reference", "[spec]") {
    CHECK(spec_value(inputs("defaults"), "/Image") == R"("fx/app:new")");
}

TEST_CASE("spec: Env entries equal to the old image's are dropped", "[spec]") {
    CHECK(spec_value(inputs("defaults"), "/Env") == "(absent)");
}

TEST_CASE("spec: the user's own Env entries are kept", "[spec]") {
    std::string env = spec_value(inputs("custom"), "/Env");
    CHECK(env.find("USER_VAR=1") != std::string::npos);
    CHECK(env.find("PATH=") == std::string::npos);  // image default
    CHECK(env.find("SHARED=") == std::string::npos);  // same value as the image's
}

TEST_CASE("spec: the user's override of an image Env entry is kept", "[spec]") {
    CHECK(spec_value(inputs("custom"), "/Env").find("APP_MODE=override") != std::string::npos);
}

TEST_CASE("spec: injected env entries replace the user's of the same key", "[spec]") {
    auto in = inputs("custom");
    in.injected_env = {"USER_VAR=from-secrets", "TOKEN=x"};
    std::string env = spec_value(in, "/Env");
    CHECK(env.find("USER_VAR=from-secrets") != std::string::npos);
    CHECK(env.find("USER_VAR=1") == std::string::npos);
    CHECK(env.find("TOKEN=x") != std::string::npos);
}

TEST_CASE("spec: keys a previous deploy injected are dropped unless injected again", "[spec]") {
    auto in = inputs("custom");
    in.removed_env_keys = {"USER_VAR", "GONE"};
    CHECK(spec_value(in, "/Env") == R"(["APP_MODE=override"])");
    in.injected_env = {"USER_VAR=rotated"};
    CHECK(spec_value(in, "/Env") == R"(["APP_MODE=override","USER_VAR=rotated"])");
}

TEST_CASE("spec: an empty injected set leaves the user's Env as it was", "[spec]") {
    auto in = inputs("custom");
    in.injected_env = {};
    CHECK(spec_value(in, "/Env") == R"(["APP_MODE=override","USER_VAR=1"])");
}

TEST_CASE("spec: the image's Cmd is dropped so the new image's applies", "[spec]") {
    CHECK(spec_value(inputs("defaults"), "/Cmd") == "(absent)");
    CHECK(spec_value(inputs("defaults"), "/Entrypoint") == "(absent)");
}

TEST_CASE("spec: the user's Entrypoint and its Cmd are kept", "[spec]") {
    auto in = inputs("entrypoint");
    CHECK(spec_value(in, "/Entrypoint") == R"(["sh"])");
    CHECK(spec_value(in, "/Cmd") == R"(["-c","trap 'exit 0' TERM; sleep 1000 & wait"])");
}

TEST_CASE("spec: the user's Cmd alone is kept", "[spec]") {
    auto in = inputs("defaults");
    in.old_container = edited(in.old_container, "/Config/Cmd", R"(["httpd","-f"])");
    CHECK(spec_value(in, "/Cmd") == R"(["httpd","-f"])");
    CHECK(spec_value(in, "/Entrypoint") == "(absent)");
}

TEST_CASE("spec: WorkingDir: the image's dropped, the user's kept", "[spec]") {
    CHECK(spec_value(inputs("defaults"), "/WorkingDir") == "(absent)");
    CHECK(spec_value(inputs("custom"), "/WorkingDir") == R"("/custom")");
}

TEST_CASE("spec: User is kept", "[spec]") {
    CHECK(spec_value(inputs("custom"), "/User") == R"("1000:1000")");
}

TEST_CASE("spec: Healthcheck: the image's dropped, the user's override kept", "[spec]") {
    CHECK(spec_value(inputs("defaults"), "/Healthcheck") == "(absent)");
    CHECK(spec_value(inputs("custom"), "/Healthcheck") ==
          R"({"Test":["CMD-SHELL","exit 0"],"Interval":7000000000})");
}

TEST_CASE("spec: StopSignal: the image's dropped, the user's kept", "[spec]") {
    CHECK(spec_value(inputs("defaults"), "/StopSignal") == "(absent)");
    CHECK(spec_value(inputs("custom"), "/StopSignal") == R"("SIGQUIT")");
}

TEST_CASE("spec: StopTimeout is kept", "[spec]") {
    CHECK(spec_value(inputs("custom"), "/StopTimeout") == "3");
    CHECK(spec_value(inputs("defaults"), "/StopTimeout") == "(absent)");
}

TEST_CASE("spec: labels: the image's dropped, the user's and their overrides kept", "[spec]") {
    auto in = inputs("custom");
    CHECK(spec_value(in, "/Labels/user.label") == R"("mine")");
    CHECK(spec_value(in, "/Labels/version") == R"("pinned")");
    CHECK(spec_value(in, "/Labels/vendor") == "(absent)");
    CHECK(spec_value(inputs("defaults"), "/Labels/version") == "(absent)");
}

TEST_CASE("spec: the agent's labels are set", "[spec]") {
    auto in = inputs("defaults");
    CHECK(spec_value(in, "/Labels/io.deploy-agent.app") == R"("web")");
    CHECK(spec_value(in, "/Labels/io.deploy-agent.deployment") == R"("7")");
}

TEST_CASE("spec: compose labels are kept and com.docker.compose.image is the new id", "[spec]") {
    auto in = inputs("defaults");
    in.old_container = edited(in.old_container, "/Config/Labels",
                              R"({"com.docker.compose.project":"p",
                                  "com.docker.compose.service":"web",
                                  "com.docker.compose.config-hash":"abc",
                                  "com.docker.compose.image":"sha256:old"})");
    auto spec = spec_of(in);
    CHECK(json(at(spec, "/Labels/com.docker.compose.project")) == R"("p")");
    CHECK(json(at(spec, "/Labels/com.docker.compose.service")) == R"("web")");
    CHECK(json(at(spec, "/Labels/com.docker.compose.config-hash")) == R"("abc")");
    CHECK(json(at(spec, "/Labels/com.docker.compose.image")) ==
          R"("sha256:1856ab42384c7b8d153895312691a5266de4165a48652f1c5733418635ae63cb")");
}

TEST_CASE("spec: without compose labels no com.docker.compose.image is invented", "[spec]") {
    CHECK(spec_value(inputs("custom"), "/Labels/com.docker.compose.image") == "(absent)");
}

TEST_CASE("spec: a user's hostname is kept, the generated one dropped", "[spec]") {
    CHECK(spec_value(inputs("custom"), "/Hostname") == R"("myhost")");
    CHECK(spec_value(inputs("entrypoint"), "/Hostname") == "(absent)");
}

TEST_CASE("spec: Domainname is kept", "[spec]") {
    CHECK(spec_value(inputs("custom"), "/Domainname") == R"("example.org")");
}

TEST_CASE("spec: MAC only when the user set it", "[spec]") {
    CHECK(spec_value(inputs("custom"), "/MacAddress") == "(absent)");
    auto in = inputs("defaults");
    in.old_container = edited(in.old_container, "/Config/MacAddress", R"("02:42:ac:11:00:99")");
    CHECK(spec_value(in, "/MacAddress") == R"("02:42:ac:11:00:99")");
    // The generated endpoint MAC of the old container is never copied.
    CHECK(spec_value(inputs("custom"), "/NetworkingConfig/EndpointsConfig/fx-net/MacAddress") ==
          "(absent)");
}

TEST_CASE("spec: ExposedPorts: the image's dropped, the user's kept", "[spec]") {
    CHECK(spec_value(inputs("custom"), "/ExposedPorts") == R"({"9999/tcp":{}})");
    CHECK(spec_value(inputs("defaults"), "/ExposedPorts") == "(absent)");
}

TEST_CASE("spec: Volumes: the image's dropped, the user's anonymous one kept", "[spec]") {
    CHECK(spec_value(inputs("custom"), "/Volumes") == R"({"/anon":{}})");
}

TEST_CASE("spec: tty and stdin are kept", "[spec]") {
    auto in = inputs("custom");
    CHECK(spec_value(in, "/Tty") == "true");
    CHECK(spec_value(in, "/OpenStdin") == "true");
}

TEST_CASE("spec: without the old image every value is kept as the user's", "[spec]") {
    auto in = inputs("defaults");
    in.old_image.reset();
    CHECK(spec_value(in, "/WorkingDir") == R"("/srv")");
    CHECK(spec_value(in, "/Cmd") != "(absent)");
}

TEST_CASE("spec: an unusable inspect document is refused", "[spec]") {
    auto in = inputs("defaults");
    in.old_container.document = std::make_shared<rapidjson::Document>(parse("[1,2]"));
    CHECK_THROWS_AS(agent::build_container_spec(in), agent::spec_error);
    in.old_container.document = nullptr;
    CHECK_THROWS_AS(agent::build_container_spec(in), agent::spec_error);
}

}  // namespace container_spec_config_test
