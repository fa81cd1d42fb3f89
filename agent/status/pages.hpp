#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/app_state.hpp"
#include "status/html.hpp"
#include "store/records.hpp"

namespace agent::status {

/// The login form; `problem` (escaped here) says why the last try was refused.
std::string login_page(std::string_view problem, bool configured);

/// GET /: the apps with their last deployment and a redeploy button each, then the recent
/// deliveries that deployed nothing: refused ones with their one-line diagnosis, ignored ones
/// with their reason ("no app deploys owner/repo refs/heads/x").
std::string overview_page(const page_frame& frame, const std::vector<app_view>& apps,
                          const std::vector<delivery_record>& deliveries);

/// GET /deployments/{id}: the deployment, its step log and its notification attempts.
std::string deployment_page(const page_frame& frame, const deployment_record& d,
                            const std::vector<step_record>& steps,
                            const std::vector<notification_attempt>& notifications);

/// A short page for 403/404 answers.
std::string message_page(const page_frame& frame, std::string_view heading,
                         std::string_view text);

/// One sentence saying what a refusal code (the intake's refusal_code, as recorded) means and
/// what to check; the code itself when unknown. Free text recorded for floods is kept as is.
std::string refusal_diagnosis(std::string_view source, std::string_view reason);

}  // namespace agent::status
