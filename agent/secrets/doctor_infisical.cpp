#include "secrets/doctor_infisical.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <fmt/format.h>

#include "secrets/infisical_http_client.hpp"
#include "secrets/secrets_service.hpp"

namespace agent {

namespace net = boost::asio;

net::awaitable<infisical_check> check_infisical(infisical_client* client,
                                                const infisical_settings& settings,
                                                const manifest& apps) {
    infisical_check out;
    auto fail = [&out](std::string subject, std::string detail) {
        out.findings.push_back({false, std::move(subject), std::move(detail)});
        out.ok = false;
    };
    const bool any = std::any_of(apps.apps.begin(), apps.apps.end(),
                                 [](const app_spec& a) { return a.infisical.has_value(); });
    if (client == nullptr) {
        if (any) {
            fail("infisical", "no Infisical credentials (INFISICAL_CLIENT_ID + "
                              "INFISICAL_CLIENT_SECRET, or INFISICAL_TOKEN), but the manifest has "
                              "apps with secrets.infisical");
        } else {
            out.findings.push_back({true, "infisical", "no app reads secrets from Infisical"});
        }
        co_return out;
    }
    out.findings.push_back(
        {true, "infisical",
         fmt::format("{} ({})", settings.api_url,
                     settings.client_id.empty() ? "service token" : "universal auth")});
    for (const auto& app : apps.apps) {
        if (!app.infisical) {
            continue;
        }
        const secret_scope scope = scope_of(*app.infisical);
        const std::string subject = fmt::format("app {} infisical", app.name);
        try {
            secret_listing listing = co_await client->list_secrets(scope);
            std::vector<std::string> names;
            for (const auto& [key, value] : listing.values) {
                names.push_back(key);
            }
            std::vector<std::string> missing;
            for (const auto& key : app.infisical->keys) {
                if (!listing.values.contains(key)) {
                    missing.push_back(key);
                }
            }
            if (!missing.empty()) {
                fail(subject, fmt::format("{}: missing key(s) {}", scope.describe(),
                                          fmt::join(missing, ", ")));
                continue;
            }
            out.findings.push_back(
                {true, subject,
                 fmt::format("{}: {} key(s): {}{}", scope.describe(), names.size(),
                             fmt::join(names, ", "),
                             listing.hidden.empty()
                                 ? ""
                                 : fmt::format(" (value hidden: {})",
                                               fmt::join(listing.hidden, ", ")))});
        } catch (const std::exception& e) {
            fail(subject, e.what());
        }
    }
    co_return out;
}

infisical_check check_infisical_now(const manifest& apps, const environment& env) {
    try {
        const infisical_settings settings = infisical_settings_from_environment(env);
        net::io_context io;
        steady_clock_source time;
        std::unique_ptr<infisical_client> client;
        if (settings.has_credentials()) {
            client = make_infisical_client(io.get_executor(), settings, time);
        }
        auto result =
            net::co_spawn(io, check_infisical(client.get(), settings, apps), net::use_future);
        io.run();
        return result.get();
    } catch (const std::exception& e) {
        infisical_check out;
        out.ok = false;
        out.findings.push_back({false, "infisical", e.what()});
        return out;
    }
}

}  // namespace agent
