#include "support/recreate_rig.hpp"

#include <catch2/catch.hpp>

#include "docker_client/client.hpp"
#include "docker_client/error.hpp"
#include "support/http_client.hpp"
#include "support/run_async.hpp"

namespace rig {

namespace dc = docker_client;

std::string web_dockerfile(const std::string& version, const std::string& extra_lines,
                           const std::string& root, const std::string& cmd) {
    return "RUN mkdir -p " + root + " && echo " + version + " > " + root + "/index.html\n" +
           extra_lines + "\n" +
           (cmd.empty() ? "CMD [\"sh\", \"-c\", \"trap 'exit 0' TERM; httpd -f -p 80 -h " + root +
                              " & wait\"]\n"
                        : cmd + "\n");
}

std::string recording_journal::transcript() const {
    std::string out;
    for (const auto& s : steps) {
        out += s + "\n";
    }
    return out + "error: " + error + "\n";
}

web_app::web_app(const std::string& prefix, const std::string& dockerfile_lines,
                 const std::vector<std::string>& run_args, const std::string& registry,
                 const std::string& cli_config)
    : name(test::unique_name("da-rc-" + prefix)),
      image((registry.empty() ? test::registry() : registry) + "/" +
            test::unique_name("da-rc-" + prefix) + ":latest"),
      cli_config_(cli_config) {
    push_version(dockerfile_lines);
    std::vector<std::string> args{"run", "-d", "--name", name, "--label", "io.deploy-agent.test=1",
                                  "-p", "127.0.0.1::80"};
    args.insert(args.end(), run_args.begin(), run_args.end());
    args.push_back(image);
    test::docker_ok(args);
}

web_app::~web_app() {
    for (const auto& c : {name, name + "-parked-1"}) {
        test::docker({"rm", "-f", "-v", c});
    }
    for (const auto& id : images_) {
        test::docker({"rmi", "-f", id});
    }
    test::docker({"rmi", "-f", image});
}

std::string web_app::push_version(const std::string& dockerfile_lines) {
    std::string id = test::build_image(image, dockerfile_lines);
    images_.push_back(id);
    if (cli_config_.empty()) {
        test::docker_ok({"push", image});
    } else {
        test::docker_ok({"--config", cli_config_, "push", image});
    }
    return id;
}

unsigned short web_app::port() const {
    std::string out = inspect(name, "{{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostPort}}");
    return out.empty() ? 0 : static_cast<unsigned short>(std::stoi(out));
}

std::string web_app::get() const {
    auto p = port();
    if (p == 0) {
        return "";
    }
    try {
        auto res = test::http_request(p, "GET", "/");
        return res.status == 200 ? res.body : "";
    } catch (const std::exception&) {
        return "";
    }
}

agent::app_spec web_app::spec() const {
    agent::app_spec app;
    app.name = "web";
    app.container = name;
    app.image = image;
    app.strategy = agent::deploy_strategy::pull;
    app.health.timeout = std::chrono::seconds(20);
    app.health.stable_for = std::chrono::seconds(2);
    return app;
}

std::string inspect(const std::string& name, const std::string& format) {
    auto r = test::docker({"inspect", "--format", format, name});
    if (r.exit_code != 0) {
        return "";
    }
    auto out = r.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
        out.pop_back();
    }
    return out;
}

void failing_docker::maybe_fail(const char* call) {
    if (failures_left_ > 0 && fail_ == call) {
        --failures_left_;
        throw dc::error(500, "injected fault", std::string(call) + " (fault injected by the test)");
    }
}

net::awaitable<std::optional<dc::container_info>> failing_docker::inspect_container(
    std::string name_or_id) {
    return next_.inspect_container(std::move(name_or_id));
}

net::awaitable<std::string> failing_docker::create_container(
    std::string name, docker_client::container_create_request request) {
    maybe_fail("create");
    return next_.create_container(std::move(name), std::move(request));
}

net::awaitable<void> failing_docker::start_container(std::string id) {
    maybe_fail("start");
    return next_.start_container(std::move(id));
}

net::awaitable<void> failing_docker::stop_container(std::string id, dc::stop_options o) {
    maybe_fail("stop");
    return next_.stop_container(std::move(id), o);
}

net::awaitable<void> failing_docker::restart_container(std::string id, dc::stop_options o) {
    return next_.restart_container(std::move(id), o);
}

net::awaitable<void> failing_docker::rename_container(std::string id, std::string new_name) {
    maybe_fail("rename");
    return next_.rename_container(std::move(id), std::move(new_name));
}

net::awaitable<void> failing_docker::remove_container(std::string id, dc::remove_options o) {
    maybe_fail("remove");
    return next_.remove_container(std::move(id), o);
}

net::awaitable<std::vector<dc::container_summary>> failing_docker::list_containers(
    dc::container_list_options o) {
    return next_.list_containers(std::move(o));
}

net::awaitable<void> failing_docker::kill_container(std::string id, std::string signal) {
    return next_.kill_container(std::move(id), std::move(signal));
}

net::awaitable<dc::wait_result> failing_docker::wait_container(std::string id, dc::wait_options o) {
    return next_.wait_container(std::move(id), o);
}

net::awaitable<dc::container_logs> failing_docker::logs(std::string id, dc::log_options o) {
    return next_.logs(std::move(id), o);
}

namespace {

net::awaitable<agent::deploy_result> deploy_once(net::any_io_executor ex, agent::app_spec app,
                                                 recording_journal* journal,
                                                 std::string fail_call, agent::environment env) {
    dc::client_options options;
    options.host = test::docker_host();
    auto client = dc::make_client(ex, options);
    failing_docker docker(*client, fail_call);
    agent::deploy_executor runner(agent::deploy_engine{docker, *client, *client}, *journal, nullptr,
                                  agent::deploy_settings{std::move(env), {}});
    agent::deploy_job job{1, agent::planned_job{app.name, "deploy", "test", "", "", true}};
    co_return co_await runner.run(app, job);
}

}  // namespace

agent::deploy_result run_deploy(const agent::app_spec& app, recording_journal& journal,
                                const std::string& fail_call, agent::environment env) {
    net::io_context io;
    auto result = net::co_spawn(io,
                                deploy_once(io.get_executor(), app, &journal, fail_call,
                                            std::move(env)),
                                net::use_future);
    io.run();
    return result.get();
}

}  // namespace rig
