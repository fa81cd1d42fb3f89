#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "common/outcome.hpp"

#include "deploy/deploy_engine.hpp"
#include "manifest/manifest.hpp"

namespace agent {

/// What a dry run answers: `done` with the plan as JSON (`{"success":true,"dry_run":true,"app",
/// "container","action","image","compared_with","note","changes":[{"field","before","after"}]}`),
/// `not_found` with the reason when the app's container cannot be resolved, `unavailable` when
/// the engine fails.
struct dry_run_result {
    outcome result = outcome::done;
    std::string body;  ///< the plan's JSON when done, else the short reason
};

/// `POST /api/apps/{app}/deploy?dry_run=1`: the plan and the config diff. Touches nothing; never
/// throws.
boost::asio::awaitable<dry_run_result> dry_run_answer(deploy_engine engine, app_spec app);

}  // namespace agent
