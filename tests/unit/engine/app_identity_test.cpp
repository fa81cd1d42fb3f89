// Exact image references, registry hosts and the app's registry credentials.

#include <catch2/catch.hpp>

#include "engine/app_identity.hpp"
#include "support/environment.hpp"

namespace app_identity_test {

TEST_CASE("identity: an image is the manifest's only by one of its tags or digests",
          "[identity]") {
    docker_client::image_info image;
    image.id = "sha256:cafe";
    image.repo_tags = {"nginx:latest", "127.0.0.1:5000/web:v2"};
    image.repo_digests = {"127.0.0.1:5000/web@sha256:beef"};
    CHECK(agent::image_has_reference(image, "nginx"));
    CHECK(agent::image_has_reference(image, "docker.io/library/nginx:latest"));
    CHECK(agent::image_has_reference(image, "127.0.0.1:5000/web:v2"));
    CHECK(agent::image_has_reference(image, "127.0.0.1:5000/web@sha256:beef"));
    CHECK_FALSE(agent::image_has_reference(image, "cafe"));  // an id prefix is not a name
    CHECK_FALSE(agent::image_has_reference(image, "127.0.0.1:5000/web"));
}

TEST_CASE("identity: the registry of an image reference", "[identity]") {
    CHECK(agent::registry_host("nginx") == "docker.io");
    CHECK(agent::registry_host("library/nginx:1") == "docker.io");
    CHECK(agent::registry_host("127.0.0.1:5000/web:v2") == "127.0.0.1:5000");
    CHECK(agent::registry_host("ghcr.io/owner/app") == "ghcr.io");
    CHECK(agent::registry_host("localhost/app") == "localhost");
}

TEST_CASE("identity: registry credentials come from the variables the manifest names",
          "[identity]") {
    agent::app_spec app;
    app.name = "web";
    app.image = "registry.example.com/web:1";
    CHECK_FALSE(agent::registry_credentials(app, test::env_of({{"DA_ID_TEST_USER", "bob"}})));
    app.registry_auth = agent::registry_auth_spec{"DA_ID_TEST_USER", "DA_ID_TEST_PASS"};
    for (const auto& env : {test::env_of({{"DA_ID_TEST_USER", "bob"}}),
                            test::env_of({{"DA_ID_TEST_USER", "bob"}, {"DA_ID_TEST_PASS", ""}})}) {
        try {
            agent::registry_credentials(app, env);
            FAIL("no throw");
        } catch (const std::runtime_error& e) {
            CHECK_THAT(e.what(), Catch::Contains("DA_ID_TEST_PASS"));
            CHECK_THAT(e.what(), !Catch::Contains("bob"));
        }
    }
    auto auth = agent::registry_credentials(
        app, test::env_of({{"DA_ID_TEST_USER", "bob"}, {"DA_ID_TEST_PASS", "s3cret"}}));
    REQUIRE(auth);
    CHECK(auth->username == "bob");
    CHECK(auth->password == "s3cret");
    CHECK(auth->server_address == "registry.example.com");
}

}  // namespace app_identity_test
