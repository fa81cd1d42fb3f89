#include "webhooks/webhook_answers.hpp"

#include "common/iso8601.hpp"
#include "common/json_writer.hpp"
#include "http/answer.hpp"

namespace agent {

http_response github_answer(const github_verdict& verdict) {
    if (verdict.what == github_verdict::kind::refused) {
        return error_answer(verdict.result, verdict.reason);
    }
    json_writer w;
    w.begin_object();
    w.key("success").boolean(true);
    w.key("message").string(verdict.reason);
    if (!verdict.event.empty()) {
        w.key("event").string(verdict.event);
    }
    if (!verdict.delivery_id.empty()) {
        w.key("delivery").string(verdict.delivery_id);
    }
    w.end_object();
    return json_answer(verdict.result, w.take());
}

http_response github_message(std::string_view reason, std::string_view event,
                             std::string_view delivery_id) {
    json_writer w;
    w.begin_object().key("success").boolean(true).key("message").string(reason);
    w.key("event").string(event);
    if (!delivery_id.empty()) {
        w.key("delivery").string(delivery_id);
    }
    w.end_object();
    return json_answer(outcome::done, w.take());
}

http_response github_queued(const std::vector<planned_job>& jobs,
                            const std::vector<std::int64_t>& ids) {
    json_writer w;
    w.begin_object().key("success").boolean(true).key("message").string("deploys queued");
    w.key("deployments").begin_array();
    for (std::size_t i = 0; i < jobs.size() && i < ids.size(); ++i) {
        w.begin_object().key("id").integer(ids[i]).key("app").string(jobs[i].app).end_object();
    }
    w.end_array().end_object();
    return json_answer(outcome::queued, w.take());
}

std::string_view to_string(infisical_action action) {
    switch (action) {
        case infisical_action::cache_cleared:
            return "cache_cleared";
        case infisical_action::redeploy_queued:
            return "redeploy_queued";
        case infisical_action::nothing_cached:
            return "nothing_cached";
        case infisical_action::duplicate:
            return "duplicate";
        case infisical_action::ignored:
            break;
    }
    return "ignored";
}

http_response infisical_answer(const infisical_verdict& verdict) {
    if (verdict.what == infisical_verdict::kind::refused) {
        return error_answer(verdict.result, verdict.reason);
    }
    if (verdict.what != infisical_verdict::kind::ignored) {
        return infisical_processed(verdict.event, infisical_action::cache_cleared);
    }
    json_writer w;
    w.begin_object();
    w.key("success").boolean(true);
    w.key("message").string("Webhook ignored");
    w.key("event").string(verdict.event);
    w.key("action").string(to_string(infisical_action::ignored));
    w.end_object();
    return json_answer(verdict.result, w.take());
}

http_response infisical_processed(std::string_view event, infisical_action action,
                                  const std::vector<std::string>& deployment_ids,
                                  const std::vector<std::string>& redeploy_check) {
    json_writer w;
    w.begin_object();
    w.key("success").boolean(true);
    w.key("message").string(action == infisical_action::duplicate
                                ? "Webhook already processed"
                                : "Webhook processed successfully");
    w.key("event").string(event);
    w.key("action").string(to_string(action));
    if (!deployment_ids.empty()) {
        w.key("deployments").begin_array();
        for (const auto& id : deployment_ids) {
            w.string(id);
        }
        w.end_array();
    }
    if (!redeploy_check.empty()) {
        w.key("redeploy_check").begin_array();
        for (const auto& app : redeploy_check) {
            w.string(app);
        }
        w.end_array();
    }
    w.end_object();
    return json_answer(outcome::done, w.take());
}

http_response infisical_test_answer(std::chrono::system_clock::time_point now) {
    json_writer w;
    w.begin_object();
    w.key("success").boolean(true);
    w.key("message").string("Test webhook received successfully");
    w.key("receivedAt").string(iso8601_utc_millis(now));
    w.end_object();
    return json_answer(outcome::done, w.take());
}

}  // namespace agent
