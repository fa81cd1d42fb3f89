#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/fwd.h>

namespace docker_client {

/// A JSON document parsed once, read-only, shared by every copy of the value that holds it:
/// an inspect answer as the engine sent it, with every field the typed members leave out, or a
/// create request as the caller built it. Read it with <rapidjson/document.h>.
using json_document = std::shared_ptr<const rapidjson::Document>;

/// What `/_ping` and `/version` told about the daemon, and the API version negotiated with it.
struct engine_version {
    std::string api_version;  ///< negotiated: min(daemon's Api-Version, newest this client knows)
    std::string daemon_api_version;
    std::string min_api_version;  ///< from /version; empty when the daemon does not say
    std::string engine_version;   ///< e.g. "20.10.24"
    std::string os;
};

struct container_state {
    std::string status;  ///< created | running | paused | restarting | removing | exited | dead
    bool running = false;
    int exit_code = 0;
    std::string started_at;  ///< RFC 3339 as the daemon writes it
    std::string finished_at;
    std::optional<std::string>
        health;  ///< starting | healthy | unhealthy, when the container has a healthcheck
    std::string error;
    int health_failing_streak = 0;   ///< consecutive failed healthchecks
    std::string health_last_output;  ///< output of the latest healthcheck run, when any
};

/// One entry of a container's Mounts.
struct mount_point {
    std::string type;  ///< volume | bind | tmpfs | npipe | cluster
    std::string name;  ///< the volume's name; empty for the other types
    std::string source;
    std::string destination;
    bool read_write = true;
};

/// One network a container is attached to (NetworkSettings.Networks).
struct network_attachment {
    std::string network;  ///< the network's name
    std::vector<std::string> aliases;
};

/// `GET /containers/{id}/json`, parsed once (inspect.hpp): the parts the agent reads as fields,
/// and the whole document, so that a recreate can carry over every setting it does not know.
struct container_info {
    std::string id;
    std::string name;      ///< without the leading '/'
    std::string image;     ///< Config.Image, the reference it was created from
    std::string image_id;  ///< Image, "sha256:…"
    container_state state;
    std::map<std::string, std::string> labels;  ///< Config.Labels
    std::vector<std::string> env;               ///< Config.Env, "KEY=value" entries in order
    std::optional<int> stop_timeout;  ///< Config.StopTimeout, when the container sets its own
    /// HostConfig.NetworkMode: "default", "bridge", "host", "none", a network's name, or
    /// "container:<id>" when it shares another container's network stack.
    std::string network_mode;
    std::vector<network_attachment> networks;  ///< in the order the engine lists them
    std::vector<mount_point> mounts;
    int restart_count = 0;   ///< RestartCount: restarts by its restart policy
    json_document document;  ///< the whole answer; never null in a value the client returns
};

/// One row of `GET /containers/json`.
struct container_summary {
    std::string id;
    std::vector<std::string> names;  ///< without the leading '/'
    std::string image;
    std::string image_id;
    std::string state;   ///< running | exited | …
    std::string status;  ///< "Up 3 minutes (healthy)"
    std::map<std::string, std::string> labels;
    std::int64_t created = 0;  ///< Unix seconds
};

/// Filters of a container listing; every given filter must match.
struct container_list_options {
    bool all = true;                  ///< include stopped containers
    std::vector<std::string> labels;  ///< "key" or "key=value"
    std::vector<std::string> names;   ///< the daemon matches names as regular expressions
};

/// When `wait_container` returns.
enum class wait_condition { not_running, next_exit, removed };

struct wait_options {
    wait_condition condition = wait_condition::not_running;
    std::chrono::milliseconds timeout{std::chrono::minutes{5}};  ///< deadline of the whole wait
};

struct wait_result {
    std::int64_t status_code = 0;
    std::string error;  ///< the daemon's Error.Message, when waiting itself failed
};

struct log_options {
    std::optional<int> tail;  ///< last N lines; none: all
    bool stdout_lines = true;
    bool stderr_lines = true;
    bool timestamps = false;
};

/// A container's logs, demultiplexed (a TTY container writes everything to `out`).
struct container_logs {
    std::string out;
    std::string err;
};

struct image_info {
    std::string id;  ///< "sha256:…"
    std::vector<std::string> repo_tags;
    std::vector<std::string> repo_digests;
    std::string created;
    std::map<std::string, std::string> labels;  ///< Config.Labels
    std::vector<std::string> env;               ///< Config.Env: the image's defaults
    /// The whole answer (its Config holds every default of the image); never null in a value
    /// the client returns.
    json_document document;
};

/// The body of `POST /containers/create` as the Engine API defines it: the Config fields at the
/// top, HostConfig, NetworkingConfig.EndpointsConfig. The caller builds the document; the client
/// adapts it to the engine's API version and writes it as text once, when it sends it.
struct container_create_request {
    json_document body;  ///< a JSON object
};

struct image_remove_options {
    bool force = false;
    bool no_prune = false;  ///< keep untagged parents
};

struct prune_result {
    std::vector<std::string> deleted;  ///< ids and untagged references the daemon reports
    std::uint64_t space_reclaimed = 0;
};

/// `GET /distribution/{name}/json`: what a registry says about a tag, without pulling it.
struct distribution_info {
    std::string digest;  ///< "sha256:…" of the manifest (or index) the tag points at
    std::string media_type;
    std::int64_t size = 0;
};

/// Credentials for one registry; sent as X-Registry-Auth (base64url JSON), never logged.
struct registry_auth {
    std::string username;
    std::string password;
    std::string server_address;
};

/// One line of a pull or build progress stream.
struct progress_event {
    std::string status;    ///< "Pulling fs layer", "Downloading", a build output line …
    std::string id;        ///< layer id, when the line is about a layer
    std::string progress;  ///< the daemon's progress bar text, when any
};
using progress_callback = std::function<void(const progress_event&)>;

struct stop_options {
    std::optional<int>
        timeout_seconds;  ///< none: the container's own StopTimeout (or the daemon's 10 s)
};

struct remove_options {
    bool force = false;
    bool remove_volumes = false;  ///< anonymous volumes only
};

/// `POST /build` from a directory on this machine, sent as a tar stream that honours the
/// directory's `.dockerignore`.
struct build_options {
    std::string context_dir;
    std::string dockerfile = "Dockerfile";  ///< relative to context_dir
    std::vector<std::string> tags;          ///< each "repo:tag"; at least one is usual
    bool no_cache = false;
    bool pull = false;  ///< always try to pull newer base images
    std::map<std::string, std::string> build_args;
    std::map<std::string, std::string> labels;
    std::string target;                         ///< multi-stage target, empty: the last stage
    std::vector<registry_auth> registry_auths;  ///< for base images behind authentication
};

struct build_result {
    std::string image_id;               ///< "sha256:…" from the stream's aux
    std::vector<std::string> log_tail;  ///< the last lines of the build log
};

/// Called with each line of a build log, without its line ending.
using build_log_callback = std::function<void(std::string_view line)>;

/// Endpoint settings for connecting a container to a network.
struct endpoint_options {
    std::vector<std::string> aliases;
};

struct network_info {
    std::string id;
    std::string name;
    std::string driver;
    std::string scope;
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> containers;  ///< container id → endpoint name
};

/// Which engine events to watch. Every given filter must match.
struct event_filter {
    std::vector<std::string> types{"container"};  ///< container | image | network | service …
    std::vector<std::string> actions;             ///< start, die, stop, health_status …
    std::vector<std::string> labels;              ///< "key" or "key=value"
    std::vector<std::string> containers;          ///< names or ids
    std::optional<std::int64_t> since;            ///< Unix seconds
    std::optional<std::int64_t> until;            ///< Unix seconds: the daemon ends the stream then
    /// The stream ends (normally) after this long without any event; 0: the client's
    /// stream_idle_timeout.
    std::chrono::milliseconds idle_limit{0};
};

struct engine_event {
    std::string type;    ///< "container"
    std::string action;  ///< "start", "health_status: healthy" …
    std::string actor_id;
    std::map<std::string, std::string> attributes;  ///< name, image, labels …
    std::int64_t time_nano = 0;
};

/// Returns false to end the stream.
using event_callback = std::function<bool(const engine_event&)>;

/// Why an event stream ended without an error.
enum class events_end { stopped_by_callback, until_reached, idle, cancelled };

/// The Swarm part of `GET /info`: whether this engine can update services.
struct swarm_status {
    std::string local_node_state;    ///< inactive | pending | active | error | locked
    bool control_available = false;  ///< this node is a manager (only managers update services)
    std::string node_id;
    std::string error;  ///< the engine's Swarm error, when any
};

/// Swarm's view of the latest update of a service.
struct service_update_status {
    std::string state;  ///< updating | paused | completed | rollback_started | rollback_paused
                        ///< | rollback_completed; empty when never updated
    std::string message;
    std::string started_at;
    std::string completed_at;
};

struct service_info {
    std::string id;
    std::string name;
    std::uint64_t version = 0;  ///< Version.Index, needed for an update
    std::string image;          ///< Spec.TaskTemplate.ContainerSpec.Image
    std::uint64_t force_update = 0;
    std::map<std::string, std::string> labels;
    service_update_status update_status;
    std::string spec_json;  ///< Spec as the daemon sent it, to update from
};

/// `POST /services/{id}/update`. The whole spec is sent back with `image` and the ForceUpdate
/// counter changed; the version must be the one the spec was read at.
struct service_update {
    std::string service;  ///< name or id
    std::uint64_t version = 0;
    std::string spec_json;  ///< usually service_info::spec_json
    std::string image;      ///< new image; pinned to its registry digest unless it has one
    bool force = false;     ///< bump TaskTemplate.ForceUpdate: redeploy even if unchanged
    std::optional<registry_auth> auth;
};

}  // namespace docker_client
