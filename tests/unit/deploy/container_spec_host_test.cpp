// One test per aspect of the new container's HostConfig and networks (issue #10, item 2).

#include "spec_fixture.hpp"

namespace container_spec_host_test {

using namespace spec_test;

namespace {

std::string host(const char* field) {
    return spec_value(inputs("custom"), (std::string("/HostConfig/") + field).c_str());
}

}  // namespace

TEST_CASE("spec: anonymous volumes are mounted again by name at their destination", "[spec]") {
    auto container = parse(fixture("container_custom.json"));
    std::string binds = host("Binds");
    for (const auto& m : container["Mounts"].GetArray()) {
        // A bind mount has no "Name": read it only where it is.
        auto member = m.FindMember("Name");
        std::string name =
            member != m.MemberEnd() && member->value.IsString() ? member->value.GetString() : "";
        if (std::string(m["Type"].GetString()) == "volume" && name.size() == 64) {
            CHECK(binds.find(name + ":" + m["Destination"].GetString()) != std::string::npos);
        }
    }
    CHECK(binds.find(":/anon") != std::string::npos);
    CHECK(binds.find(":/data") != std::string::npos);  // the image's VOLUME: its data too
}

TEST_CASE("spec: a named volume is kept once", "[spec]") {
    std::string binds = host("Binds");
    CHECK(binds.find("fx-named:/named") != std::string::npos);
    CHECK(binds.find("fx-named:/named") == binds.rfind("fx-named:/named"));
}

TEST_CASE("spec: a read-only anonymous volume stays read-only", "[spec]") {
    auto in = inputs("defaults");
    in.old_container = edited(in.old_container, "/Mounts/0/RW", "false");
    CHECK(spec_value(in, "/HostConfig/Binds").find(":/data:ro") != std::string::npos);
}

TEST_CASE("spec: binds are kept", "[spec]") {
    CHECK(host("Binds").find("/tmp:/host-tmp:ro") != std::string::npos);
}

TEST_CASE("spec: tmpfs is kept", "[spec]") { CHECK(host("Tmpfs") == R"({"/run":"size=1m"})"); }

TEST_CASE("spec: published ports are kept", "[spec]") {
    CHECK(host("PortBindings") == R"({"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"18080"}]})");
}

TEST_CASE("spec: the restart policy is kept", "[spec]") {
    CHECK(host("RestartPolicy") == R"({"Name":"unless-stopped","MaximumRetryCount":0})");
}

TEST_CASE("spec: resources are kept", "[spec]") {
    CHECK(host("Memory") == "67108864");
    CHECK(host("CpuShares") == "512");
    CHECK(host("PidsLimit") == "100");
}

TEST_CASE("spec: ulimits are kept", "[spec]") {
    CHECK(host("Ulimits") == R"([{"Name":"nofile","Hard":2048,"Soft":1024}])");
}

TEST_CASE("spec: capabilities are kept", "[spec]") {
    CHECK(host("CapAdd") == R"(["CAP_NET_ADMIN"])");
    CHECK(host("CapDrop") == R"(["CAP_MKNOD"])");
}

TEST_CASE("spec: devices are kept", "[spec]") {
    CHECK(host("Devices").find(R"("PathInContainer":"/dev/xnull")") != std::string::npos);
}

TEST_CASE("spec: the log config is kept", "[spec]") {
    CHECK(host("LogConfig") == R"({"Type":"json-file","Config":{"max-size":"1m"}})");
}

TEST_CASE("spec: extra hosts are kept", "[spec]") {
    CHECK(host("ExtraHosts") == R"(["db.local:10.0.0.1"])");
}

TEST_CASE("spec: DNS servers and search domains are kept", "[spec]") {
    CHECK(host("Dns") == R"(["10.0.0.2"])");
    CHECK(host("DnsSearch") == R"(["example.org"])");
}

TEST_CASE("spec: sysctls are kept", "[spec]") {
    CHECK(host("Sysctls") == R"({"net.ipv4.ip_forward":"1"})");
}

TEST_CASE("spec: security options are kept", "[spec]") {
    CHECK(host("SecurityOpt") == R"(["no-new-privileges"])");
}

TEST_CASE("spec: init is kept", "[spec]") { CHECK(host("Init") == "true"); }

TEST_CASE("spec: shm size is kept", "[spec]") { CHECK(host("ShmSize") == "16777216"); }

TEST_CASE("spec: group add is kept", "[spec]") { CHECK(host("GroupAdd") == R"(["123"])"); }

TEST_CASE("spec: the oom score is kept", "[spec]") { CHECK(host("OomScoreAdj") == "100"); }

TEST_CASE("spec: read-only root and privileged are kept", "[spec]") {
    CHECK(host("ReadonlyRootfs") == "true");
    CHECK(spec_value(inputs("netmode"), "/HostConfig/Privileged") == "true");
}

TEST_CASE("spec: every network keeps its aliases, minus the old short id", "[spec]") {
    std::string aliases =
        spec_value(inputs("custom"), "/NetworkingConfig/EndpointsConfig/fx-net/Aliases");
    CHECK(aliases.find("\"web\"") != std::string::npos);
    CHECK(aliases.find("\"www\"") != std::string::npos);
    auto id = std::string(parse(fixture("container_custom.json"))["Id"].GetString());
    CHECK(aliases.find(id.substr(0, 12)) == std::string::npos);
}

TEST_CASE("spec: a second network is kept with its own aliases", "[spec]") {
    auto in = inputs("custom");
    in.old_container = edited(in.old_container, "/NetworkSettings/Networks/backend",
                              R"({"Aliases":["api"],"IPAMConfig":null})");
    auto spec = spec_of(in);
    CHECK(json(at(spec, "/NetworkingConfig/EndpointsConfig/backend/Aliases")) == R"(["api"])");
    CHECK(at(spec, "/NetworkingConfig/EndpointsConfig/fx-net") != nullptr);
}

TEST_CASE("spec: the static IPv4 and IPv6 addresses are kept", "[spec]") {
    auto in = inputs("custom");
    CHECK(spec_value(in, "/NetworkingConfig/EndpointsConfig/fx-net/IPAMConfig") ==
          R"({"IPv4Address":"10.231.0.50"})");
    in.old_container =
        edited(in.old_container, "/NetworkSettings/Networks/fx-net/IPAMConfig/IPv6Address",
               R"("fd00::50")");
    CHECK(spec_value(in, "/NetworkingConfig/EndpointsConfig/fx-net/IPAMConfig/IPv6Address") ==
          R"("fd00::50")");
}

TEST_CASE("spec: links on a user network are kept", "[spec]") {
    CHECK(spec_value(inputs("custom"), "/NetworkingConfig/EndpointsConfig/fx-net/Links") ==
          R"(["fx-linked:db"])");
}

TEST_CASE("spec: legacy links are written as create takes them", "[spec]") {
    auto in = inputs("defaults");
    in.old_container =
        edited(in.old_container, "/HostConfig/Links", R"(["/db:/fx-defaults/database"])");
    CHECK(spec_value(in, "/HostConfig/Links") == R"(["db:database"])");
}

TEST_CASE("spec: network_mode container: keeps the mode and names its target", "[spec]") {
    auto in = inputs("netmode");
    CHECK(spec_value(in, "/HostConfig/NetworkMode").starts_with("\"container:"));
    CHECK(spec_value(in, "/NetworkingConfig") == "(absent)");
    auto target = agent::network_mode_target(in.old_container);
    REQUIRE(target);
    CHECK(target->size() == 64);
    CHECK_FALSE(agent::network_mode_target(inputs("custom").old_container));
}

}  // namespace container_spec_host_test
