#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace docker_client {

/// What `/_ping` and `/version` told about the daemon, and the API version negotiated with it.
struct engine_version {
    std::string api_version;      ///< negotiated: min(daemon's Api-Version, newest this client knows)
    std::string daemon_api_version;
    std::string min_api_version;  ///< from /version; empty when the daemon does not say
    std::string engine_version;   ///< e.g. "20.10.24"
    std::string os;
};

struct container_state {
    std::string status;           ///< created | running | paused | restarting | removing | exited | dead
    bool running = false;
    int exit_code = 0;
    std::string started_at;       ///< RFC 3339 as the daemon writes it
    std::string finished_at;
    std::optional<std::string> health;  ///< starting | healthy | unhealthy, when the container has a healthcheck
    std::string error;
};

/// `GET /containers/{id}/json`, with the parts the agent reads as fields and the whole
/// document kept as `raw_json` so that a recreate can carry over every setting it does not know.
struct container_info {
    std::string id;
    std::string name;             ///< without the leading '/'
    std::string image;            ///< Config.Image, the reference it was created from
    std::string image_id;         ///< Image, "sha256:…"
    container_state state;
    std::map<std::string, std::string> labels;
    std::string raw_json;
};

struct image_info {
    std::string id;               ///< "sha256:…"
    std::vector<std::string> repo_tags;
    std::vector<std::string> repo_digests;
    std::string created;
    std::map<std::string, std::string> labels;
};

/// Credentials for one registry; sent as X-Registry-Auth (base64url JSON), never logged.
struct registry_auth {
    std::string username;
    std::string password;
    std::string server_address;
};

/// One line of a pull or build progress stream.
struct progress_event {
    std::string status;           ///< "Pulling fs layer", "Downloading", a build output line …
    std::string id;               ///< layer id, when the line is about a layer
    std::string progress;         ///< the daemon's progress bar text, when any
};
using progress_callback = std::function<void(const progress_event&)>;

struct stop_options {
    std::optional<int> timeout_seconds;  ///< none: the container's own StopTimeout (or the daemon's 10 s)
};

struct remove_options {
    bool force = false;
    bool remove_volumes = false;  ///< anonymous volumes only
};

}  // namespace docker_client
