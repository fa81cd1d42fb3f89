// Opening the store and every write. Reads are in store_reads.cpp.

#include "store/store.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "store/store_impl.hpp"

namespace agent {

using store_detail::bounded;
using store_detail::max_id;
using store_detail::max_name;
using store_detail::max_text;
using store_detail::max_word;

namespace {

constexpr std::string_view interrupted_error =
    "interrupted: the agent stopped while this deployment was running; the app may be left on "
    "the old or the new container";

std::string generated_delivery_id() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    char text[40];
    std::snprintf(text, sizeof text, "local-%016llx%08llx",
                  static_cast<unsigned long long>(random()),
                  static_cast<unsigned long long>(random() & 0xffffffffULL));
    return text;
}

std::vector<std::int64_t> insert_delivery(sqlite::connection& db, const delivery_record& delivery,
                                          const std::vector<planned_job>& jobs) {
    std::string id(bounded(delivery.id, max_id));
    if (id.empty()) {
        id = generated_delivery_id();
    }
    {
        auto insert = db.cached(
            "INSERT INTO deliveries (id, source, event, verdict, reason, received_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        insert->bind(1, id)
            .bind(2, bounded(delivery.source, max_word))
            .bind(3, bounded(delivery.event, max_name))
            .bind(4, bounded(delivery.verdict, max_word))
            .bind(5, bounded(delivery.reason, max_text))
            .bind(6, delivery.received_at_ms);
        insert->step();
    }
    store_detail::insert_replay_key(db, delivery);
    std::vector<std::int64_t> ids;
    ids.reserve(jobs.size());
    for (const auto& job : jobs) {
        auto insert = db.cached(
            "INSERT INTO deployments (app, job_action, job_trigger, delivery_id, commit_sha, "
            "forced, state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7)");
        insert->bind(1, bounded(job.app, max_name))
            .bind(2, bounded(job.action, max_word))
            .bind(3, bounded(job.trigger, max_word))
            .bind(4, id)
            .bind(5, bounded(job.commit, max_word * 2))
            .bind(6, std::int64_t{job.force ? 1 : 0})
            .bind(7, delivery.received_at_ms);
        insert->step();
        ids.push_back(db.last_insert_rowid());
    }
    return ids;
}

// Keeps the first half and the latest half of the cap; the line that just left the "latest"
// window is deleted, so each append costs at most one insert and one delete.
bool insert_step(sqlite::connection& db, std::size_t max_steps, std::int64_t id,
                 std::int64_t at_ms, std::string_view message) {
    std::int64_t count = 0;
    {
        auto bump = db.cached(
            "UPDATE deployments SET step_count = step_count + 1 WHERE id = ?1 RETURNING step_count");
        bump->bind(1, id);
        if (!bump->step()) {
            return false;
        }
        count = bump->column_int(0);
        while (bump->step()) {
        }
    }
    {
        auto insert =
            db.cached("INSERT INTO steps (deployment_id, seq, at, message) VALUES (?1, ?2, ?3, ?4)");
        insert->bind(1, id).bind(2, count - 1).bind(3, at_ms).bind(4, bounded(message, max_text));
        insert->step();
    }
    auto cap = static_cast<std::int64_t>(std::max<std::size_t>(max_steps, 2));
    std::int64_t head = cap / 2;
    std::int64_t tail = cap - head;
    std::int64_t leaving = count - 1 - tail;
    if (count > cap && leaving >= head) {
        auto drop = db.cached("DELETE FROM steps WHERE deployment_id = ?1 AND seq = ?2");
        drop->bind(1, id).bind(2, leaving);
        drop->step();
    }
    return true;
}

}  // namespace

store::store(std::unique_ptr<impl> state) : impl_(std::move(state)) {}

store::~store() = default;

std::unique_ptr<store> store::open(const store_options& options) {
    namespace fs = std::filesystem;
    if (options.data_dir.empty()) {
        throw store_error("store: DATA_DIR is empty; set DATA_DIR to a writable directory");
    }
    std::error_code ec;
    fs::create_directories(options.data_dir, ec);
    if (ec) {
        throw store_error("store: cannot create DATA_DIR " + options.data_dir + ": " +
                          ec.message() + "; create it writable by uid " +
                          std::to_string(::getuid()) + " or set DATA_DIR elsewhere");
    }
    std::string path = (fs::path(options.data_dir) / "deploy-agent.db").string();
    const bool created = !fs::exists(path, ec);
    auto state = std::make_unique<impl>(options, path);
    auto& writer = state->writer;
    // A new, empty database has nothing to lose: it is created and given its schema without the
    // eight fsyncs that would take (a third of the agent's start-up on a small disk). Its first
    // durable commit syncs the WAL that holds the schema.
    if (created) {
        writer.exec("PRAGMA synchronous=OFF");
    }
    // WAL: readers never block the writer and a commit appends instead of rewriting pages.
    std::string mode = writer.query_text("PRAGMA journal_mode=WAL");
    if (mode != "wal") {
        throw store_error("store " + path + ": cannot switch to WAL (journal mode stays '" + mode +
                          "'); the filesystem may lack shared-memory support (NFS, SMB): put "
                          "DATA_DIR on a local volume");
    }
    // Without a limit the WAL file keeps its largest size forever after a burst.
    writer.query_text("PRAGMA journal_size_limit=16777216");
    if (options.max_size_bytes > 0) {
        auto page_size = std::stoull(writer.query_text("PRAGMA page_size"));
        auto pages = std::max<std::uint64_t>(options.max_size_bytes / page_size, 1);
        writer.query_text("PRAGMA max_page_count=" + std::to_string(pages));
    }
    // FULL: in WAL mode NORMAL does not fsync at commit, so an answered webhook could be lost
    // on a power cut. Group commit is what makes one fsync per transaction affordable. An
    // existing database is migrated with FULL: its data is worth the fsyncs.
    if (!created) {
        writer.exec("PRAGMA synchronous=FULL");
    }
    store_detail::migrate(writer);
    writer.exec("PRAGMA synchronous=FULL");
    state->reader.exec("PRAGMA query_only=1");
    return std::unique_ptr<store>(new store(std::move(state)));
}

const std::string& store::path() const { return impl_->path; }

std::uint64_t store::transactions_committed() const { return impl_->transactions.load(); }

std::vector<std::int64_t> store::record_delivery(const delivery_record& delivery,
                                                 const std::vector<planned_job>& jobs) {
    return store_detail::write_transaction(
        *impl_, [&](sqlite::connection& db) { return insert_delivery(db, delivery, jobs); });
}

std::vector<std::vector<std::int64_t>> store::record_deliveries(
    std::span<const delivery_submission> submissions, durability d) {
    return store_detail::write_transaction(*impl_, d, [&](sqlite::connection& db) {
        std::vector<std::vector<std::int64_t>> all;
        all.reserve(submissions.size());
        for (const auto& submission : submissions) {
            all.push_back(insert_delivery(db, submission.delivery, submission.jobs));
        }
        return all;
    });
}

bool store::mark_running(std::int64_t id, std::string_view old_image, std::int64_t now_ms) {
    return store_detail::write_transaction(*impl_, [&](sqlite::connection& db) {
        auto update = db.cached(
            "UPDATE deployments SET state = 'running', started_at = ?2, old_image = ?3 "
            "WHERE id = ?1 AND state = 'queued'");
        update->bind(1, id).bind(2, now_ms).bind(3, bounded(old_image, max_name));
        update->step();
        return db.changes() == 1;
    });
}

bool store::mark_finished(std::int64_t id, deployment_state state, std::string_view new_image,
                          std::string_view error, std::int64_t now_ms) {
    if (!is_terminal(state) || state == deployment_state::superseded) {
        throw std::invalid_argument("mark_finished: state must be succeeded, failed or rolled_back");
    }
    return store_detail::write_transaction(*impl_, [&](sqlite::connection& db) {
        auto update = db.cached(
            "UPDATE deployments SET state = ?2, finished_at = ?3, new_image = ?4, error = ?5 "
            "WHERE id = ?1 AND state IN ('queued', 'running')");
        update->bind(1, id)
            .bind(2, to_string(state))
            .bind(3, now_ms)
            .bind(4, bounded(new_image, max_name))
            .bind(5, bounded(error, max_text));
        update->step();
        return db.changes() == 1;
    });
}

bool store::mark_superseded(std::int64_t id, std::int64_t by_id, std::int64_t now_ms) {
    return store_detail::write_transaction(*impl_, [&](sqlite::connection& db) {
        auto update = db.cached(
            "UPDATE deployments SET state = 'superseded', finished_at = ?2, superseded_by = ?3, "
            "error = 'superseded by deployment ' || ?3 WHERE id = ?1 AND state = 'queued'");
        update->bind(1, id).bind(2, now_ms).bind(3, by_id);
        update->step();
        return db.changes() == 1;
    });
}

std::vector<deployment_record> store::mark_interrupted(std::int64_t now_ms) {
    auto ids = store_detail::write_transaction(*impl_, [&](sqlite::connection& db) {
        std::vector<std::int64_t> found;
        {
            auto select = db.cached("SELECT id FROM deployments WHERE state = 'running' ORDER BY id");
            while (select->step()) {
                found.push_back(select->column_int(0));
            }
        }
        for (auto id : found) {
            auto update = db.cached(
                "UPDATE deployments SET state = 'failed', finished_at = ?2, error = ?3 "
                "WHERE id = ?1");
            update->bind(1, id).bind(2, now_ms).bind(3, interrupted_error);
            update->step();
            insert_step(db, impl_->options.max_steps_per_deployment, id, now_ms, interrupted_error);
        }
        return found;
    });
    std::vector<deployment_record> records;
    for (auto id : ids) {
        if (auto record = get_deployment(id)) {
            records.push_back(std::move(*record));
        }
    }
    return records;
}

void store::append_step(std::int64_t id, std::int64_t at_ms, std::string_view message) {
    // Progress lines can come by the dozen per second during a pull; an fsync each would stall
    // the executor and the webhook path. The next durable commit's fsync covers them too.
    auto& s = *impl_;
    store_detail::write_transaction(s, durability::relaxed, [&](sqlite::connection& db) {
        return insert_step(db, s.options.max_steps_per_deployment, id, at_ms, message);
    });
}

std::size_t store::prune(std::int64_t now_ms) {
    auto& s = *impl_;
    auto retention_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(s.options.retention).count();
    auto max_deliveries = static_cast<std::int64_t>(s.options.max_deliveries);
    return store_detail::write_transaction(s, [&](sqlite::connection& db) {
        std::int64_t removed = 0;
        if (retention_ms > 0) {
            constexpr std::string_view expired =
                " state IN ('succeeded', 'failed', 'rolled_back', 'superseded') "
                "AND finished_at < ?1 AND id NOT IN (SELECT MAX(id) FROM deployments GROUP BY app)";
            auto cutoff = now_ms - static_cast<std::int64_t>(retention_ms);
            {
                auto drop = db.cached(std::string("DELETE FROM steps WHERE deployment_id IN ") +
                                      "(SELECT id FROM deployments WHERE" + std::string(expired) +
                                      ")");
                drop->bind(1, cutoff);
                drop->step();
            }
            {
                auto drop = db.cached("DELETE FROM deployments WHERE" + std::string(expired));
                drop->bind(1, cutoff);
                drop->step();
                removed += db.changes();
            }
            auto drop = db.cached(
                "DELETE FROM deliveries WHERE received_at < ?1 "
                "AND id NOT IN (SELECT delivery_id FROM deployments)");
            drop->bind(1, cutoff);
            drop->step();
            removed += db.changes();
        }
        if (max_deliveries > 0) {
            auto drop = db.cached(
                "DELETE FROM deliveries WHERE seq <= "
                "(SELECT seq FROM deliveries ORDER BY seq DESC LIMIT 1 OFFSET ?1) "
                "AND id NOT IN (SELECT delivery_id FROM deployments)");
            drop->bind(1, max_deliveries);
            drop->step();
            removed += db.changes();
        }
        store_detail::prune_replay_keys(db, now_ms, s.options.max_replay_keys);
        return static_cast<std::size_t>(removed);
    });
}

}  // namespace agent
