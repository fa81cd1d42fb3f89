#pragma once

#include <string>

// The planner's output and the deploy queue's input; the store records it. It lives with the
// planner so that the queue and the store need not reach into intake for it.

namespace agent {

/// What a planner produces: one job per allow-listed app.
struct planned_job {
    std::string app;
    std::string action;        ///< "deploy" (the app's strategy) | "restart"
    std::string trigger;       ///< "github" | "infisical" | "api" | "cli"
    std::string commit;        ///< may be empty
    std::string delivery_id;   ///< may be empty
    bool force = false;
};

}  // namespace agent
