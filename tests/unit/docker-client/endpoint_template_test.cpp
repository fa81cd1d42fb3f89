#include <catch2/catch.hpp>

#include "docker_client/client.hpp"

namespace endpoint_template_test {

using docker_client::endpoint_template;

TEST_CASE("endpoint_template: versions, queries, names and ids leave the documented form",
          "[docker-client]") {
    CHECK(endpoint_template("/_ping") == "/_ping");
    CHECK(endpoint_template("/v1.47/version") == "/version");
    CHECK(endpoint_template("/v1.41/info") == "/info");
    CHECK(endpoint_template("/v1.47/containers/web/json") == "/containers/{id}/json");
    CHECK(endpoint_template("/v1.47/containers/json?all=1&filters=%7B%7D") == "/containers/json");
    CHECK(endpoint_template("/v1.47/containers/create?name=web") == "/containers/create");
    CHECK(endpoint_template("/v1.47/containers/0123abcd?v=1&force=1") == "/containers/{id}");
    CHECK(endpoint_template("/v1.47/containers/web/stop?t=5") == "/containers/{id}/stop");
    CHECK(endpoint_template("/v1.47/images/create?fromImage=a&tag=b") == "/images/create");
    CHECK(endpoint_template("/v1.47/images/reg%3A5000%2Fapp%3Av2/json") == "/images/{name}/json");
    CHECK(endpoint_template("/v1.47/images/sha256%3Aabc?noprune=1") == "/images/{name}");
    CHECK(endpoint_template("/v1.47/images/prune?filters=x") == "/images/prune");
    CHECK(endpoint_template("/v1.47/distribution/reg%2Fapp%3A1/json") ==
          "/distribution/{name}/json");
    CHECK(endpoint_template("/v1.47/networks/front/connect") == "/networks/{id}/connect");
    CHECK(endpoint_template("/v1.47/services/stack_web/update?version=12") ==
          "/services/{id}/update");
    CHECK(endpoint_template("/v1.47/build?t=web%3Alatest&nocache=1") == "/build");
    CHECK(endpoint_template("/v1.47/events?filters=x") == "/events");
}

}  // namespace endpoint_template_test
