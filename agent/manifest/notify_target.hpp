#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent::notify {

/// What a notification URL names (docs/notifications.md).
enum class target_kind {
    json,     ///< a generic webhook: POST of the documented JSON body
    ntfy,     ///< an ntfy topic: POST of a text body with Title/Priority/Tags/Click headers
    slack,    ///< a Slack-compatible incoming webhook: {"text": ...}
    discord,  ///< a Discord webhook: {"content": ...}
};

/// One place outcomes are sent to, parsed from NOTIFY_URLS or an app's `notify.urls`.
struct target {
    target_kind kind = target_kind::json;
    bool tls = false;     ///< https
    std::string host;     ///< without brackets for IPv6
    std::string port;     ///< "80", "443" or as written
    std::string path;     ///< path and query, starting with '/'
    /// For logs, the store and the status page: scheme, host and kind only, because the path
    /// of a Slack or Discord webhook URL is its secret.
    std::string shown;
};

/// Parses one URL. Accepted forms:
///   ntfy://HOST[:PORT]/TOPIC         ntfy over https (http when HOST is loopback: tests, a
///                                    local ntfy)
///   ntfy+https://…, ntfy+http://…    ntfy at that URL (a self-hosted server under a path)
///   slack+https://…, discord+https://…  that format at that URL (Mattermost, Rocket.Chat, …)
///   https://hooks.slack.com/…        slack;  https://discord.com/api/webhooks/… discord;
///   https://ntfy.sh/TOPIC            ntfy;   any other http(s) URL: the generic JSON webhook.
/// Returns nullopt and sets `problem` ("is not …") when the text is none of these.
std::optional<target> parse_target(std::string_view text, std::string& problem);

/// Splits a comma-separated list (NOTIFY_URLS); blanks around entries are ignored.
std::vector<std::string> split_list(std::string_view text);

/// Which outcomes are announced. Default: the failures and `recovered`; `succeeded` is opt-in.
struct outcome_filter {
    bool failed = true;
    bool rolled_back = true;
    bool recovered = true;
    bool succeeded = false;

    /// Whether a deployment that ended in `state` ("failed", ...) is announced.
    bool wants(std::string_view state) const;
};

/// The names accepted in NOTIFY_ON and `notify.on`.
inline constexpr std::string_view outcome_names[] = {"failed", "rolled_back", "recovered",
                                                     "succeeded"};

/// A filter with exactly the named outcomes; nullopt and `problem` naming the first unknown one.
std::optional<outcome_filter> parse_outcomes(const std::vector<std::string>& names,
                                             std::string& problem);

}  // namespace agent::notify
