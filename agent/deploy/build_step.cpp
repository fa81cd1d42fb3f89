#include "deploy/build_step.hpp"

#include <exception>
#include <stdexcept>
#include <variant>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "common/clock.hpp"
#include "engine/app_identity.hpp"
#include "manifest/syntax.hpp"

namespace agent {

namespace {

using namespace net::experimental::awaitable_operators;

// The build's result or its exception: the branch raced against the timer must not throw
// (asio#900), so the exception travels as a value.
struct build_outcome {
    std::string image_id;
    std::exception_ptr failure;
};

net::awaitable<build_outcome> build_caught(docker_client::image_api* docker,
                                           docker_client::build_options options,
                                           bounded_build_log* log) {
    build_outcome out;
    try {
        auto on_line = [log](std::string_view line) { log->line(line); };
        docker_client::build_result r = co_await docker->build_image(std::move(options), on_line);
        out.image_id = std::move(r.image_id);
    } catch (...) {
        out.failure = std::current_exception();
    }
    co_return out;
}

docker_client::build_options options_for(const app_spec& app, const build_request& request) {
    const build_spec& b = *app.build;
    docker_client::build_options o;
    o.context_dir = b.context;
    o.dockerfile = b.dockerfile;
    o.tags = {app.image};
    o.no_cache = b.no_cache;
    o.pull = b.pull;
    o.build_args = b.args;
    o.target = b.target.value_or("");
    o.labels = {{"io.deploy-agent.app", app.name},
                {"io.deploy-agent.deployment", std::to_string(request.deployment_id)}};
    // The classic builder turns each label into a LABEL step of its own (a container each,
    // about 0.4 s): three labels, not a fourth that repeats the commit.
    if (!request.commit.empty()) {
        o.labels.emplace("io.deploy-agent.commit", request.commit);
    }
    if (auto auth = registry_credentials(app, request.env)) {
        o.registry_auths.push_back(std::move(*auth));
    }
    return o;
}

}  // namespace

void bounded_build_log::line(std::string_view text) {
    ++seen_;
    if (seen_ > limits_.max_lines) {
        return;
    }
    if (text.size() > limits_.max_line_chars) {
        sink_(std::string(text.substr(0, limits_.max_line_chars)) + "…");
        return;
    }
    sink_(text);
}

void bounded_build_log::finish() {
    if (seen_ > limits_.max_lines) {
        sink_(fmt::format("… {} more build output lines not recorded", seen_ - limits_.max_lines));
    }
}

net::awaitable<std::string> build_app_image(docker_client::image_api& docker, const app_spec& app,
                                            build_request request, step_sink step) {
    if (!app.build) {
        throw std::runtime_error("strategy build needs a build section");
    }
    const auto timeout = app.build->timeout;
    auto options = options_for(app, request);
    step(fmt::format("building {} from {} ({}{}{})", app.image, app.build->context,
                     app.build->dockerfile, app.build->no_cache ? ", no cache" : "",
                     app.build->pull ? ", pulling the base image" : ""));
    bounded_build_log log(step, request.limits);
    auto raced = co_await (build_caught(&docker, std::move(options), &log) || sleep_for(timeout));
    log.finish();
    if (raced.index() == 1) {
        throw std::runtime_error(fmt::format("the build took longer than build.timeout ({}) and "
                                             "was cancelled",
                                             format_duration(timeout)));
    }
    build_outcome outcome = std::move(std::get<0>(raced));
    if (outcome.failure) {
        std::rethrow_exception(outcome.failure);
    }
    step(fmt::format("built {} ({})", app.image, outcome.image_id.substr(0, 19)));
    co_return outcome.image_id;
}

}  // namespace agent
