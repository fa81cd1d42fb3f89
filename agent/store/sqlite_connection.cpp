#include "store/sqlite_connection.hpp"

#include <sqlite3.h>

#include <string>

#include "store/store.hpp"

namespace agent::sqlite {

namespace {

// What an operator can do about a failure, by SQLite's primary result code.
std::string_view hint_for(int rc) {
    switch (rc & 0xff) {
        case SQLITE_FULL:
            return "free disk space on the volume holding DATA_DIR (or raise the store's size cap)";
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_CANTOPEN:
        case SQLITE_AUTH:
            return "make DATA_DIR and the files in it writable by the agent's user, or set DATA_DIR";
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return "another process holds the database; run only one deploy-agent per DATA_DIR";
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return "move the damaged file away (the agent creates a new store) or restore a backup";
        case SQLITE_IOERR:
            return "check the disk and the filesystem holding DATA_DIR";
        case SQLITE_NOMEM:
            return "the process is out of memory";
        default:
            return "";
    }
}

}  // namespace

void throw_error(sqlite3* db, int rc, std::string_view what, const std::string& path) {
    std::string message = "store " + path + ": " + std::string(what) + " failed: ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    auto hint = hint_for(rc);
    if (!hint.empty()) {
        message += "; ";
        message += hint;
    }
    throw store_error(message);
}

statement::statement(sqlite3* db, std::string_view sql, const std::string& path)
    : db_(db), path_(path) {
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        throw_error(db_, rc, "preparing a statement", path_);
    }
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int index, std::int64_t value) {
    int rc = sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
    if (rc != SQLITE_OK) {
        throw_error(db_, rc, "binding a value", path_);
    }
    return *this;
}

statement& statement::bind(int index, std::string_view value) {
    // SQLITE_TRANSIENT: SQLite copies, so the caller's buffer may go away before step().
    int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                               SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
        throw_error(db_, rc, "binding a value", path_);
    }
    return *this;
}

bool statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    throw_error(db_, rc, "a query", path_);
}

std::int64_t statement::column_int(int index) const {
    return static_cast<std::int64_t>(sqlite3_column_int64(stmt_, index));
}

std::string statement::column_text(int index) const {
    const auto* text = sqlite3_column_text(stmt_, index);
    int size = sqlite3_column_bytes(stmt_, index);
    if (text == nullptr || size <= 0) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

void statement::reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

connection::connection(std::string path) : path_(std::move(path)) {
    // Once, before SQLite initializes: no up-front page cache. By default each connection's
    // first page read allocates 20 cache lines at once (about 85 KB, each of its memory pages
    // written) where the agent's database is a few pages: for the writer and the reader, 170 KB
    // of idle RSS and 40 page faults at start-up. Lines are then allocated as pages are read.
    static const int page_cache_configured =
        sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
    (void)page_cache_configured;
    // NOMUTEX: the owner serializes access; SQLite's own mutex would only add cost.
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3* failed = db_;
        db_ = nullptr;
        std::string message = "store " + path_ + ": cannot open: ";
        message += failed != nullptr ? sqlite3_errmsg(failed) : sqlite3_errstr(rc);
        sqlite3_close(failed);
        message += "; ";
        message += hint_for(rc);
        throw store_error(message);
    }
    sqlite3_extended_result_codes(db_, 1);
    // A checkpoint or another process can hold the lock briefly; wait instead of failing.
    sqlite3_busy_timeout(db_, 5000);
}

connection::~connection() {
    cache_.clear();  // statements must be finalized before the connection closes
    sqlite3_close(db_);
}

void connection::exec(std::string_view sql) {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        throw_error(db_, rc, text.substr(0, text.find_first_of(" \n")), path_);
    }
}

std::string connection::query_text(std::string_view sql) {
    statement st(db_, sql, path_);
    std::string value = st.step() ? st.column_text(0) : std::string();
    while (st.step()) {
    }
    return value;
}

statement_lease connection::cached(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        it = cache_.emplace(std::string(sql), std::make_unique<statement>(db_, sql, path_)).first;
    }
    return statement_lease(*it->second);
}

void connection::rollback_quietly() noexcept {
    if (sqlite3_get_autocommit(db_) == 0) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

std::int64_t connection::last_insert_rowid() const {
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

std::int64_t connection::changes() const { return sqlite3_changes(db_); }

}  // namespace agent::sqlite
