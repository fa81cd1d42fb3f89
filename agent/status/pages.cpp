#include "status/pages.hpp"

#include <fmt/format.h>

namespace agent::status {

namespace {

std::string state_html(std::string_view state) {
    return "<span class=\"state " + escape(state) + "\">" + escape(state) + "</span>";
}

// A container's state, coloured by what it means for the app (a deployment's states have their
// own colours).
std::string container_state_html(std::string_view state) {
    const char* tone = state == "running" ? "succeeded"
                       : (state == "missing" || state == "exited" || state == "dead") ? "failed"
                                                                                       : "mute";
    return "<span class=\"state " + std::string(tone) + "\">" + escape(state) + "</span>";
}

std::string commit_html(std::string_view commit) {
    if (commit.empty()) {
        return "—";
    }
    return "<code title=\"" + escape(commit) + "\">" + escape(commit.substr(0, 12)) + "</code>";
}

std::string deployment_link(const deployment_record& d) {
    return fmt::format("<a href=\"/deployments/{}\">#{}</a>", d.id, d.id);
}

std::string last_deployment_html(const std::optional<deployment_record>& last) {
    if (!last) {
        return "<span class=\"mute\">none yet</span>";
    }
    const deployment_record& d = *last;
    std::string out = deployment_link(d) + " " + state_html(to_string(d.state));
    out += " · " + commit_html(d.commit) + " · by " + escape(d.trigger.empty() ? "?" : d.trigger);
    out += "<br>" + time_html(d.created_at_ms);
    const std::string took = duration_text(d.started_at_ms, d.finished_at_ms);
    if (!took.empty()) {
        out += " · took " + took;
    }
    if (!d.error.empty()) {
        out += "<div class=\"reason\">" + escape(d.error) + "</div>";
    }
    return out;
}

std::string redeploy_form(std::string_view app, std::string_view csrf) {
    return "<form method=\"post\" action=\"/apps/" + escape(app) +
           "/deploy\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) +
           "\"><button type=\"submit\">Redeploy</button><label class=\"inline mute\"><input "
           "type=\"checkbox\" name=\"force\" value=\"1\"> force</label></form>";
}

std::string app_row_html(const app_view& a, std::string_view csrf) {
    const std::string container = a.service ? "service " + *a.service : a.container;
    const live_state& live = a.live;
    std::string out = "<tr><td data-label=\"app\"><strong>" + escape(a.name) + "</strong></td>";
    out += "<td data-label=\"container\"><code>" + escape(container) + "</code></td>";
    out += "<td data-label=\"image\"><code>" + (live.image.empty() ? "—" : escape(live.image)) +
           "</code></td>";
    out += "<td data-label=\"state\">" + container_state_html(live.state) +
           (live.health.empty() ? "" : " (" + escape(live.health) + ")") + "</td>";
    out += "<td data-label=\"last deployment\">" + last_deployment_html(a.last) + "</td>";
    out += "<td>" + redeploy_form(a.name, csrf) + "</td></tr>";
    return out;
}

std::string deliveries_html(const std::vector<delivery_record>& deliveries) {
    if (deliveries.empty()) {
        return "<p class=\"mute\">Every recent delivery deployed something.</p>";
    }
    std::string out = "<table><thead><tr><th>when</th><th>delivery</th><th>why nothing was "
                      "deployed</th></tr></thead><tbody>";
    for (const auto& r : deliveries) {
        const bool refused = r.verdict == "refused";
        out += "<tr><td>" + time_html(r.received_at_ms) + "</td><td><span class=\"" +
               (refused ? "bad" : "mute") + "\">" + escape(r.verdict) + "</span> " +
               escape(r.source) + " " + escape(r.event) + " <code>" +
               escape(r.id.empty() ? "-" : r.id) + "</code></td><td" +
               (refused ? " class=\"reason\">" + escape(refusal_diagnosis(r.source, r.reason))
                        : ">" + escape(r.reason)) +
               "</td></tr>";
    }
    return out + "</tbody></table>";
}

}  // namespace

std::string login_page(std::string_view problem, bool configured) {
    std::string body = "<h1>Log in</h1>";
    if (!configured) {
        body += "<p class=\"error\">The status page needs JWT_SECRET: set it for the agent, then "
                "print a token with <code>deploy-agent token</code>.</p>";
    }
    if (!problem.empty()) {
        body += "<p class=\"error\">" + escape(problem) + "</p>";
    }
    body += "<form method=\"post\" action=\"/login\"><label for=\"token\">API bearer token "
            "(<code>deploy-agent token</code>)</label><input id=\"token\" name=\"token\" "
            "type=\"password\" autocomplete=\"off\" required> <button type=\"submit\">Log "
            "in</button></form><p class=\"mute\">The token is checked once; the browser keeps "
            "only a session cookie.</p>";
    return page(page_frame{"deploy-agent: log in", false, "", ""}, body);
}

std::string overview_page(const page_frame& frame, const std::vector<app_view>& apps,
                          const std::vector<delivery_record>& deliveries) {
    std::string body = "<h1>Apps</h1><table class=\"apps\"><thead><tr><th>app</th><th>container"
                       "</th><th>image</th><th>state</th><th>last deployment</th><th></th></tr>"
                       "</thead><tbody>";
    for (const auto& a : apps) {
        body += app_row_html(a, frame.csrf);
    }
    body += "</tbody></table><h2>Deliveries that deployed nothing</h2>" +
            deliveries_html(deliveries);
    return page(frame, body);
}

std::string deployment_page(const page_frame& frame, const deployment_record& d,
                            const std::vector<step_record>& steps,
                            const std::vector<notification_attempt>& notifications) {
    std::string body = fmt::format("<h1>Deployment #{} of {}</h1>", d.id, escape(d.app));
    body += "<table><tbody><tr><th>state</th><td>" + state_html(to_string(d.state)) + "</td></tr>";
    body += "<tr><th>commit</th><td>" + commit_html(d.commit) + "</td></tr>";
    body += "<tr><th>trigger</th><td>" + escape(d.trigger) + (d.force ? " (force)" : "") +
            "</td></tr>";
    body += "<tr><th>queued</th><td>" + time_html(d.created_at_ms) + "</td></tr>";
    body += "<tr><th>started</th><td>" + time_html(d.started_at_ms) + "</td></tr>";
    body += "<tr><th>finished</th><td>" + time_html(d.finished_at_ms) + " " +
            escape(duration_text(d.started_at_ms, d.finished_at_ms)) + "</td></tr>";
    body += "<tr><th>image</th><td><code>" + escape(d.old_image) + "</code> → <code>" +
            escape(d.new_image) + "</code></td></tr>";
    if (!d.error.empty()) {
        body += "<tr><th>reason</th><td class=\"reason\">" + escape(d.error) + "</td></tr>";
    }
    body += "</tbody></table><h2>Steps</h2><pre class=\"steps\" id=\"steps\">";
    for (const auto& s : steps) {
        body += time_html(s.at_ms) + "  " + escape(s.message) + "\n";
    }
    if (steps.empty()) {
        body += "(no steps yet)";
    }
    body += "</pre>";
    if (!notifications.empty()) {
        body += "<h2>Notifications</h2><table><tbody>";
        for (const auto& n : notifications) {
            body += "<tr><td>" + time_html(n.at_ms) + "</td><td>" + escape(n.target) +
                    "</td><td>attempt " + std::to_string(n.attempt) + "</td><td class=\"" +
                    escape(n.outcome) + "\">" + escape(n.outcome) + "</td><td>" +
                    (n.status > 0 ? std::to_string(n.status) + " " : "") + escape(n.error) +
                    "</td></tr>";
        }
        body += "</tbody></table>";
    }
    return page(frame, body);
}

std::string message_page(const page_frame& frame, std::string_view heading,
                         std::string_view text) {
    return page(frame, "<h1>" + escape(heading) + "</h1><p>" + escape(text) +
                           "</p><p><a href=\"/\">Back to the apps</a></p>");
}

}  // namespace agent::status
