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
template <class Handler>
class posting_completion final : public delivery_completion {
public:
    explicit posting_completion(Handler handler)
        : handler_(std::move(handler)),
          work_(net::prefer(net::get_associated_executor(handler_),
                            net::execution::outstanding_work.tracked)) {}

    void complete(std::exception_ptr error, std::vector<std::int64_t> ids) override {
        auto work = std::move(work_);
        net::post(work, [handler = std::move(handler_), error = std::move(error),
                         ids = std::move(ids)]() mutable {
            std::move(handler)(std::move(error), std::move(ids));
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
        committer->submit(std::move(delivery), std::move(jobs),
                          std::make_unique<posting_completion<std::decay_t<Handler>>>(
                              std::forward<Handler>(handler)));
    }
};

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
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            const bool was_empty = queue_.empty();
            queue_.push_back({{std::move(delivery), std::move(jobs)}, std::move(done), d});
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
    complete_quietly(*done,
                     std::make_exception_ptr(store_error(
                         "store " + db_.path() + ": not recorded, the agent is shutting down")),
                     {});
}

std::vector<std::int64_t> group_committer::record_delivery(delivery_record delivery,
                                                           std::vector<planned_job> jobs) {
    auto done = std::make_unique<promise_completion>();
    auto ids = done->future();
    submit(std::move(delivery), std::move(jobs), std::move(done));
    return ids.get();
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
    return {transactions_.load(), deliveries_.load(), largest_batch_.load()};
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

void group_committer::commit(std::vector<pending>& batch, durability d) {
    std::vector<delivery_submission> submissions;
    submissions.reserve(batch.size());
    for (auto& item : batch) {
        submissions.push_back(std::move(item.submission));
    }
    try {
        auto ids = db_.record_deliveries(submissions, d);
        ++transactions_;
        deliveries_ += batch.size();
        if (batch.size() > largest_batch_.load()) {
            largest_batch_ = batch.size();  // only this thread writes it
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            complete_quietly(*batch[i].done, nullptr, std::move(ids[i]));
        }
        return;
    } catch (...) {
        if (batch.size() == 1) {
            ++transactions_;
            complete_quietly(*batch[0].done, std::current_exception(), {});
            return;
        }
    }
    // One transaction each, so that only the delivery at fault fails.
    for (std::size_t i = 0; i < batch.size(); ++i) {
        ++transactions_;
        try {
            auto ids = db_.record_deliveries(std::span(&submissions[i], 1), batch[i].promised);
            ++deliveries_;
            complete_quietly(*batch[i].done, nullptr, std::move(ids.front()));
        } catch (...) {
            complete_quietly(*batch[i].done, std::current_exception(), {});
        }
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

}  // namespace agent
