// The recreate sequence: the old container keeps serving until the stop, and every exit path
// before the switch is final goes through the one rollback.

#include "deploy/recreate.hpp"

#include <cstdlib>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "common/log.hpp"

namespace agent {

namespace {

struct sequence {
    recreate_context ctx;
    recreate_plan& plan;
    recreate_progress progress;
    bool renamed = false;
    std::string new_id;

    void say(std::string_view message) { ctx.journal.step(plan.job.id, message); }

    // Recorded before the step is taken; a failure to record is a failure of the step.
    net::awaitable<void> before(const char* step) {
        progress.step = step;
        progress.new_id = new_id;
        co_await ctx.journal.recreate_step(progress);
        if (ctx.before_step) {
            co_await ctx.before_step(step);
        }
    }
};

net::awaitable<std::string> switch_over(sequence& s) {
    auto& docker = s.ctx.containers;
    const auto& app = s.plan.app;
    const auto& old = s.plan.old;
    if (s.ctx.stopping) {
        co_return "the agent is stopping; nothing was changed";
    }
    co_await s.before("rename");
    co_await docker.rename_container(old.id, s.progress.parked_name);
    s.renamed = true;
    s.say(fmt::format("renamed the old container {} ({}) to {}; it still serves", app.container,
                      short_id(old.id), s.progress.parked_name));
    co_await s.before("create");
    s.new_id = co_await docker.create_container(app.container, s.plan.spec);
    s.say(fmt::format("created {} ({}) from {} ({})", app.container, short_id(s.new_id),
                      app.image, short_id(s.plan.new_image.id)));
    co_await s.before("stop");
    co_await docker.stop_container(old.id, {});
    s.say(fmt::format("stopped the old container ({})", short_id(old.id)));
    co_await s.before("start");
    co_await docker.start_container(s.new_id);
    s.say(fmt::format("started {} ({})", app.container, short_id(s.new_id)));
    co_await s.before("health");
    co_return co_await wait_healthy(s.ctx, app.health, s.plan.job.id, s.new_id);
}

// Remove new, rename old back, start old; every step is tried, and logged. Returns "" or the
// state left behind with the commands a person would run.
net::awaitable<std::string> roll_back(sequence& s) {
    auto& docker = s.ctx.containers;
    const auto& name = s.plan.app.container;
    const auto& old_id = s.plan.old.id;
    std::vector<std::string> broken;
    if (!s.new_id.empty()) {
        try {
            co_await docker.remove_container(s.new_id, {.force = true, .remove_volumes = false});
            s.say(fmt::format("rollback: removed the new container ({})", short_id(s.new_id)));
        } catch (const std::exception& e) {
            broken.push_back(fmt::format("removing the new container failed ({}): run docker rm "
                                         "-f {}", e.what(), short_id(s.new_id)));
        }
    }
    if (s.renamed && broken.empty()) {
        try {
            co_await docker.rename_container(old_id, name);
            s.say(fmt::format("rollback: renamed the old container back to {}", name));
        } catch (const std::exception& e) {
            broken.push_back(fmt::format("renaming the old container back failed ({}): run "
                                         "docker rename {} {}", e.what(), short_id(old_id), name));
        }
    }
    try {
        co_await docker.start_container(old_id);
        s.say(fmt::format("rollback: the old container {} ({}) is running", name, short_id(old_id)));
    } catch (const std::exception& e) {
        broken.push_back(fmt::format("starting the old container failed ({}): run docker start {}",
                                     e.what(), short_id(old_id)));
    }
    co_return fmt::format("{}", fmt::join(broken, "; "));
}

net::awaitable<void> finish_switch(sequence& s) {
    auto& docker = s.ctx.containers;
    try {
        co_await s.before("remove");
    } catch (const std::exception& e) {
        s.say(fmt::format("warning: could not record the removal step: {}", e.what()));
    }
    // The new container serves: a failure here is only a warning on a succeeded deploy.
    try {
        co_await docker.remove_container(s.plan.old.id, {.force = true, .remove_volumes = false});
        s.say(fmt::format("removed the old container ({})", short_id(s.plan.old.id)));
    } catch (const std::exception& e) {
        s.say(fmt::format("warning: the old container {} ({}) could not be removed: {}; remove it "
                          "with docker rm -f {}",
                          s.progress.parked_name, short_id(s.plan.old.id), e.what(),
                          short_id(s.plan.old.id)));
    }
    if (s.plan.app.cleanup && s.plan.old.image_id != s.plan.new_image.id) {
        try {
            co_await s.ctx.images.remove_image(s.plan.old.image_id, {});
            s.say(fmt::format("cleanup: removed the old image ({})", short_id(s.plan.old.image_id)));
        } catch (const std::exception& e) {
            s.say(fmt::format("warning: cleanup could not remove the old image ({}): {}",
                              short_id(s.plan.old.image_id), e.what()));
        }
    }
}

}  // namespace

std::string parked_name(const std::string& container, std::int64_t deployment_id) {
    return fmt::format("{}-parked-{}", container, deployment_id);
}

net::awaitable<deploy_result> run_recreate(recreate_context ctx, recreate_plan plan) {
    const auto& app = plan.app;
    sequence s{ctx, plan,
               recreate_progress{plan.job.id, app.name, app.container, plan.old.id,
                                 parked_name(app.container, plan.job.id), "", ""},
               false,
               ""};
    std::string failure;
    try {
        failure = co_await switch_over(s);
    } catch (const std::exception& e) {
        failure = e.what();
    }
    if (failure.empty()) {
        co_await finish_switch(s);
        ctx.journal.recreate_ended(plan.job.id);
        ctx.journal.finished(plan.job.id, app.name, deploy_result::succeeded, app.image, "");
        co_return deploy_result::succeeded;
    }
    s.say(fmt::format("the new version failed ({}); rolling back", failure));
    std::string broken = co_await roll_back(s);
    ctx.journal.recreate_ended(plan.job.id);
    if (!broken.empty()) {
        ctx.journal.finished(plan.job.id, app.name, deploy_result::failed, plan.old.image,
                             fmt::format("{}; the rollback failed too: {}", failure, broken));
        co_return deploy_result::failed;
    }
    ctx.journal.finished(plan.job.id, app.name, deploy_result::rolled_back, plan.old.image,
                         failure);
    co_return deploy_result::rolled_back;
}

}  // namespace agent
