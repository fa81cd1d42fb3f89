#include "metrics/registry.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace agent::metrics {

namespace {

void write_header(std::string& out, const std::string& name, const std::string& help,
                  std::string_view type) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// `{a="x",b="y"` without the closing brace, so a histogram can append its `le`.
void write_labels_open(std::string& out, const std::vector<std::string>& names,
                       const std::vector<std::string>& values) {
    out += '{';
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += names[i];
        out += "=\"";
        out += escape_label_value(values[i]);
        out += '"';
    }
}

std::string format_double(double v) { return fmt::format("{}", v); }

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

counter_family::counter_family(std::string name, std::string help,
                               std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void counter_family::increment(const std::vector<std::string>& label_values, std::uint64_t by) {
    if (label_values.size() != label_names_.size()) {
        return;
    }
    std::lock_guard lock(mutex_);
    values_[label_values] += by;
}

std::uint64_t counter_family::value(const std::vector<std::string>& label_values) const {
    std::lock_guard lock(mutex_);
    auto it = values_.find(label_values);
    return it == values_.end() ? 0 : it->second;
}

void counter_family::write(std::string& out) const {
    write_header(out, name_, help_, "counter");
    std::lock_guard lock(mutex_);
    for (const auto& [labels, v] : values_) {
        out += name_;
        if (!labels.empty()) {
            write_labels_open(out, label_names_, labels);
            out += '}';
        }
        fmt::format_to(std::back_inserter(out), " {}\n", v);
    }
}

std::map<std::vector<std::string>, std::uint64_t> counter_family::snapshot() const {
    std::lock_guard lock(mutex_);
    return values_;
}

void gauge::write(std::string& out) const {
    write_header(out, name_, help_, "gauge");
    fmt::format_to(std::back_inserter(out), "{} {}\n", name_, value());
}

histogram_family::histogram_family(std::string name, std::string help,
                                   std::vector<std::string> label_names,
                                   std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {
    std::sort(bounds_.begin(), bounds_.end());
}

void histogram_family::observe(const std::vector<std::string>& label_values, double value) {
    if (label_values.size() != label_names_.size()) {
        return;
    }
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
    std::lock_guard lock(mutex_);
    auto& s = series_[label_values];
    if (s.buckets.empty()) {
        s.buckets.assign(bounds_.size() + 1, 0);
    }
    ++s.buckets[bucket];
    s.sum += value;
    ++s.count;
}

std::uint64_t histogram_family::count(const std::vector<std::string>& label_values) const {
    std::lock_guard lock(mutex_);
    auto it = series_.find(label_values);
    return it == series_.end() ? 0 : it->second.count;
}

void histogram_family::write(std::string& out) const {
    write_header(out, name_, help_, "histogram");
    std::lock_guard lock(mutex_);
    for (const auto& [labels, s] : series_) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i <= bounds_.size(); ++i) {
            cumulative += s.buckets[i];
            out += name_;
            out += "_bucket";
            write_labels_open(out, label_names_, labels);
            out += label_names_.empty() ? "le=\"" : ",le=\"";
            out += i < bounds_.size() ? format_double(bounds_[i]) : "+Inf";
            fmt::format_to(std::back_inserter(out), "\"}} {}\n", cumulative);
        }
        for (const char* suffix : {"_sum", "_count"}) {
            out += name_;
            out += suffix;
            if (!labels.empty()) {
                write_labels_open(out, label_names_, labels);
                out += '}';
            }
            if (suffix[1] == 's') {
                fmt::format_to(std::back_inserter(out), " {}\n", format_double(s.sum));
            } else {
                fmt::format_to(std::back_inserter(out), " {}\n", s.count);
            }
        }
    }
}

void histogram_family::write_series_as(std::string& out, const std::string& name,
                                       const std::string& help,
                                       const std::vector<std::string>& label_values) const {
    write_header(out, name, help, "histogram");
    series s{std::vector<std::uint64_t>(bounds_.size() + 1, 0), 0, 0};
    {
        std::lock_guard lock(mutex_);
        if (auto it = series_.find(label_values); it != series_.end()) {
            s = it->second;
        }
    }
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        cumulative += s.buckets[i];
        fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"{}\"}} {}\n", name,
                       i < bounds_.size() ? format_double(bounds_[i]) : "+Inf", cumulative);
    }
    fmt::format_to(std::back_inserter(out), "{}_sum {}\n{}_count {}\n", name,
                   format_double(s.sum), name, s.count);
}

}  // namespace agent::metrics
