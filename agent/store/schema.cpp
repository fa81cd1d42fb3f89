// The store's schema and its migrations. Each migration runs once, in its own transaction, and
// bumps schema_version; a database written by a newer agent is refused rather than guessed at.

#include <array>
#include <string>
#include <string_view>

#include "store/store_impl.hpp"

namespace agent::store_detail {

namespace {

// Column names avoid SQL keywords (action, trigger, commit) so no quoting is needed anywhere.
// AUTOINCREMENT: ids are never reused after prune, so an id a client holds keeps its meaning.
constexpr std::string_view schema_v1 = R"sql(
CREATE TABLE deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    event TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reason TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX deliveries_by_id ON deliveries(id);
CREATE INDEX deliveries_by_time ON deliveries(received_at);

CREATE TABLE deployments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app TEXT NOT NULL,
    job_action TEXT NOT NULL,
    job_trigger TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    commit_sha TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    old_image TEXT NOT NULL DEFAULT '',
    new_image TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN
        ('queued', 'running', 'succeeded', 'failed', 'rolled_back', 'superseded')),
    created_at INTEGER NOT NULL,
    started_at INTEGER NOT NULL DEFAULT 0,
    finished_at INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    superseded_by INTEGER NOT NULL DEFAULT 0,
    step_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deployments_by_app ON deployments(app, id);
CREATE INDEX deployments_by_state ON deployments(state, id);
CREATE INDEX deployments_by_delivery ON deployments(delivery_id);

CREATE TABLE steps (
    deployment_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (deployment_id, seq)
) WITHOUT ROWID;
)sql";

// Redelivery checks look up accepted deliveries by id; refused deliveries (which anyone can send
// with any id) must not make that lookup scan.
constexpr std::string_view schema_v2 = R"sql(
CREATE INDEX deliveries_by_id_verdict ON deliveries(id, verdict, seq);
)sql";

// Replays: a delivery's replay key (a hash of what makes a push or a signature the same) is kept
// apart from the deliveries, which retention and floods of refused requests prune.
constexpr std::string_view schema_v3 = R"sql(
CREATE TABLE replay_keys (
    replay_key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// The `recovered` state (SQLite cannot change a CHECK in place: the table is copied, keeping the
// AUTOINCREMENT counter so that pruned ids are never reused) and the recreate steps in flight.
constexpr std::string_view schema_v4 = R"sql(
CREATE TABLE deployments_v3 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app TEXT NOT NULL,
    job_action TEXT NOT NULL,
    job_trigger TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    commit_sha TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    old_image TEXT NOT NULL DEFAULT '',
    new_image TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN
        ('queued', 'running', 'succeeded', 'failed', 'rolled_back', 'superseded', 'recovered')),
    created_at INTEGER NOT NULL,
    started_at INTEGER NOT NULL DEFAULT 0,
    finished_at INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    superseded_by INTEGER NOT NULL DEFAULT 0,
    step_count INTEGER NOT NULL DEFAULT 0
);
INSERT INTO deployments_v3 SELECT * FROM deployments;
DELETE FROM sqlite_sequence WHERE name = 'deployments_v3';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'deployments_v3', seq FROM sqlite_sequence WHERE name = 'deployments';
DROP TABLE deployments;
ALTER TABLE deployments_v3 RENAME TO deployments;
CREATE INDEX deployments_by_app ON deployments(app, id);
CREATE INDEX deployments_by_state ON deployments(state, id);
CREATE INDEX deployments_by_delivery ON deployments(delivery_id);

CREATE TABLE recreate_progress (
    deployment_id INTEGER PRIMARY KEY,
    app TEXT NOT NULL,
    container TEXT NOT NULL,
    old_id TEXT NOT NULL,
    parked_name TEXT NOT NULL,
    new_id TEXT NOT NULL,
    step TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
)sql";

// Each attempt to deliver a notification (notify/), shown on the deployment's status page.
constexpr std::string_view schema_v5 = R"sql(
CREATE TABLE notification_attempts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment_id INTEGER NOT NULL,
    app TEXT NOT NULL,
    target TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER NOT NULL,
    error TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX notification_attempts_by_deployment ON notification_attempts(deployment_id, seq);
)sql";

// deliveries_by_id is covered by deliveries_by_id_verdict (same leading column): one B-tree
// insert less per recorded delivery. The accepted deliveries are read at start (the accept
// stage's memory of them) from a partial index, without reading the refused and duplicate rows.
constexpr std::string_view schema_v6 = R"sql(
DROP INDEX IF EXISTS deliveries_by_id;
CREATE INDEX deliveries_accepted ON deliveries(seq) WHERE verdict = 'accepted';
)sql";

// migrations[i] takes the schema from version i to i + 1.
constexpr std::array<std::string_view, 6> migrations = {schema_v1, schema_v2, schema_v3,
                                                        schema_v4, schema_v5, schema_v6};

}  // namespace

void migrate(sqlite::connection& db) {
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    // One write transaction around read-and-upgrade: two agents started at once on the same
    // DATA_DIR cannot both apply a migration.
    db.exec("BEGIN IMMEDIATE");
    try {
        std::string text = db.query_text("SELECT MAX(version) FROM schema_version");
        std::size_t version = text.empty() ? 0 : std::stoul(text);
        if (version > migrations.size()) {
            throw store_error("store " + db.path() + ": written by a newer deploy-agent (schema " +
                              std::to_string(version) + ", this agent knows up to " +
                              std::to_string(migrations.size()) +
                              "); run the newer agent, or move the file away to start a new store");
        }
        if (version < migrations.size()) {
            for (; version < migrations.size(); ++version) {
                db.exec(migrations[version]);
            }
            db.exec("DELETE FROM schema_version");
            db.exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(version) +
                    ")");
        }
        db.exec("COMMIT");
    } catch (...) {
        db.rollback_quietly();
        throw;
    }
}

}  // namespace agent::store_detail
