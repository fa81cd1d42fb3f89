// Every read of the store, on the reader connection (WAL: it never waits for a writer's fsync).

#include <algorithm>
#include <array>
#include <limits>
#include <mutex>
#include <string>

#include "store/store.hpp"
#include "store/store_impl.hpp"

namespace agent {

namespace {

constexpr std::array<std::string_view, 7> state_names = {
    "queued", "running", "succeeded", "failed", "rolled_back", "superseded", "recovered"};

constexpr std::string_view delivery_columns = "id, source, event, verdict, reason, received_at";

std::string deployments_query(std::string_view rest) {
    return "SELECT " + std::string(store_detail::deployment_columns) + " FROM deployments " +
           std::string(rest);
}

std::string deliveries_query(std::string_view rest) {
    return "SELECT " + std::string(delivery_columns) + " FROM deliveries " + std::string(rest);
}

delivery_record read_delivery(const sqlite::statement& row) {
    delivery_record record;
    record.id = row.column_text(0);
    record.source = row.column_text(1);
    record.event = row.column_text(2);
    record.verdict = row.column_text(3);
    record.reason = row.column_text(4);
    record.received_at_ms = row.column_int(5);
    return record;
}

std::int64_t sql_limit(std::size_t limit) {
    return static_cast<std::int64_t>(
        std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
}

std::vector<deployment_record> read_deployments(sqlite::statement& query) {
    std::vector<deployment_record> records;
    while (query.step()) {
        records.push_back(store_detail::read_deployment(query));
    }
    return records;
}

}  // namespace

std::string_view to_string(deployment_state state) {
    return state_names[static_cast<std::size_t>(state)];
}

std::optional<deployment_state> parse_deployment_state(std::string_view text) {
    for (std::size_t i = 0; i < state_names.size(); ++i) {
        if (state_names[i] == text) {
            return static_cast<deployment_state>(i);
        }
    }
    return std::nullopt;
}

bool is_terminal(deployment_state state) {
    return state != deployment_state::queued && state != deployment_state::running;
}

namespace store_detail {

deployment_record read_deployment(const sqlite::statement& row) {
    deployment_record record;
    record.id = row.column_int(0);
    record.app = row.column_text(1);
    record.action = row.column_text(2);
    record.trigger = row.column_text(3);
    record.delivery_id = row.column_text(4);
    record.commit = row.column_text(5);
    record.force = row.column_int(6) != 0;
    record.old_image = row.column_text(7);
    record.new_image = row.column_text(8);
    // The CHECK constraint keeps unknown states out of the table.
    record.state = parse_deployment_state(row.column_text(9)).value_or(deployment_state::failed);
    record.created_at_ms = row.column_int(10);
    record.started_at_ms = row.column_int(11);
    record.finished_at_ms = row.column_int(12);
    record.error = row.column_text(13);
    record.superseded_by = row.column_int(14);
    return record;
}

std::string_view bounded(std::string_view text, std::size_t max) {
    if (text.size() <= max) {
        return text;
    }
    std::size_t size = max;
    while (size > 0 && (static_cast<unsigned char>(text[size]) & 0xC0) == 0x80) {
        --size;
    }
    return text.substr(0, size);
}

}  // namespace store_detail

std::vector<deployment_record> store::list_deployments(std::optional<std::string> app,
                                                       std::size_t limit) {
    std::lock_guard lock(impl_->read_mutex);
    if (app) {
        auto query = impl_->reader.cached(
            deployments_query("WHERE app = ?1 ORDER BY id DESC LIMIT ?2"));
        query->bind(1, *app).bind(2, sql_limit(limit));
        return read_deployments(*query);
    }
    auto query = impl_->reader.cached(deployments_query("ORDER BY id DESC LIMIT ?1"));
    query->bind(1, sql_limit(limit));
    return read_deployments(*query);
}

std::optional<deployment_record> store::get_deployment(std::int64_t id) {
    std::lock_guard lock(impl_->read_mutex);
    auto query = impl_->reader.cached(deployments_query("WHERE id = ?1"));
    query->bind(1, id);
    if (!query->step()) {
        return std::nullopt;
    }
    return store_detail::read_deployment(*query);
}

std::optional<deployment_record> store::last_deployment(std::string_view app) {
    std::lock_guard lock(impl_->read_mutex);
    auto query = impl_->reader.cached(deployments_query("WHERE app = ?1 ORDER BY id DESC LIMIT 1"));
    query->bind(1, app);
    if (!query->step()) {
        return std::nullopt;
    }
    return store_detail::read_deployment(*query);
}

std::vector<deployment_record> store::unfinished() {
    std::lock_guard lock(impl_->read_mutex);
    auto query = impl_->reader.cached(
        deployments_query("WHERE state IN ('queued', 'running') ORDER BY id"));
    return read_deployments(*query);
}

std::vector<step_record> store::steps(std::int64_t id) {
    std::lock_guard lock(impl_->read_mutex);
    // One read transaction for the count and the lines, so the two agree.
    impl_->reader.exec("BEGIN");
    std::vector<step_record> lines;
    try {
        std::int64_t count = 0;
        {
            auto query = impl_->reader.cached("SELECT step_count FROM deployments WHERE id = ?1");
            query->bind(1, id);
            if (query->step()) {
                count = query->column_int(0);
            }
        }
        auto query = impl_->reader.cached(
            "SELECT seq, at, message FROM steps WHERE deployment_id = ?1 ORDER BY seq");
        query->bind(1, id);
        std::vector<std::int64_t> seqs;
        while (query->step()) {
            seqs.push_back(query->column_int(0));
            lines.push_back({query->column_int(1), query->column_text(2)});
        }
        auto dropped = count - static_cast<std::int64_t>(lines.size());
        if (dropped > 0) {
            // The gap is where the sequence numbers jump (robust to a changed cap).
            std::size_t gap = 0;
            while (gap < seqs.size() && seqs[gap] == static_cast<std::int64_t>(gap)) {
                ++gap;
            }
            auto at = gap < lines.size() ? lines[gap].at_ms : lines.empty() ? 0 : lines.back().at_ms;
            lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(gap),
                         step_record{at, "... " + std::to_string(dropped) +
                                             " lines omitted (the log keeps the first and the "
                                             "latest lines) ..."});
        }
        impl_->reader.exec("COMMIT");
    } catch (...) {
        impl_->reader.rollback_quietly();
        throw;
    }
    return lines;
}

bool store::delivery_accepted(std::string_view id) {
    if (id.empty()) {
        return false;
    }
    std::lock_guard lock(impl_->read_mutex);
    auto query = impl_->reader.cached(
        "SELECT 1 FROM deliveries WHERE id = ?1 AND verdict = 'accepted' LIMIT 1");
    query->bind(1, store_detail::bounded(id, store_detail::max_id));
    return query->step();
}

std::vector<accepted_delivery> store::accepted_since(std::int64_t since_ms, std::size_t limit) {
    std::lock_guard lock(impl_->read_mutex);
    auto query = impl_->reader.cached(
        "SELECT id, received_at FROM deliveries WHERE verdict = 'accepted' AND received_at >= ?1 "
        "ORDER BY seq DESC LIMIT ?2");
    query->bind(1, since_ms).bind(2, sql_limit(limit));
    std::vector<accepted_delivery> accepted;
    while (query->step()) {
        accepted.push_back({query->column_text(0), query->column_int(1)});
    }
    std::reverse(accepted.begin(), accepted.end());
    return accepted;
}

std::optional<delivery_record> store::find_delivery(std::string_view id) {
    if (id.empty()) {
        return std::nullopt;
    }
    std::lock_guard lock(impl_->read_mutex);
    auto query = impl_->reader.cached(deliveries_query(
        "WHERE id = ?1 ORDER BY verdict = 'accepted' DESC, "
        "CASE WHEN verdict = 'accepted' THEN seq ELSE -seq END LIMIT 1"));
    query->bind(1, store_detail::bounded(id, store_detail::max_id));
    if (!query->step()) {
        return std::nullopt;
    }
    return read_delivery(*query);
}

std::vector<delivery_record> store::recent_deliveries(std::size_t limit) {
    std::lock_guard lock(impl_->read_mutex);
    auto query = impl_->reader.cached(deliveries_query("ORDER BY seq DESC LIMIT ?1"));
    query->bind(1, sql_limit(limit));
    std::vector<delivery_record> records;
    while (query->step()) {
        records.push_back(read_delivery(*query));
    }
    return records;
}

}  // namespace agent
