#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace agent::metrics {

/// Counters sharing one name and one list of label names, written in the Prometheus text
/// format 0.0.4. Thread-safe. Label values are escaped when written, so any text is safe.
class counter_family {
public:
    counter_family(std::string name, std::string help, std::vector<std::string> label_names);

    /// Adds `by` to the counter with these label values (one per label name, in order),
    /// creating it at zero first. A wrong number of values is a programming error: ignored.
    void increment(const std::vector<std::string>& label_values, std::uint64_t by = 1);
    /// The current value; 0 when that counter was never incremented.
    std::uint64_t value(const std::vector<std::string>& label_values) const;
    /// Appends "# HELP", "# TYPE" and one line per counter.
    void write(std::string& out) const;
    /// Every counter's label values and value, for families derived from this one.
    std::map<std::vector<std::string>, std::uint64_t> snapshot() const;

private:
    std::string name_;
    std::string help_;
    std::vector<std::string> label_names_;
    mutable std::mutex mutex_;
    std::map<std::vector<std::string>, std::uint64_t> values_;
};

/// One gauge without labels.
class gauge {
public:
    gauge(std::string name, std::string help) : name_(std::move(name)), help_(std::move(help)) {}
    void add(std::int64_t by) { value_.fetch_add(by, std::memory_order_relaxed); }
    void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
    std::int64_t value() const { return value_.load(std::memory_order_relaxed); }
    void write(std::string& out) const;

private:
    std::string name_;
    std::string help_;
    std::atomic<std::int64_t> value_{0};
};

/// Histograms sharing one name, label names and bucket bounds (seconds, ascending; +Inf is
/// added). Thread-safe.
class histogram_family {
public:
    histogram_family(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds);

    void observe(const std::vector<std::string>& label_values, double value);
    /// How many observations, for tests; 0 for unknown label values.
    std::uint64_t count(const std::vector<std::string>& label_values) const;
    /// Appends the _bucket (cumulative), _sum and _count lines.
    void write(std::string& out) const;
    /// Appends the one series with these label values as a histogram of its own, without
    /// labels, named `name` (a family kept under another name); empty buckets when never
    /// observed.
    void write_series_as(std::string& out, const std::string& name, const std::string& help,
                         const std::vector<std::string>& label_values) const;

private:
    struct series {
        std::vector<std::uint64_t> buckets;  ///< per bound, not cumulative; last is +Inf
        double sum = 0;
        std::uint64_t count = 0;
    };
    std::string name_;
    std::string help_;
    std::vector<std::string> label_names_;
    std::vector<double> bounds_;
    mutable std::mutex mutex_;
    std::map<std::vector<std::string>, series> series_;
};

/// A label value with \, " and newline escaped as the text format requires.
std::string escape_label_value(std::string_view value);

}  // namespace agent::metrics
