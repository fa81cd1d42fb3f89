// Per-call overhead of docker-client against the same Engine API calls made with
// `curl --unix-socket`, printed as ratios from one run. Not a test: nothing is asserted.
//
//   DOCKER_HOST=unix:///tmp/da-engine/docker.sock build/bench/docker_client_bench [iterations]
//
// curl runs once per operation with all iterations chained by --next (one process, so process
// start-up is paid once); docker-client opens one connection per call, as the agent does.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <rapidjson/document.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "docker_client/client.hpp"

namespace dc = docker_client;
namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr const char* bench_image = "da-test/busybox:base";

std::string socket_path(const std::string& host) {
    return host.starts_with("unix://") ? host.substr(7) : std::string();
}

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

double run_curl(const std::string& sock, const std::vector<std::string>& per_call_args, int n) {
    // One curl process; every --next starts a new request group, which resets the options.
    std::string cmd = "curl";
    for (int i = 0; i < n; ++i) {
        cmd += (i == 0 ? " " : " --next ") + std::string("--unix-socket ") + quote(sock) +
               " -s -o /dev/null";
        for (const auto& arg : per_call_args) {
            std::string a = arg;
            for (auto pos = a.find("{i}"); pos != std::string::npos; pos = a.find("{i}")) {
                a.replace(pos, 3, std::to_string(i));
            }
            cmd += " " + quote(a);
        }
    }
    auto t0 = clock_type::now();
    int rc = std::system(cmd.c_str());
    auto dt = std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
    if (rc != 0) {
        std::fprintf(stderr, "curl failed (%d)\n", rc);
    }
    return dt / n;
}

template <class Make>
double run_client(int n, Make make) {
    net::io_context io;
    auto t0 = clock_type::now();
    auto f = net::co_spawn(io, make(io.get_executor(), n), net::use_future);
    io.run();
    f.get();
    return std::chrono::duration<double, std::micro>(clock_type::now() - t0).count() / n;
}

net::awaitable<void> client_ping(net::any_io_executor ex, dc::client_options o, int n) {
    auto c = dc::make_client(ex, o);
    co_await c->ping();
    for (int i = 0; i < n; ++i) {
        co_await c->ping();
    }
}

net::awaitable<void> client_inspect(net::any_io_executor ex, dc::client_options o, int n,
                                    std::string name) {
    auto c = dc::make_client(ex, o);
    co_await c->ping();
    for (int i = 0; i < n; ++i) {
        co_await c->inspect_container(name);
    }
}

net::awaitable<void> client_list(net::any_io_executor ex, dc::client_options o, int n) {
    auto c = dc::make_client(ex, o);
    co_await c->ping();
    dc::container_list_options filter;
    filter.labels.push_back("io.deploy-agent.bench=1");
    for (int i = 0; i < n; ++i) {
        co_await c->list_containers(filter);
    }
}

net::awaitable<void> client_create_remove(net::any_io_executor ex, dc::client_options o, int n) {
    auto c = dc::make_client(ex, o);
    co_await c->ping();
    std::string text =
        std::string(R"({"Image":")") + bench_image +
        R"(","Cmd":["true"],"Labels":{"io.deploy-agent.test":"1","io.deploy-agent.bench":"1"}})";
    auto body = std::make_shared<rapidjson::Document>();
    body->Parse(text.data(), text.size());
    const dc::container_create_request request{std::move(body)};
    for (int i = 0; i < n; ++i) {
        std::string name = "da-bench-client-" + std::to_string(i);
        auto id = co_await c->create_container(name, request);
        co_await c->remove_container(id, {});
    }
}

}  // namespace

int main(int argc, char** argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 50;
    dc::client_options o = dc::options_from_environment();
    std::string sock = socket_path(o.host);
    if (sock.empty()) {
        std::fprintf(stderr, "needs DOCKER_HOST=unix://… (curl compares over the same socket)\n");
        return 2;
    }
    std::string version;
    {
        net::io_context io;
        auto f = net::co_spawn(
            io,
            [](net::any_io_executor ex, dc::client_options opts) -> net::awaitable<std::string> {
                auto c = dc::make_client(ex, opts);
                auto v = co_await c->ping();
                co_return v.api_version;
            }(io.get_executor(), o),
            net::use_future);
        io.run();
        version = f.get();
    }
    const std::string base = "http://docker/v" + version;
    std::system(("docker -H " + quote(o.host) +
                 " rm -f da-bench-target >/dev/null 2>&1; docker -H " + quote(o.host) +
                 " create --name da-bench-target --label io.deploy-agent.test=1 " + bench_image +
                 " true >/dev/null")
                    .c_str());

    struct row {
        const char* name;
        double client_us;
        double curl_us;
    };
    std::vector<row> rows;
    rows.push_back({"ping", run_client(n, [&](auto ex, int k) { return client_ping(ex, o, k); }),
                    run_curl(sock, {"http://docker/_ping"}, n)});
    rows.push_back(
        {"inspect",
         run_client(n, [&](auto ex, int k) { return client_inspect(ex, o, k, "da-bench-target"); }),
         run_curl(sock, {base + "/containers/da-bench-target/json"}, n)});
    rows.push_back(
        {"list (label filter)",
         run_client(n, [&](auto ex, int k) { return client_list(ex, o, k); }),
         run_curl(sock,
                  {base + "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22io.deploy-agent."
                          "bench%3D1%22%5D%7D"},
                  n)});
    std::string create_body = std::string(R"({"Image":")") + bench_image +
                              R"(","Cmd":["true"],"Labels":{"io.deploy-agent.test":"1"}})";
    double client_cr =
        run_client(n, [&](auto ex, int k) { return client_create_remove(ex, o, k); });
    double curl_create = run_curl(sock,
                                  {"-X", "POST", "-H", "Content-Type: application/json", "-d",
                                   create_body, base + "/containers/create?name=da-bench-curl-{i}"},
                                  n);
    double curl_remove =
        run_curl(sock, {"-X", "DELETE", base + "/containers/da-bench-curl-{i}"}, n);
    rows.push_back({"create+remove", client_cr, curl_create + curl_remove});
    std::system(("docker -H " + quote(o.host) + " rm -f da-bench-target >/dev/null 2>&1").c_str());

    std::printf("docker-client vs curl --unix-socket, API %s, %d calls each\n", version.c_str(), n);
    std::printf("%-22s %14s %14s %8s\n", "call", "client us/call", "curl us/call", "ratio");
    for (const auto& r : rows) {
        std::printf("%-22s %14.1f %14.1f %8.2f\n", r.name, r.client_us, r.curl_us,
                    r.client_us / r.curl_us);
    }
    return 0;
}
