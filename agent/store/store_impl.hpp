#pragma once

// Internal to agent/store: the state behind store, shared by its .cpp files.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "store/sqlite_connection.hpp"
#include "store/store.hpp"

namespace agent {

struct store::impl {
    impl(store_options opts, std::string db_path)
        : options(std::move(opts)), path(db_path), writer(db_path), reader(db_path) {}

    store_options options;
    std::string path;
    std::mutex write_mutex;  // guards writer
    sqlite::connection writer;
    std::mutex read_mutex;  // guards reader
    sqlite::connection reader;
    std::atomic<std::uint64_t> transactions{0};
};

namespace store_detail {

// Bounds on stored text: what the network sends is untrusted, and one row must stay small.
inline constexpr std::size_t max_id = 200;
inline constexpr std::size_t max_word = 64;
inline constexpr std::size_t max_name = 256;
inline constexpr std::size_t max_text = 4096;

/// The columns read_deployment() expects, in order, for "SELECT <columns> FROM deployments".
inline constexpr std::string_view deployment_columns =
    "id, app, job_action, job_trigger, delivery_id, commit_sha, forced, old_image, new_image, "
    "state, created_at, started_at, finished_at, error, superseded_by";

/// A deployments row selected with deployment_columns.
deployment_record read_deployment(const sqlite::statement& row);

/// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view bounded(std::string_view text, std::size_t max);

/// Records `delivery`'s replay key, when it has one (replay_keys.cpp).
void insert_replay_key(sqlite::connection& db, const delivery_record& delivery);

/// Removes expired replay keys and the oldest beyond `max_keys`; returns how many.
std::int64_t prune_replay_keys(sqlite::connection& db, std::int64_t now_ms, std::size_t max_keys);

/// Appends a step line, keeping the first and the latest half of `max_steps`; false for an
/// unknown id (history_writes.cpp).
bool insert_step(sqlite::connection& db, std::size_t max_steps, std::int64_t id, std::int64_t at_ms,
                 std::string_view message);

/// Applies `write` on the writer inside the caller's transaction (history_writes.cpp).
write_result apply_write(store::impl& s, sqlite::connection& db, const history_write& write);

/// Creates or upgrades the schema (schema_version table). Throws store_error when the file was
/// written by a newer agent.
void migrate(sqlite::connection& db);

/// Runs `body(db)` inside BEGIN IMMEDIATE ... COMMIT on the writer, whose mutex the caller holds;
/// rolls back and rethrows on failure. Counts committed transactions.
template <class Body>
auto run_transaction(store::impl& s, Body&& body) {
    s.writer.exec("BEGIN IMMEDIATE");
    try {
        auto result = body(s.writer);
        s.writer.exec("COMMIT");
        ++s.transactions;
        return result;
    } catch (...) {
        s.writer.rollback_quietly();
        throw;
    }
}

/// run_transaction() under the writer's mutex.
template <class Body>
auto write_transaction(store::impl& s, Body&& body) {
    std::lock_guard lock(s.write_mutex);
    return run_transaction(s, std::forward<Body>(body));
}

/// write_transaction() with `d`: a relaxed one runs with synchronous=NORMAL (no fsync at its
/// COMMIT; in WAL mode the next FULL commit's fsync covers it), and the writer is back to FULL
/// afterwards whatever happens.
template <class Body>
auto write_transaction(store::impl& s, durability d, Body&& body) {
    std::lock_guard lock(s.write_mutex);
    if (d == durability::durable) {
        return run_transaction(s, std::forward<Body>(body));
    }
    s.writer.exec("PRAGMA synchronous=NORMAL");
    struct restore_full {
        sqlite::connection& writer;
        ~restore_full() {
            try {
                writer.exec("PRAGMA synchronous=FULL");
            } catch (...) {
            }
        }
    } restore{s.writer};
    return run_transaction(s, std::forward<Body>(body));
}

}  // namespace store_detail
}  // namespace agent
