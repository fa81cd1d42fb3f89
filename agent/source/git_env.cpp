#include "source/git_env.hpp"

#include "common/base64url.hpp"
#include "source/git_ssh.hpp"

#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace agent {

namespace {

// Variables git and ssh may need from the agent's environment; nothing else is passed on.
constexpr std::string_view passed_through[] = {
    "PATH",        "HOME",          "SSH_AUTH_SOCK", "HTTPS_PROXY", "https_proxy",
    "HTTP_PROXY",  "http_proxy",    "NO_PROXY",      "no_proxy",    "ALL_PROXY",
    "all_proxy",   "SSL_CERT_FILE", "SSL_CERT_DIR",  "GIT_SSL_CAINFO", "TZ"};

}  // namespace

env_lookup lookup_in(environment env) {
    return [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
        const char* v = env.get(name);
        if (v == nullptr) {
            return std::nullopt;
        }
        return std::string(v);
    };
}

std::optional<std::string> http_origin(std::string_view url) {
    for (std::string_view scheme : {"https://", "http://"}) {
        if (url.starts_with(scheme)) {
            auto rest = url.substr(scheme.size());
            auto end = rest.find_first_of("/?#");
            auto host = rest.substr(0, end);
            if (auto at = host.rfind('@'); at != std::string_view::npos) {
                host.remove_prefix(at + 1);  // user@ is not part of the origin git matches
            }
            if (host.empty()) {
                return std::nullopt;
            }
            return std::string(scheme) + std::string(host) + "/";
        }
    }
    return std::nullopt;
}

bool is_local_remote(std::string_view url) {
    return url.starts_with('/') || url.starts_with("file://") || url.starts_with("./") ||
           url.starts_with("../");
}

std::vector<std::string> git_environment(const build_spec::git_spec& git,
                                         std::string_view remote_url, const env_lookup& env,
                                         std::string_view ssh_wrapper) {
    std::vector<std::string> out;
    for (auto name : passed_through) {
        if (auto value = env(name)) {
            out.push_back(std::string(name) + "=" + *value);
        }
    }
    out.emplace_back("LC_ALL=C");  // messages the agent reads (status, errors) in English
    out.emplace_back("GIT_TERMINAL_PROMPT=0");
    std::vector<std::pair<std::string, std::string>> config{{"safe.directory", "*"}};
    if (!git.token_env.empty()) {
        auto token = env(git.token_env);
        if (!token || token->empty()) {
            throw std::runtime_error("build.git.token_env: the environment variable " +
                                     git.token_env + " is not set or empty");
        }
        auto origin = http_origin(remote_url);
        if (!origin) {
            throw std::runtime_error("build.git.token_env is for an https:// remote; this remote "
                                     "is not one (use ssh_key_file for SSH)");
        }
        config.emplace_back("http." + *origin + ".extraHeader",
                            "Authorization: Basic " +
                                base64_encode(git.token_user + ":" + *token));
    }
    if (!git.ssh_key_file.empty()) {
        const std::string wrapper =
            ssh_wrapper.empty() ? this_executable() : std::string(ssh_wrapper);
        for (auto& entry : git_ssh_environment(wrapper, git.ssh_key_file, git.known_hosts_file)) {
            out.push_back(std::move(entry));
        }
    }
    if (is_local_remote(remote_url)) {
        config.emplace_back("protocol.file.allow", "always");
    }
    out.push_back("GIT_CONFIG_COUNT=" + std::to_string(config.size()));
    for (std::size_t i = 0; i < config.size(); ++i) {
        out.push_back("GIT_CONFIG_KEY_" + std::to_string(i) + "=" + config[i].first);
        out.push_back("GIT_CONFIG_VALUE_" + std::to_string(i) + "=" + config[i].second);
    }
    return out;
}

}  // namespace agent
