#include "store/group_commit.hpp"

#include <algorithm>
#include <future>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"

namespace agent {

namespace net = boost::asio;

namespace {

void complete_quietly(delivery_completion& done, std::exception_ptr error,
                      std::vector<std::int64_t> ids) {
    // A throwing completion must not end the writer thread (every later caller would hang).
    try {
        done.complete(std::move(error), std::move(ids));
    } catch (...) {
    }
}

void complete_quietly(write_completion* done, std::exception_ptr error, write_result result) {
    if (done == nullptr) {
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                spdlog::error("store: a history write nobody waits for failed: {}", e.what());
            }
        }
        return;
    }
    try {
        done->complete(std::move(error), std::move(result));
    } catch (...) {
    }
}

class write_promise final : public write_completion {
  public:
    std::future<write_result> future() { return promise_.get_future(); }
    void complete(std::exception_ptr error, write_result result) override {
        if (error) {
            promise_.set_exception(std::move(error));
        } else {
            promise_.set_value(std::move(result));
        }
    }

  private:
    std::promise<write_result> promise_;
};

class promise_completion final : public delivery_completion {
public:
    std::future<std::vector<std::int64_t>> future() { return promise_.get_future(); }
    void complete(std::exception_ptr error, std::vector<std::int64_t> ids) override {
        if (error) {
            promise_.set_exception(std::move(error));
        } else {
            promise_.set_value(std::move(ids));
        }
    }

private:
    std::promise<std::vector<std::int64_t>> promise_;
};

// Holds the coroutine's handler and a tracked executor (so the io_context keeps running while
// the writer works), and posts the handler back to that executor: the caller resumes on its own
// thread, never on the writer's.
template <class Completion, class Result, class Handler>
class posting_completion final : public Completion {
  public:
    explicit posting_completion(Handler handler)
        : handler_(std::move(handler)),
          work_(net::prefer(net::get_associated_executor(handler_),
                            net::execution::outstanding_work.tracked)) {}

    void complete(std::exception_ptr error, Result result) override {
        auto work = std::move(work_);
        net::post(work, [handler = std::move(handler_), error = std::move(error),
                         result = std::move(result)]() mutable {
            std::move(handler)(std::move(error), std::move(result));
        });
    }

private:
    Handler handler_;
    net::any_io_executor work_;
};

struct initiate_record {
    group_committer* committer;

    template <class Handler>
    void operator()(Handler&& handler, delivery_record delivery,
                    std::vector<planned_job> jobs) const {
        using completion = posting_completion<delivery_completion, std::vector<std::int64_t>,
                                              std::decay_t<Handler>>;
        committer->submit(std::move(delivery), std::move(jobs),
                          std::make_unique<completion>(std::forward<Handler>(handler)));
    }
};

struct initiate_write {
    group_committer* committer;

    template <class Handler>
    void operator()(Handler&& handler, history_write write) const {
        using completion =
            posting_completion<write_completion, write_result, std::decay_t<Handler>>;
        committer->submit(std::move(write),
                          std::make_unique<completion>(std::forward<Handler>(handler)));
    }
};

store_error stopped_error(const store& db) {
    return store_error("store " + db.path() + ": not recorded, the agent is shutting down");
}

}  // namespace

group_committer::group_committer(store& db, std::size_t max_batch,
                                 std::chrono::milliseconds relaxed_delay)
    : db_(db),
      max_batch_(std::max<std::size_t>(max_batch, 1)),
      relaxed_delay_(relaxed_delay),
      writer_([this] { run(); }) {}

group_committer::~group_committer() { stop(); }

void group_committer::submit(delivery_record delivery, std::vector<planned_job> jobs,
                             std::unique_ptr<delivery_completion> done, durability d) {
    enqueue(
        {delivery_submission{std::move(delivery), std::move(jobs)}, std::move(done), nullptr, d});
}

void group_committer::submit(history_write write, std::unique_ptr<write_completion> done) {
    const durability d = promised_by(write);
    enqueue({std::move(write), nullptr, std::move(done), d});
}

void group_committer::enqueue(pending item) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            const bool was_empty = queue_.empty();
            const durability d = item.promised;
            queue_.push_back(std::move(item));
            if (d == durability::durable) {
                ++durable_queued_;
            }
            // A relaxed record joining others that are already gathering needs no wake-up: a
            // futex call and a context switch per refused request would cost more than its row.
            if (d == durability::durable || was_empty || queue_.size() >= max_batch_) {
                wake_.notify_one();
            }
            return;
        }
    }
    auto error = std::make_exception_ptr(stopped_error(db_));
    if (item.delivered) {
        complete_quietly(*item.delivered, error, {});
    } else {
        complete_quietly(item.written.get(), error, {});
    }
}

std::vector<std::int64_t> group_committer::record_delivery(delivery_record delivery,
                                                           std::vector<planned_job> jobs) {
    auto done = std::make_unique<promise_completion>();
    auto ids = done->future();
    submit(std::move(delivery), std::move(jobs), std::move(done));
    return ids.get();
}

write_result group_committer::apply(history_write write) {
    auto done = std::make_unique<write_promise>();
    auto result = done->future();
    submit(std::move(write), std::move(done));
    return result.get();
}

void group_committer::stop() {
    std::lock_guard stop_lock(stop_mutex_);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        wake_.notify_one();
    }
    if (writer_.joinable()) {
        writer_.join();
    }
}

group_commit_stats group_committer::stats() const {
    return {transactions_.load(), deliveries_.load(), writes_.load(), largest_batch_.load()};
}

std::size_t group_committer::queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void group_committer::run() {
    for (;;) {
        std::vector<pending> batch;
        durability d = durability::relaxed;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;  // stopping, and the queue is drained
            }
            if (durable_queued_ == 0) {
                // Only relaxed records: gather more of them, unless a durable one comes.
                wake_.wait_for(lock, relaxed_delay_, [this] {
                    return stopping_ || durable_queued_ > 0 || queue_.size() >= max_batch_;
                });
            }
            // No waiting for durable ones: whatever arrived during the last fsync is the batch.
            auto count = std::min(queue_.size(), max_batch_);
            batch.reserve(count);
            for (std::size_t i = 0; i < count; ++i) {
                if (queue_.front().promised == durability::durable) {
                    d = durability::durable;
                    --durable_queued_;
                }
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        commit(batch, d);
    }
}

// Records `batch` in one transaction and completes each item; false (nothing completed) when the
// transaction failed.
bool group_committer::record(std::span<pending> batch, durability d) {
    std::vector<delivery_submission> deliveries;
    std::vector<history_write> writes;
    for (auto& item : batch) {
        if (auto* submission = std::get_if<delivery_submission>(&item.item)) {
            deliveries.push_back(std::move(*submission));
        } else {
            writes.push_back(std::move(std::get<history_write>(item.item)));
        }
    }
    batch_result result;
    try {
        result = db_.record_batch(deliveries, writes, d);
    } catch (...) {
        // Put the items back, for a retry one by one.
        std::size_t next_delivery = 0;
        std::size_t next_write = 0;
        for (auto& item : batch) {
            if (item.delivered) {
                item.item = std::move(deliveries[next_delivery++]);
            } else {
                item.item = std::move(writes[next_write++]);
            }
        }
        if (batch.size() == 1) {
            ++transactions_;
            if (batch[0].delivered) {
                complete_quietly(*batch[0].delivered, std::current_exception(), {});
            } else {
                complete_quietly(batch[0].written.get(), std::current_exception(), {});
            }
            return true;
        }
        return false;
    }
    ++transactions_;
    deliveries_ += deliveries.size();
    writes_ += writes.size();
    if (batch.size() > largest_batch_.load()) {
        largest_batch_ = batch.size();  // only this thread writes it
    }
    std::size_t next_delivery = 0;
    std::size_t next_write = 0;
    for (auto& item : batch) {
        if (item.delivered) {
            complete_quietly(*item.delivered, nullptr, std::move(result.ids[next_delivery++]));
        } else {
            complete_quietly(item.written.get(), nullptr, std::move(result.writes[next_write++]));
        }
    }
    return true;
}

void group_committer::commit(std::vector<pending>& batch, durability d) {
    if (record(batch, d)) {
        return;
    }
    // One transaction each, in order, so that only the item at fault fails.
    for (auto& item : batch) {
        record(std::span(&item, 1), item.promised);
    }
}

net::awaitable<std::vector<std::int64_t>> record_delivery_async(group_committer& committer,
                                                                delivery_record delivery,
                                                                std::vector<planned_job> jobs) {
    auto ids = co_await net::async_initiate<const net::use_awaitable_t<>&,
                                            void(std::exception_ptr, std::vector<std::int64_t>)>(
        initiate_record{&committer}, net::use_awaitable, std::move(delivery), std::move(jobs));
    co_return ids;
}

net::awaitable<write_result> record_history_async(group_committer& committer, history_write write) {
    auto result = co_await net::async_initiate<const net::use_awaitable_t<>&,
                                               void(std::exception_ptr, write_result)>(
        initiate_write{&committer}, net::use_awaitable, std::move(write));
    co_return result;
}

}  // namespace agent
