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

batch_result store::record_batch(std::span<const delivery_submission> deliveries,
                                 std::span<const history_write> writes, durability d) {
    auto& s = *impl_;
    return store_detail::write_transaction(s, d, [&](sqlite::connection& db) {
        batch_result result;
        result.ids.reserve(deliveries.size());
        for (const auto& submission : deliveries) {
            result.ids.push_back(insert_delivery(db, submission.delivery, submission.jobs));
        }
        result.writes.reserve(writes.size());
        for (const auto& write : writes) {
            result.writes.push_back(store_detail::apply_write(s, db, write));
        }
        return result;
    });
}

write_result store::apply(const history_write& write) {
    auto& s = *impl_;
    return store_detail::write_transaction(s, promised_by(write), [&](sqlite::connection& db) {
        return store_detail::apply_write(s, db, write);
    });
}

void store::record_recreate_step(const recreate_progress& progress, std::int64_t now_ms) {
    // Durable: after a crash the engine may be in the state this step leads to, and only this
    // record says which container is parked where.
    apply(recreate_step_taken{progress, now_ms});
}

void store::clear_recreate(std::int64_t deployment_id) {
    apply(recreate_cleared{deployment_id});
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
            store_detail::insert_step(db, impl_->options.max_steps_per_deployment, id, now_ms,
                                      interrupted_error);
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

}  // namespace agent
