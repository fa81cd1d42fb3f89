// Issue 18, item 3: the inspect answer is a value parsed once, and the create request built from
// it is a value that docker-client writes once. Every HostConfig setting the agent has no name
// for reaches the request as it was, compared as values: nothing on the way is text.

#include "create_body.hpp"
#include "spec_fixture.hpp"

namespace create_request_carry_over_test {

using namespace spec_test;

namespace {

namespace rj = rapidjson;

// The custom fixture's answer with settings no engine has (yet): every kind of JSON value.
docker_client::container_info with_unknown_settings() {
    auto in = inputs("custom");
    auto doc = std::make_shared<rj::Document>();
    auto& a = doc->GetAllocator();
    doc->CopyFrom(*in.old_container.document, a);
    rj::Value& host = (*doc)["HostConfig"];
    rj::Value nested(rj::kObjectType);
    nested.AddMember("Depth", rj::Value(rj::kArrayType).PushBack(1.5, a).PushBack(false, a), a);
    nested.AddMember("Note", "caf\xc3\xa9 \"quoted\"", a);
    host.AddMember("FutureObject", nested, a);
    host.AddMember("FutureNull", rj::Value(rj::kNullType), a);
    host.AddMember("FutureNumber", rj::Value(std::int64_t{1} << 40), a);
    host.AddMember("FutureEmpty", rj::Value(rj::kArrayType), a);
    auto info = in.old_container;
    info.document = std::move(doc);
    return info;
}

}  // namespace

TEST_CASE("create request: every HostConfig setting of the inspect value is carried over",
          "[spec]") {
    auto in = inputs("custom");
    in.old_container = with_unknown_settings();
    const auto request = agent::build_container_spec(in);
    REQUIRE(request.body != nullptr);
    const rj::Value& before = (*in.old_container.document)["HostConfig"];
    const rj::Value* after = at(request.body, "/HostConfig");
    REQUIRE(after != nullptr);
    REQUIRE(after->IsObject());
    std::size_t carried = 0;
    for (const auto& m : before.GetObject()) {
        std::string name = m.name.GetString();
        INFO("HostConfig." << name);
        auto it = after->FindMember(m.name);
        REQUIRE(it != after->MemberEnd());
        // Binds gain the anonymous volumes; every other value stays as the engine sent it.
        if (name != "Binds") {
            const bool same = it->value == m.value;
            CHECK(same);
            ++carried;
        }
    }
    CHECK(carried + 1 == before.MemberCount());
    CHECK(after->MemberCount() == before.MemberCount());
    CHECK(json(at(request.body, "/HostConfig/FutureObject/Note")) == R"("café \"quoted\"")");
}

TEST_CASE("create request: the inspect value stays as the engine sent it", "[spec]") {
    auto in = inputs("custom");
    const std::string before = test::json_text(in.old_container.document);
    agent::build_container_spec(in);
    CHECK(test::json_text(in.old_container.document) == before);
}

TEST_CASE("create request: docker-client writes the request as built when the API is current",
          "[spec]") {
    auto in = inputs("custom");
    in.old_container = with_unknown_settings();
    const auto request = agent::build_container_spec(in);
    auto adapted = docker_client::detail::adapt_create_body(*request.body, "1.47");
    CHECK(adapted.body == test::json_text(request.body));
    CHECK(adapted.connect_after.empty());
}

TEST_CASE("create request: adapting to an old API leaves the caller's request as it was",
          "[spec]") {
    auto request = test::create_request(
        R"({"Image":"x","HostConfig":{"NetworkMode":"front"},"NetworkingConfig":{"EndpointsConfig":)"
        R"({"front":{"Aliases":["a"]},"back":{"Aliases":["b"]}}}})");
    const std::string before = test::json_text(request.body);
    auto adapted = docker_client::detail::adapt_create_body(*request.body, "1.41");
    CHECK(test::json_text(request.body) == before);
    REQUIRE(adapted.connect_after.size() == 1);
    CHECK(adapted.connect_after[0].first == "back");
    CHECK(adapted.connect_after[0].second == R"({"Aliases":["b"]})");
    CHECK(adapted.body.find("\"back\"") == std::string::npos);
}

}  // namespace create_request_carry_over_test
