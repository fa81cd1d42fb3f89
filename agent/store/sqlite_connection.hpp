#pragma once

// Internal to agent/store: a minimal RAII face over one SQLite connection and its prepared
// statements. SQLite's own types are only forward-declared here; sqlite3.h stays in the .cpp.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace agent::sqlite {

/// One prepared statement. Bind indexes start at 1, column indexes at 0 (SQLite's convention).
class statement {
public:
    /// Prepares `sql` on `db` for repeated use. Throws store_error naming `path`.
    statement(sqlite3* db, std::string_view sql, const std::string& path);
    ~statement();
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    statement& bind(int index, std::int64_t value);
    statement& bind(int index, std::string_view value);
    /// Advances: true when a row is available, false when done. Throws store_error.
    bool step();
    std::int64_t column_int(int index) const;
    std::string column_text(int index) const;
    /// Makes the statement ready for new bindings (also ends its read of the database).
    void reset() noexcept;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    const std::string& path_;
};

/// A cached statement borrowed for one use; resetting on scope exit matters because a statement
/// left mid-iteration keeps its read transaction open (a stale snapshot that blocks checkpoints).
class statement_lease {
public:
    explicit statement_lease(statement& st) : st_(st) {}
    ~statement_lease() { st_.reset(); }
    statement_lease(const statement_lease&) = delete;
    statement_lease& operator=(const statement_lease&) = delete;
    statement* operator->() { return &st_; }
    statement& operator*() { return st_; }

private:
    statement& st_;
};

/// One SQLite connection, used by one thread at a time (the owner serializes with a mutex).
class connection {
public:
    /// Opens or creates the database file at `path`. Throws store_error with the path and a hint.
    explicit connection(std::string path);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Runs one or more statements that return no rows we need. Throws store_error.
    void exec(std::string_view sql);
    /// Runs a statement (a PRAGMA) and returns the first column of its first row, or "".
    std::string query_text(std::string_view sql);
    /// A statement prepared once per connection and reused; the lease resets it when dropped.
    statement_lease cached(std::string_view sql);
    /// Rolls back the open transaction, if any; never throws (used on error paths).
    void rollback_quietly() noexcept;
    std::int64_t last_insert_rowid() const;
    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    std::int64_t changes() const;
    const std::string& path() const { return path_; }

private:
    // Looked up by the caller's view of the SQL: no string is built per use.
    struct sql_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const noexcept {
            return std::hash<std::string_view>{}(sql);
        }
    };

    std::string path_;
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, std::unique_ptr<statement>, sql_hash, std::equal_to<>> cache_;
};

/// Throws store_error describing SQLite result `rc` while doing `what` on `path`, with a hint
/// about what the operator can do (free disk space, fix permissions, ...).
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view what, const std::string& path);

}  // namespace agent::sqlite
