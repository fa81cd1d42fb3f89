#include "status/html.hpp"

#include <chrono>
#include <cstdint>

#include <fmt/format.h>

#include "common/escape.hpp"

namespace agent::status {

namespace {

std::string iso_utc(std::int64_t unix_ms) {
    using namespace std::chrono;
    const sys_time<milliseconds> t{milliseconds{unix_ms}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> hms{t - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

constexpr std::string_view css = R"css(
:root{color-scheme:light dark;--ok:#1a7f37;--bad:#c62828;--run:#9a6700;--mute:#6b7280}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:0 12px 24px;max-width:1100px;margin-inline:auto}
header{display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:space-between;padding:10px 0;border-bottom:1px solid #8884}
header a{font-weight:600;text-decoration:none;color:inherit}
h1{font-size:1.3em;margin:16px 0 8px}h2{font-size:1.1em;margin:20px 0 8px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #8883;vertical-align:top;overflow-wrap:break-word}
th{font-size:.85em;color:var(--mute);font-weight:600}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em;overflow-wrap:anywhere}
pre.steps{white-space:pre-wrap;background:#8881;padding:8px;border-radius:6px;max-height:70vh;overflow:auto}
.state{font-weight:600}.succeeded,.running-ok,.delivered{color:var(--ok)}.failed,.rolled_back,.bad{color:var(--bad)}
.running,.queued,.retrying{color:var(--run)}.superseded,.mute{color:var(--mute)}
.reason{color:var(--bad);overflow-wrap:anywhere}
button,input{font:inherit;padding:6px 10px;border-radius:6px;border:1px solid #8886}
button{white-space:nowrap}
button{cursor:pointer;background:#2563eb;color:#fff;border-color:#2563eb}
form.inline{display:inline}
.error{color:var(--bad);font-weight:600}
label{display:block;margin:8px 0 4px}label.inline{display:inline;margin:0 0 0 6px}
input[type=password]{width:100%;max-width:40em}
@media (max-width:700px){
 table.apps thead{display:none}
 table.apps tr{display:block;border-bottom:1px solid #8886;padding:6px 0}
 table.apps td{display:block;border:0;padding:2px 0}
 table.apps td[data-label]::before{content:attr(data-label) ": ";color:var(--mute);font-size:.85em}
}
)css";

constexpr std::string_view script = R"js(
document.querySelectorAll('time[datetime]').forEach(function (t) {
  var d = new Date(t.getAttribute('datetime'));
  if (!isNaN(d)) { t.title = t.textContent; t.textContent = d.toLocaleString(); }
});
)js";

}  // namespace

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        // Bidi overrides, isolates and zero-width characters would make the page read as
        // something the text is not: shown as U+FFFD like the C0 controls.
        if (const std::size_t n = invisible_control_length(text, i); n != 0) {
            out += "\xEF\xBF\xBD";
            i += n - 1;
            continue;
        }
        if (static_cast<unsigned char>(c) == 0xc2 && i + 1 < text.size() &&
            static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(text[i + 1]) < 0xa0) {
            out += "\xEF\xBF\xBD";  // a C1 control
            ++i;
            continue;
        }
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default:
                if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
                    out += "\xEF\xBF\xBD";
                } else {
                    out.push_back(c);
                }
        }
    }
    return out;
}

std::string page(const page_frame& frame, std::string_view body) {
    std::string out =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
    if (frame.refresh_every_second) {
        out += "<meta http-equiv=\"refresh\" content=\"1\">";
    }
    out += "<title>" + escape(frame.title) + "</title>";
    out += "<link rel=\"stylesheet\" href=\"/status.css\"></head><body><header>";
    out += "<a href=\"/\">deploy-agent</a>";
    if (!frame.subject.empty() || !frame.csrf.empty()) {
        out += "<form class=\"inline\" method=\"post\" action=\"/logout\"><input type=\"hidden\" "
               "name=\"csrf\" value=\"" + escape(frame.csrf) + "\"><span class=\"mute\">" +
               escape(frame.subject) + "</span> <button type=\"submit\">Log out</button></form>";
    }
    out += "</header><main>";
    out += body;
    out += "</main><script src=\"/status.js\"></script></body></html>";
    return out;
}

std::string time_html(std::int64_t unix_ms) {
    if (unix_ms <= 0) {
        return "—";
    }
    std::string iso = iso_utc(unix_ms);
    return "<time datetime=\"" + iso + "\">" + iso.substr(0, 10) + " " + iso.substr(11, 8) +
           " UTC</time>";
}

std::string duration_text(std::int64_t from_ms, std::int64_t to_ms) {
    if (from_ms <= 0 || to_ms <= 0 || to_ms < from_ms) {
        return {};
    }
    const std::int64_t ms = to_ms - from_ms;
    if (ms < 10000) {
        return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
    }
    const std::int64_t s = (ms + 500) / 1000;
    return s < 120 ? fmt::format("{} s", s) : fmt::format("{} min {} s", s / 60, s % 60);
}

std::string_view stylesheet() { return css; }
std::string_view local_time_script() { return script; }

}  // namespace agent::status
