#include "notify/commit_status.hpp"

#include <map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "common/url.hpp"

namespace agent::notify {

struct commit_status_reporter::state {
    net::any_io_executor executor;
    std::unique_ptr<transport> sender;
    manifest_source manifests;
    commit_status_options options;
    std::size_t in_flight = 0;
    // Deployments whose pending status is still being sent: their outcome waits for it, so
    // that the forge's last word is the outcome.
    std::map<std::int64_t, std::shared_ptr<bool>> pending;
};

namespace {

// GitHub refuses a longer description (422).
constexpr std::size_t max_description = 140;

std::string cut_description(std::string text) {
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20) {
            c = ' ';
        }
    }
    if (text.size() <= max_description) {
        return text;
    }
    std::size_t end = max_description - 3;
    // Not in the middle of a UTF-8 sequence.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    return text.substr(0, end) + "...";
}

std::string gitlab_state(std::string_view state) {
    if (state == "pending") {
        return "running";
    }
    return state == "success" ? "success" : "failed";
}

std::string status_problem(const post_result& r) {
    return r.error.empty() ? fmt::format("answered {}", r.status) : r.error;
}

net::awaitable<void> send_status(commit_status_reporter::state& s, status_request req,
                                 commit_status status, std::int64_t id,
                                 std::shared_ptr<bool> wait_for) {
    // The outcome goes after the pending status, whatever became of it.
    while (wait_for && !*wait_for) {
        net::steady_timer pause(s.executor, std::chrono::milliseconds(20));
        auto [ec] = co_await pause.async_wait(net::as_tuple(net::use_awaitable));
        if (ec) {
            co_return;
        }
    }
    auto delay = s.options.first_retry;
    for (std::size_t attempt = 1;; ++attempt) {
        post_result r = co_await s.sender->post(req.where, req.request, s.options.timeout);
        // 4xx other than 408/429 will not get better by asking again (a bad token, no access).
        const bool permanent = r.error.empty() && r.status >= 400 && r.status < 500 &&
                               r.status != 408 && r.status != 429;
        if (r.delivered()) {
            spdlog::info("commit status {} of deployment {} ({} {}) posted to {} {} (attempt {})",
                         status.state, id, status.context, status.sha.substr(0, 12),
                         status.forge, req.where.shown, attempt);
            co_return;
        }
        if (attempt >= s.options.attempts || permanent) {
            spdlog::warn("commit status {} of deployment {} to {} {}: {}; gave up after {} "
                         "attempt(s)",
                         status.state, id, status.forge, req.where.shown, status_problem(r),
                         attempt);
            co_return;
        }
        spdlog::warn("commit status {} of deployment {} to {} {}: {}; retrying in {} ms",
                     status.state, id, status.forge, req.where.shown, status_problem(r),
                     delay.count());
        net::steady_timer timer(s.executor, delay);
        auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
        if (ec) {
            co_return;
        }
        delay *= 2;
    }
}

net::awaitable<void> deliver_status(std::shared_ptr<commit_status_reporter::state> s,
                                    status_request req, commit_status status, std::int64_t id,
                                    std::shared_ptr<bool> done, std::shared_ptr<bool> wait_for) {
    try {
        co_await send_status(*s, std::move(req), status, id, std::move(wait_for));
    } catch (const std::exception& e) {
        // Never out of a detached coroutine: it would end the agent's event loop.
        spdlog::error("commit status of deployment {}: {}", id, e.what());
    }
    if (done) {
        *done = true;
    }
    --s->in_flight;
}

}  // namespace

commit_status_options commit_status_options_from_environment(const environment& env,
                                                             const notifier_options& notify) {
    commit_status_options o;
    if (const char* v = env.get("GITHUB_API_URL"); v != nullptr && *v != '\0') {
        const std::string_view url = v;
        const bool tls = url.starts_with("https://");
        std::string problem;
        std::optional<url_parts> parts;
        if (tls || url.starts_with("http://")) {
            parts = split_url(url.substr(tls ? 8 : 7), &problem);
        } else {
            problem = "is not an https:// URL";
        }
        if (parts && !tls && !is_loopback_host(parts->host)) {
            problem = "is http:// to a host that is not loopback (the token would cross the "
                      "network in clear)";
            parts.reset();
        }
        if (!parts) {
            throw std::invalid_argument("GITHUB_API_URL: '" + std::string(url) + "' " + problem);
        }
        o.github_api_url = std::string(url);
        while (o.github_api_url.ends_with('/')) {
            o.github_api_url.pop_back();
        }
    }
    o.public_url = notify.public_url;
    o.attempts = notify.attempts;
    o.first_retry = notify.first_retry;
    o.timeout = notify.timeout;
    o.secrets = notify.secrets;
    o.token_of = [env](std::string_view name) -> std::optional<std::string> {
        const char* value = env.get(std::string(name).c_str());
        if (value == nullptr) {
            return std::nullopt;
        }
        std::string token = std::string(trim(value));
        return token.empty() ? std::nullopt : std::optional<std::string>(std::move(token));
    };
    return o;
}

std::optional<status_request> render_status(const commit_status& status, std::string_view base,
                                            std::string_view token, std::string& problem) {
    const auto slash = status.repository.find('/');
    if (slash == std::string::npos || status.sha.empty()) {
        problem = "no repository or commit";
        return std::nullopt;
    }
    std::string url(base);
    json_writer body;
    body.begin_object();
    std::string authorization;
    if (status.forge == "gitlab") {
        url += "/api/v4/projects/" + percent_encode(status.repository) + "/statuses/" +
               percent_encode(status.sha);
        body.key("state").string(gitlab_state(status.state));
        authorization = "Bearer ";
    } else {
        const std::string owner = percent_encode(status.repository.substr(0, slash));
        const std::string name = percent_encode(status.repository.substr(slash + 1));
        url += (status.forge == "gitea" ? "/api/v1/repos/" : "/repos/") + owner + "/" + name +
               "/statuses/" + percent_encode(status.sha);
        body.key("state").string(status.state);
        authorization = status.forge == "gitea" ? "token " : "Bearer ";
    }
    if (!status.target_url.empty()) {
        body.key("target_url").string(status.target_url);
    }
    body.key("description").string(cut_description(status.description));
    body.key("context").string(status.context);
    body.end_object();
    auto where = parse_target(url, problem);
    if (!where) {
        return std::nullopt;
    }
    where->kind = target_kind::json;
    status_request req{std::move(*where), {}};
    req.request.content_type = "application/json";
    req.request.headers = {{"Authorization", authorization + std::string(token)},
                           {"Accept", status.forge == "github" ? "application/vnd.github+json"
                                                              : "application/json"},
                           {"User-Agent", "deploy-agent"}};
    req.request.body = body.take();
    return req;
}

std::string_view status_state_of(deployment_state state) {
    if (!is_terminal(state)) {
        return "";
    }
    switch (state) {
        case deployment_state::succeeded:
            return "success";
        case deployment_state::failed:
        case deployment_state::rolled_back:
            return "failure";
        default:
            return "error";
    }
}

commit_status_reporter::commit_status_reporter(net::any_io_executor executor,
                                               std::unique_ptr<transport> transport,
                                               manifest_source manifests,
                                               commit_status_options options)
    : state_(std::make_shared<state>(state{std::move(executor), std::move(transport),
                                           std::move(manifests), std::move(options), 0, {}})) {}

std::size_t commit_status_reporter::in_flight() const { return state_->in_flight; }

void commit_status_reporter::deployment_started(std::int64_t id, const planned_job& job) {
    report(id, job.app, job.trigger, job.commit, "pending", "deploying " + job.app);
}

void commit_status_reporter::deployment_finished(const deployment_record& ended) {
    const std::string_view state = status_state_of(ended.state);
    if (state.empty()) {
        return;
    }
    std::string description = std::string(to_string(ended.state));
    if (!ended.error.empty()) {
        description += ": " + redact(ended.error, state_->options.secrets);
    }
    report(ended.id, ended.app, ended.trigger, ended.commit, std::string(state),
           std::move(description));
}

void commit_status_reporter::report(std::int64_t id, const std::string& app,
                                    const std::string& forge, const std::string& commit,
                                    std::string state, std::string description) {
    auto& s = *state_;
    try {
        auto m = s.manifests ? s.manifests() : nullptr;
        const app_spec* spec = m ? m->find(app) : nullptr;
        const github_trigger* trigger = spec ? forge_trigger(*spec, forge) : nullptr;
        if (spec == nullptr || !spec->status || trigger == nullptr || commit.empty()) {
            s.pending.erase(id);
            return;
        }
        const std::string base = forge == "github" ? s.options.github_api_url : spec->status->url;
        const auto token =
            s.options.token_of ? s.options.token_of(spec->status->token_env) : std::nullopt;
        if (base.empty() || !token) {
            spdlog::warn("commit status {} of deployment {} ({}) not sent: {}", state, id, app,
                         base.empty() ? "status.url is not set"
                                      : spec->status->token_env + " is not set");
            s.pending.erase(id);
            return;
        }
        commit_status status{forge,
                             trigger->repository,
                             commit,
                             std::move(state),
                             std::move(description),
                             "deploy-agent/" + app,
                             s.options.public_url.empty()
                                 ? std::string{}
                                 : s.options.public_url + "/deployments/" + std::to_string(id)};
        std::string problem;
        auto req = render_status(status, base, *token, problem);
        if (!req) {
            spdlog::warn("commit status of deployment {} ({}) not sent: {}", id, app, problem);
            s.pending.erase(id);
            return;
        }
        if (s.in_flight >= s.options.max_in_flight) {
            spdlog::warn("commit status {} of deployment {} dropped: {} statuses are already "
                         "being sent (forge API down?)",
                         status.state, id, s.in_flight);
            s.pending.erase(id);
            return;
        }
        std::shared_ptr<bool> done;
        std::shared_ptr<bool> wait_for;
        if (status.state == "pending") {
            done = std::make_shared<bool>(false);
            s.pending[id] = done;
        } else if (auto it = s.pending.find(id); it != s.pending.end()) {
            wait_for = it->second;
            s.pending.erase(it);
        }
        ++s.in_flight;
        net::co_spawn(s.executor,
                      deliver_status(state_, std::move(*req), std::move(status), id,
                                     std::move(done), std::move(wait_for)),
                      net::detached);
    } catch (const std::exception& e) {
        spdlog::error("commit status of deployment {}: {}", id, e.what());
    }
}

}  // namespace agent::notify
