#include "webhooks/webhook_endpoints.hpp"

#include <chrono>

#include "common/escape.hpp"
#include "common/log.hpp"
#include "webhooks/webhook_answers.hpp"

namespace agent {

namespace {

// Lines of kind `what` (each kind is summed up on its own) within the shared budget, or one of
// their own; the summary of a flood of refused deliveries becomes one history row.
std::shared_ptr<line_budget> refusal_lines(const webhook_settings& settings, acceptor& accept,
                                           std::string what, std::string log_source,
                                           std::string source) {
    auto on_summary = [&accept, source = std::move(source)](const std::string& summary) {
        accept.note_flood_summary(source, summary);
    };
    if (settings.log_budget) {
        return std::make_shared<line_budget>(std::move(what), std::move(log_source),
                                             settings.log_budget, std::move(on_summary));
    }
    return std::make_shared<line_budget>(std::move(what), std::move(log_source),
                                         settings.refusals_per_second, std::move(on_summary));
}

}  // namespace

webhook_endpoints::webhook_endpoints(webhook_services services, webhook_settings settings)
    : s_(std::move(services)),
      settings_(std::move(settings)),
      github_lines_(make_lines(settings_, s_.accept, "github")),
      gitea_lines_(make_lines(settings_, s_.accept, "gitea")),
      gitlab_lines_(make_lines(settings_, s_.accept, "gitlab")),
      infisical_refusals_(refusal_lines(settings_, s_.accept, "refused Infisical deliveries",
                                        "infisical webhook", "infisical")),
      // Duplicates are recorded one by one: only their log lines are summed up.
      infisical_duplicates_(std::make_shared<line_budget>(
          "duplicate Infisical deliveries", "infisical webhook", infisical_refusals_->budget())),
      test_lines_(std::make_shared<line_budget>("test webhooks", "infisical webhook",
                                                infisical_refusals_->budget())) {}

webhook_endpoints::forge_lines webhook_endpoints::make_lines(const webhook_settings& settings,
                                                             acceptor& accept,
                                                             const std::string& forge) {
    // GitHub's lines keep the words they had before the other forges came.
    const std::string kind = forge == "github" ? "deliveries" : forge + " deliveries";
    auto refusals =
        refusal_lines(settings, accept, "refused " + kind, forge + " webhook", forge);
    auto duplicates =
        std::make_shared<line_budget>("duplicate " + kind, forge + " webhook", refusals->budget());
    return forge_lines{std::move(refusals), std::move(duplicates)};
}

boost::asio::awaitable<bool> webhook_endpoints::admit_refusal(
    const std::shared_ptr<line_budget>& lines, std::string source, std::string client,
    std::string code) {
    const bool in_full = co_await lines->admit(client, code);
    if (!in_full) {
        s_.accept.count_refused(source, code);
    }
    co_return in_full;
}

boost::asio::awaitable<http_response> webhook_endpoints::infisical_test(
    const http_request& request) {
    // Anyone can call it, as often as they like: its line is budgeted like a refusal's.
    std::string client = request.client;
    std::string code = "test";
    const bool in_full = co_await test_lines_->admit(std::move(client), std::move(code));
    if (in_full) {
        spdlog::info("{} POST {} 200 test webhook received ({} bytes)", request.client,
                     escape_untrusted(request.path()), request.body.size());
    }
    co_return infisical_test_answer(std::chrono::system_clock::now());
}

}  // namespace agent
