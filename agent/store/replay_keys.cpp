// Replay keys: what makes a delivery the same as one already accepted (intake's replay keys).

#include "store/store.hpp"
#include "store/store_impl.hpp"

namespace agent {

namespace store_detail {

void insert_replay_key(sqlite::connection& db, const delivery_record& delivery) {
    if (delivery.replay_key.empty()) {
        return;
    }
    auto insert = db.cached(
        "INSERT OR REPLACE INTO replay_keys (replay_key, source, seen_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4)");
    insert->bind(1, bounded(delivery.replay_key, max_id))
        .bind(2, bounded(delivery.source, max_word))
        .bind(3, delivery.received_at_ms)
        .bind(4, delivery.replay_expires_at_ms);
    insert->step();
}

std::int64_t prune_replay_keys(sqlite::connection& db, std::int64_t now_ms, std::size_t max_keys) {
    std::int64_t removed = 0;
    {
        auto drop =
            db.cached("DELETE FROM replay_keys WHERE expires_at != 0 AND expires_at <= ?1");
        drop->bind(1, now_ms);
        drop->step();
        removed += db.changes();
    }
    if (max_keys > 0) {
        auto drop = db.cached(
            "DELETE FROM replay_keys WHERE replay_key IN (SELECT replay_key FROM replay_keys "
            "ORDER BY seen_at DESC LIMIT -1 OFFSET ?1)");
        drop->bind(1, static_cast<std::int64_t>(max_keys));
        drop->step();
        removed += db.changes();
    }
    return removed;
}

}  // namespace store_detail

bool store::replay_seen(std::string_view replay_key, std::int64_t now_ms) {
    if (replay_key.empty()) {
        return false;
    }
    std::lock_guard lock(impl_->read_mutex);
    auto query = impl_->reader.cached(
        "SELECT 1 FROM replay_keys WHERE replay_key = ?1 AND (expires_at = 0 OR expires_at > ?2)");
    query->bind(1, store_detail::bounded(replay_key, store_detail::max_id)).bind(2, now_ms);
    return query->step();
}

}  // namespace agent
