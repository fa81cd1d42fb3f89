#include "support/fake_infisical.hpp"

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <tuple>

#include <rapidjson/document.h>

#include "common/json_writer.hpp"

namespace test {

using clock_type = std::chrono::steady_clock;

namespace {

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i] == '+' ? ' ' : s[i]);
        }
    }
    return out;
}

std::map<std::string, std::string> query_of(std::string_view target) {
    std::map<std::string, std::string> q;
    const auto mark = target.find('?');
    if (mark == std::string_view::npos) {
        return q;
    }
    std::string_view rest = target.substr(mark + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        q[percent_decode(pair.substr(0, eq))] =
            eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    }
    return q;
}

using reply = served_reply;

reply json_reply(unsigned status, std::string body) {
    reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

reply error(unsigned status, const std::string& message) {
    agent::json_writer w;
    w.begin_object().key("statusCode").integer(status).key("message").string(message).end_object();
    return json_reply(status, w.take());
}

std::string json_field(const std::string& body, const char* name) {
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember(name) || !doc[name].IsString()) {
        return "";
    }
    return doc[name].GetString();
}

struct folder_key {
    std::string project, environment, path;
    auto operator<=>(const folder_key&) const = default;
};
struct stored_secret {
    std::string value;
    bool hidden = false;
};
struct folder {
    std::map<std::string, stored_secret> secrets;
    std::vector<std::pair<std::string, std::string>> imports;  // environment, path
};

}  // namespace

struct fake_infisical::impl {
    mutable std::mutex mutex;
    std::string client_id = "client-id";
    std::string client_secret = "client-secret";
    std::string service_bearer;
    int ttl = 3600;
    bool renewals_refused = false;
    bool v4 = true;
    int rate_limited = 0;
    int retry_after = 1;
    bool down = false;
    bool holding = false;
    int held = 0;
    std::condition_variable released;
    int logins = 0;
    int renewals = 0;
    int issued = 0;
    std::map<std::string, clock_type::time_point> tokens;  // token → expiry
    std::map<folder_key, folder> folders;
    std::vector<std::string> requests;
    std::vector<std::string> authorizations;

    // Last: stopped first, before the state its handler reads.
    std::unique_ptr<https_server> server;

    std::string issue() {
        const std::string token = "tok-" + std::to_string(++issued);
        tokens[token] = clock_type::now() + std::chrono::seconds(ttl);
        return token;
    }

    reply token_reply(const std::string& token) {
        agent::json_writer w;
        w.begin_object().key("accessToken").string(token).key("expiresIn").integer(ttl);
        w.key("accessTokenMaxTTL").integer(ttl * 10).key("tokenType").string("Bearer").end_object();
        return json_reply(200, w.take());
    }

    bool authorized(const std::string& header) {
        if (!service_bearer.empty() && header == "Bearer " + service_bearer) {
            return true;
        }
        if (!header.starts_with("Bearer ")) {
            return false;
        }
        auto it = tokens.find(header.substr(7));
        return it != tokens.end() && clock_type::now() < it->second;
    }

    void write_secrets(agent::json_writer& w, const folder& f) {
        w.key("secrets").begin_array();
        for (const auto& [key, s] : f.secrets) {
            w.begin_object().key("secretKey").string(key);
            w.key("secretValue").string(s.hidden ? "<hidden-by-infisical>" : s.value);
            w.key("secretValueHidden").boolean(s.hidden).key("type").string("shared").end_object();
        }
        w.end_array();
    }

    reply list(const std::map<std::string, std::string>& q, const std::string& project) {
        for (const char* flag : {"recursive", "include_imports"}) {
            auto it = q.find(flag);
            if (it != q.end() && it->second != "true" && it->second != "false") {
                return error(400, std::string(flag) + " must be true or false");
            }
        }
        const folder_key key{project, q.count("environment") ? q.at("environment") : "",
                             q.count("secretPath") ? q.at("secretPath") : "/"};
        auto it = folders.find(key);
        if (it == folders.end()) {
            return error(404, "Folder with path '" + key.path + "' not found");
        }
        agent::json_writer w;
        w.begin_object();
        write_secrets(w, it->second);
        if (q.count("include_imports") && q.at("include_imports") == "true") {
            w.key("imports").begin_array();
            for (const auto& [env, path] : it->second.imports) {
                w.begin_object().key("secretPath").string(path).key("environment").string(env);
                write_secrets(w, folders[folder_key{project, env, path}]);
                w.end_object();
            }
            w.end_array();
        }
        w.end_object();
        return json_reply(200, w.take());
    }

    reply answer(const std::string& method, const std::string& target, const std::string& auth,
                 const std::string& body) {
        std::unique_lock lock(mutex);
        requests.push_back(method + " " + target);
        if (down) {
            return error(503, "down for maintenance");
        }
        const std::string path = target.substr(0, target.find('?'));
        if (method == "POST" && path == "/api/v1/auth/universal-auth/login") {
            ++logins;
            if (json_field(body, "clientId") != client_id ||
                json_field(body, "clientSecret") != client_secret) {
                return error(401, "Invalid credentials");
            }
            return token_reply(issue());
        }
        if (method == "POST" && path == "/api/v1/auth/token/renew") {
            ++renewals;
            const std::string token = json_field(body, "accessToken");
            auto it = tokens.find(token);
            if (renewals_refused || it == tokens.end() || clock_type::now() >= it->second) {
                return error(401, "Failed to renew access token");
            }
            it->second = clock_type::now() + std::chrono::seconds(ttl);
            return token_reply(token);
        }
        const bool is_v4 = path == "/api/v4/secrets";
        if (method != "GET" || !(is_v4 || path == "/api/v3/secrets/raw") || (is_v4 && !v4)) {
            return error(404, "Route " + method + ":" + path + " not found");
        }
        authorizations.push_back(auth);
        if (!authorized(auth)) {
            return error(401, "Token expired or invalid");
        }
        ++held;
        released.wait(lock, [this] { return !holding; });
        --held;
        if (rate_limited > 0) {
            --rate_limited;
            reply r = error(429, "Too many requests");
            r.retry_after = std::to_string(retry_after);
            return r;
        }
        const auto q = query_of(target);
        const char* project_param = is_v4 ? "projectId" : "workspaceId";
        return list(q, q.count(project_param) ? q.at(project_param) : "");
    }
};

fake_infisical::fake_infisical() : fake_infisical(options{}) {}

fake_infisical::fake_infisical(options o) : impl_(std::make_unique<impl>()) {
    impl_->server = std::make_unique<https_server>(
        o, [self = impl_.get()](const received_request& r) {
            auto auth = r.headers.find("authorization");
            return self->answer(r.method, r.target, auth == r.headers.end() ? "" : auth->second,
                                r.body);
        });
}

fake_infisical::~fake_infisical() {
    hold_lists(false);
}

std::string fake_infisical::url() const { return impl_->server->url(); }

std::string fake_infisical::ca_file() const { return impl_->server->ca_file(); }

#define DA_LOCKED std::lock_guard lock(impl_->mutex)

void fake_infisical::set_client(const std::string& id, const std::string& secret) {
    DA_LOCKED;
    impl_->client_id = id;
    impl_->client_secret = secret;
}
void fake_infisical::set_service_token(const std::string& full_token) {
    DA_LOCKED;
    impl_->service_bearer = full_token.substr(0, full_token.rfind('.'));
}
void fake_infisical::set_token_ttl_seconds(int ttl) {
    DA_LOCKED;
    impl_->ttl = ttl;
}
void fake_infisical::expire_tokens() {
    DA_LOCKED;
    for (auto& [token, expiry] : impl_->tokens) {
        expiry = clock_type::now();
    }
}
void fake_infisical::refuse_renewals(bool refuse) {
    DA_LOCKED;
    impl_->renewals_refused = refuse;
}
void fake_infisical::set_v4_available(bool available) {
    DA_LOCKED;
    impl_->v4 = available;
}
void fake_infisical::rate_limit_next(int requests, int retry_after_seconds) {
    DA_LOCKED;
    impl_->rate_limited = requests;
    impl_->retry_after = retry_after_seconds;
}
void fake_infisical::set_down(bool down) {
    DA_LOCKED;
    impl_->down = down;
}
void fake_infisical::set_secret(const std::string& project, const std::string& environment,
                                const std::string& path, const std::string& key,
                                const std::string& value, bool hidden) {
    DA_LOCKED;
    impl_->folders[folder_key{project, environment, path}].secrets[key] = {value, hidden};
}
void fake_infisical::remove_secret(const std::string& project, const std::string& environment,
                                   const std::string& path, const std::string& key) {
    DA_LOCKED;
    impl_->folders[folder_key{project, environment, path}].secrets.erase(key);
}
void fake_infisical::add_import(const std::string& project, const std::string& environment,
                                const std::string& path, const std::string& from_environment,
                                const std::string& from_path) {
    DA_LOCKED;
    impl_->folders[folder_key{project, environment, path}].imports.emplace_back(from_environment,
                                                                               from_path);
}
int fake_infisical::logins() const {
    DA_LOCKED;
    return impl_->logins;
}
int fake_infisical::renewals() const {
    DA_LOCKED;
    return impl_->renewals;
}
std::vector<std::string> fake_infisical::requests() const {
    DA_LOCKED;
    return impl_->requests;
}
std::vector<std::string> fake_infisical::authorizations() const {
    DA_LOCKED;
    return impl_->authorizations;
}

void fake_infisical::hold_lists(bool hold) {
    {
        DA_LOCKED;
        impl_->holding = hold;
    }
    impl_->released.notify_all();
}
int fake_infisical::held_lists() const {
    DA_LOCKED;
    return impl_->held;
}

#undef DA_LOCKED

}  // namespace test
