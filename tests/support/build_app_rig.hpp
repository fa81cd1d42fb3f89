#pragma once

// What the `strategy: build` end-to-end tests share: the app container the agent replaces, the
// agent serving a manifest, and signed pushes followed to their deployment's end.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "support/agent_process.hpp"
#include "support/engine.hpp"
#include "support/git_repos.hpp"

namespace test {

class build_app_rig {
  public:
    /// `name` prefixes the app's (and its container's) unique name; `repository` is the GitHub
    /// repository the manifest's trigger names and the pushes carry.
    build_app_rig(const std::string& name, std::string repository, std::string secret,
                  std::string jwt_secret);
    ~build_app_rig();
    build_app_rig(const build_app_rig&) = delete;
    build_app_rig& operator=(const build_app_rig&) = delete;

    /// Runs the container the agent replaces (busybox httpd serving "initial", published on
    /// 127.0.0.1), writes `manifest` and starts the agent on it.
    void start(const std::string& manifest);

    /// Delivers a signed push of main from `before` to `after` (answered 202); returns the
    /// deployment's JSON once it is no longer queued or running.
    std::string deliver(const std::string& before, const std::string& after);
    /// Deployment `id`'s JSON once it is no longer queued or running (within `limit`).
    std::string wait_for(long long id, std::chrono::seconds limit = std::chrono::seconds(180));
    /// The app container's answer to GET `path` ("HTTP <status>" unless 200).
    std::string page(const std::string& path = "/") const;

    const std::string repository;
    const std::string secret;
    const std::string jwt_secret;
    const std::string app;
    const std::string container = app;
    const std::string image = "da-e2e/" + app + ":local";
    git_repos repos;
    scoped_images images;
    std::string manifest_path;
    std::unique_ptr<scoped_container> guard;
    std::unique_ptr<agent_process> agent;
    std::string token;
};

}  // namespace test
