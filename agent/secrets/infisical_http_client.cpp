#include "secrets/infisical_http_client.hpp"

#include <charconv>
#include <stdexcept>

#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "common/url.hpp"
#include "secrets/infisical_answers.hpp"
#include "secrets/secret_transport.hpp"

namespace agent {

namespace net = boost::asio;

namespace {

constexpr int max_rate_limited_attempts = 3;
constexpr auto longest_retry_wait = std::chrono::seconds(30);

// Retry-After in seconds (the only form Infisical sends); 1 s when absent or unreadable.
std::chrono::seconds retry_after(const std::string& header) {
    long long s = 1;
    auto [p, ec] = std::from_chars(header.data(), header.data() + header.size(), s);
    if (ec != std::errc() || s < 0) {
        s = 1;
    }
    return std::min<std::chrono::seconds>(std::chrono::seconds(s), longest_retry_wait);
}

std::string failure(const secret_http_reply& reply) {
    std::string m = "HTTP " + std::to_string(reply.status);
    if (std::string detail = infisical_error_message(reply.body); !detail.empty()) {
        m += " (" + detail + ")";
    }
    return m;
}

bool plausible_scope_part(const std::string& s) {
    return !s.empty() && s.size() <= 512 && s.find_first_of("\r\n") == std::string::npos;
}

class http_infisical_client final : public infisical_client {
public:
    http_infisical_client(net::any_io_executor executor, const infisical_settings& settings,
                          secret_url url, clock& time)
        : settings_(settings), transport_(std::move(executor), std::move(url), settings.ca_file,
                                          settings.system_ca, settings.call_deadline),
          clock_(time) {}

    net::awaitable<secret_listing> list_secrets(secret_scope scope) override {
        try {
            co_return co_await fetch(scope);
        } catch (const secrets_error& e) {
            const std::string what = e.what();
            if (what.starts_with("secrets ")) {
                throw;
            }
            throw secrets_error("secrets " + scope.describe() + ": " + what);
        }
    }

private:
    net::awaitable<secret_listing> fetch(secret_scope scope) {
        if (!plausible_scope_part(scope.project) || !plausible_scope_part(scope.environment) ||
            !plausible_scope_part(scope.path)) {
            throw secrets_error("secrets " + scope.describe() + ": invalid project, environment or path");
        }
        const std::string query =
            "environment=" + percent_encode(scope.environment) +
            "&secretPath=" + percent_encode(scope.path) +
            "&recursive=false&include_imports=true";
        std::string v4 = "/api/v4/secrets?projectId=" + percent_encode(scope.project) + "&" + query;
        auto reply = co_await authorized_get(std::move(v4));
        if (reply.status == 404) {
            // Instances older than the v4 API (self-hosted) know only v3.
            std::string v3 =
                "/api/v3/secrets/raw?workspaceId=" + percent_encode(scope.project) + "&" + query;
            reply = co_await authorized_get(std::move(v3));
        }
        if (reply.status != 200) {
            throw secrets_error("secrets " + scope.describe() + " from " + transport_.origin() +
                                ": " + failure(reply));
        }
        try {
            co_return parse_secret_listing(reply.body);
        } catch (const secrets_error& e) {
            throw secrets_error("secrets " + scope.describe() + " from " + transport_.origin() +
                                ": " + e.what());
        }
    }

    // A GET with the bearer token: logs in again once on 401, waits out 429s.
    net::awaitable<secret_http_reply> authorized_get(std::string target) {
        bool logged_in_again = false;
        for (int attempt = 1;; ++attempt) {
            const std::string token = co_await current_token();
            secret_http_request request{"GET", target, {{"Authorization", "Bearer " + token}}, ""};
            auto reply = co_await transport_.send(std::move(request));
            if (reply.status == 401 && !logged_in_again && !settings_.client_id.empty()) {
                spdlog::info("Infisical answered 401: logging in again");
                token_.clear();
                logged_in_again = true;
                continue;
            }
            if (reply.status == 429 && attempt < max_rate_limited_attempts) {
                const auto wait = retry_after(reply.retry_after);
                spdlog::warn("Infisical rate limit (429): waiting {} s as Retry-After asks",
                             wait.count());
                co_await clock_.sleep_until(clock_.now() + wait);
                continue;
            }
            co_return reply;
        }
    }

    net::awaitable<std::string> current_token() {
        if (settings_.client_id.empty()) {
            co_return service_token_access_part(settings_.service_token);
        }
        if (!token_.empty() && clock_.now() < renew_at_) {
            co_return token_;
        }
        if (!token_.empty()) {
            const bool renewed = co_await renew();
            if (renewed) {
                co_return token_;
            }
        }
        co_await login();
        co_return token_;
    }

    net::awaitable<bool> renew() {
        json_writer body;
        body.begin_object().key("accessToken").string(token_).end_object();
        try {
            secret_http_request request{"POST", "/api/v1/auth/token/renew", {}, body.take()};
            auto reply = co_await transport_.send(std::move(request));
            if (reply.status == 200) {
                accept(parse_access_token(reply.body));
                spdlog::info("Infisical access token renewed");
                co_return true;
            }
            spdlog::info("Infisical token renewal refused ({}): logging in again", failure(reply));
        } catch (const secrets_error& e) {
            spdlog::info("Infisical token renewal failed ({}): logging in again", e.what());
        }
        token_.clear();
        co_return false;
    }

    net::awaitable<void> login() {
        json_writer body;
        body.begin_object()
            .key("clientId").string(settings_.client_id)
            .key("clientSecret").string(settings_.client_secret)
            .end_object();
        secret_http_request request{"POST", "/api/v1/auth/universal-auth/login", {}, body.take()};
        auto reply = co_await transport_.send(std::move(request));
        if (reply.status != 200) {
            throw secrets_error("Infisical universal-auth login at " + transport_.origin() +
                                " refused: " + failure(reply));
        }
        accept(parse_access_token(reply.body));
        spdlog::info("Infisical: logged in with universal auth (client id {}, token valid for {} s)",
                     settings_.client_id, expires_in_.count());
    }

    void accept(access_token t) {
        token_ = std::move(t.token);
        expires_in_ = t.expires_in;
        // Renew when 90 % of the lifetime has passed; a token without one is renewed hourly.
        const auto lifetime = t.expires_in.count() > 0 ? t.expires_in : std::chrono::seconds(3600);
        renew_at_ = clock_.now() + lifetime * 9 / 10;
    }

    infisical_settings settings_;
    secret_transport transport_;
    clock& clock_;
    std::string token_;
    std::chrono::seconds expires_in_{0};
    clock::time_point renew_at_{};
};

}  // namespace

std::unique_ptr<infisical_client> make_infisical_client(net::any_io_executor executor,
                                                        const infisical_settings& settings,
                                                        clock& time) {
    if (!settings.has_credentials()) {
        throw std::invalid_argument("no Infisical credentials: set INFISICAL_CLIENT_ID and "
                                    "INFISICAL_CLIENT_SECRET, or INFISICAL_TOKEN");
    }
    std::string problem;
    auto url = parse_secret_url(settings.api_url, &problem);
    if (!url) {
        throw std::invalid_argument("INFISICAL_API_URL='" + settings.api_url + "': " + problem);
    }
    return std::make_unique<http_infisical_client>(std::move(executor), settings, std::move(*url),
                                                   time);
}

}  // namespace agent
