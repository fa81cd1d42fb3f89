#include "deploy/dry_run.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/log.hpp"
#include "deploy/executor.hpp"
#include "docker_client/error.hpp"

namespace agent {

namespace {

std::string plan_json(const deploy_plan& plan) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("success");
    w.Bool(true);
    w.Key("dry_run");
    w.Bool(true);
    for (auto [key, value] : {std::pair{"app", &plan.app}, {"container", &plan.container},
                              {"action", &plan.action}, {"image", &plan.image},
                              {"compared_with", &plan.compared_with}, {"note", &plan.note}}) {
        w.Key(key);
        w.String(*value);
    }
    w.Key("changes");
    w.StartArray();
    for (const auto& c : plan.changes) {
        w.StartObject();
        w.Key("field");
        w.String(c.field);
        w.Key("before");
        w.String(c.before);
        w.Key("after");
        w.String(c.after);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

boost::asio::awaitable<dry_run_result> dry_run_answer(deploy_engine engine, app_spec app) {
    log_journal journal;
    deploy_executor runner(engine, journal);
    try {
        deploy_plan plan = co_await runner.plan(app);
        co_return dry_run_result{outcome::done, plan_json(plan)};
    } catch (const docker_client::error& e) {
        spdlog::warn("dry run of {}: {}", app.name, e.what());
        co_return dry_run_result{outcome::unavailable, "engine error"};
    } catch (const std::exception& e) {
        spdlog::warn("dry run of {}: {}", app.name, e.what());
        co_return dry_run_result{outcome::not_found, "the app's container was not found"};
    }
}

}  // namespace agent
