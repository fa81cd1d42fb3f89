#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agent::status {

/// `text` safe in HTML element content and in double- or single-quoted attribute values:
/// & < > " ' are replaced by entities, and control characters other than tab and newline by
/// U+FFFD (they have no business on a page).
std::string escape(std::string_view text);

/// What frames every page.
struct page_frame {
    std::string title{};           ///< escaped here
    bool refresh_every_second = false;  ///< a running deployment's page follows its steps
    std::string subject{};         ///< who is logged in, empty on the login page
    std::string csrf{};            ///< for the log-out form, empty when not logged in
};

/// A whole HTML document around `body` (which must already be escaped): the stylesheet, the
/// script that shows <time datetime> values in the browser's zone, a header with log-out.
std::string page(const page_frame& frame, std::string_view body);

/// <time datetime="ISO">ISO</time> for Unix milliseconds; "—" for 0.
std::string time_html(std::int64_t unix_ms);

/// "1.2 s", "41 s", "3 min 5 s"; empty when either end is 0.
std::string duration_text(std::int64_t from_ms, std::int64_t to_ms);

/// The stylesheet served at /status.css (small, phone first).
std::string_view stylesheet();
/// The script served at /status.js: converts times to the browser's zone. Nothing else.
std::string_view local_time_script();

}  // namespace agent::status
