#include "common/iso8601.hpp"

#include <cstdio>

namespace agent {

namespace {

using std::chrono::milliseconds;

std::optional<int> digits_at(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return std::nullopt;
        }
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

// The fraction after '.' at `pos` as milliseconds (digits beyond the third ignored); moves pos.
std::optional<int> fraction_millis(std::string_view s, std::size_t& pos) {
    int millis = 0;
    int scale = 100;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        millis += scale * (s[pos] - '0');
        scale /= 10;
        ++pos;
    }
    if (pos == start) {
        return std::nullopt;
    }
    return millis;
}

// "Z" or "±HH[:]MM" at `pos`, to the end of `s`; the offset east of UTC.
std::optional<std::chrono::minutes> zone_offset(std::string_view s, std::size_t pos) {
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        return pos + 1 == s.size() ? std::optional(std::chrono::minutes{0}) : std::nullopt;
    }
    if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) {
        return std::nullopt;
    }
    const int sign = s[pos] == '-' ? -1 : 1;
    const auto oh = digits_at(s, pos + 1, 2);
    const std::size_t mpos = pos + 3 + (pos + 3 < s.size() && s[pos + 3] == ':' ? 1 : 0);
    const auto om = digits_at(s, mpos, 2);
    if (!oh || !om || *oh > 23 || *om > 59 || mpos + 2 != s.size()) {
        return std::nullopt;
    }
    return std::chrono::minutes{sign * (*oh * 60 + *om)};
}

}  // namespace

std::string iso8601_utc_millis(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto ms = floor<milliseconds>(t);
    const auto day = floor<days>(ms);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> hms{ms - day};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                  static_cast<int>(hms.subseconds().count()));
    return buf;
}

std::string iso8601_utc(std::int64_t unix_ms) {
    return iso8601_utc_millis(std::chrono::system_clock::time_point{
        std::chrono::duration_cast<std::chrono::system_clock::duration>(milliseconds{unix_ms})});
}

std::int64_t unix_millis(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

std::int64_t unix_millis_now() {
    return unix_millis(std::chrono::system_clock::now());
}

std::string iso8601_utc_seconds(std::chrono::system_clock::time_point t) {
    std::string text = iso8601_utc_millis(std::chrono::floor<std::chrono::seconds>(t));
    text.erase(text.size() - 5, 4);  // ".000" of "….000Z"
    return text;
}

std::optional<std::chrono::sys_time<milliseconds>> parse_iso8601(std::string_view s) {
    using namespace std::chrono;
    const auto year = digits_at(s, 0, 4);
    const auto month = digits_at(s, 5, 2);
    const auto day = digits_at(s, 8, 2);
    const auto hour = digits_at(s, 11, 2);
    const auto minute = digits_at(s, 14, 2);
    const auto second = digits_at(s, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
        *hour > 23 || *minute > 59 || *second > 60) {
        return std::nullopt;
    }
    const year_month_day ymd{std::chrono::year{*year},
                             std::chrono::month{static_cast<unsigned>(*month)},
                             std::chrono::day{static_cast<unsigned>(*day)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    int millis = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const auto fraction = fraction_millis(s, pos);
        if (!fraction) {
            return std::nullopt;
        }
        millis = *fraction;
    }
    const auto offset = zone_offset(s, pos);
    if (!offset) {
        return std::nullopt;
    }
    return sys_days{ymd} + hours{*hour} + minutes{*minute} + seconds{*second} +
           milliseconds{millis} - *offset;
}

}  // namespace agent
