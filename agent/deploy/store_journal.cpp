#include "deploy/store_journal.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/post.hpp>

#include "common/log.hpp"

namespace agent {

namespace {

deployment_state to_state(deploy_result r) {
    switch (r) {
        case deploy_result::succeeded:
            return deployment_state::succeeded;
        case deploy_result::failed:
            return deployment_state::failed;
        case deploy_result::rolled_back:
            return deployment_state::rolled_back;
        case deploy_result::superseded:
            return deployment_state::superseded;
        case deploy_result::recovered:
            return deployment_state::recovered;
    }
    return deployment_state::failed;
}

// Runs on the writer thread: logs a failure with its deployment and, for an end that changed
// the row, hands the record to the observer on the io executor.
class logged_write final : public write_completion {
  public:
    logged_write(std::int64_t id, const char* what, net::any_io_executor executor,
                 store_journal::ended_observer on_ended)
        : id_(id), what_(what), executor_(std::move(executor)), on_ended_(std::move(on_ended)) {}

    void complete(std::exception_ptr error, write_result result) override {
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                spdlog::error("deployment {}: could not record {} in the store: {}", id_, what_,
                              e.what());
            }
            return;
        }
        if (on_ended_ && result.ended) {
            net::post(executor_, [observe = std::move(on_ended_),
                                  record = std::move(*result.ended)] { observe(record); });
        }
    }

  private:
    std::int64_t id_;
    const char* what_;
    net::any_io_executor executor_;
    store_journal::ended_observer on_ended_;
};

}  // namespace

void store_journal::started(std::int64_t id, std::string_view app, std::string_view old_image) {
    log_.started(id, app, old_image);
    writer_.submit(deployment_started{id, std::string(old_image), unix_millis_now()},
                   std::make_unique<logged_write>(id, "its start", executor_, nullptr));
}

void store_journal::step(std::int64_t id, std::string_view message) {
    log_.step(id, message);
    writer_.submit(step_line{id, unix_millis_now(), std::string(message)},
                   std::make_unique<logged_write>(id, "a step", executor_, nullptr));
}

void store_journal::finished(std::int64_t id, std::string_view app, deploy_result result,
                             std::string_view new_image, std::string_view error) {
    log_.finished(id, app, result, new_image, error);
    const auto now = unix_millis_now();
    if (!error.empty()) {
        writer_.submit(step_line{id, now, std::string(error)},
                       std::make_unique<logged_write>(id, "its end", executor_, nullptr));
    }
    writer_.submit(
        deployment_ended{id, to_state(result), std::string(new_image), std::string(error), now},
        std::make_unique<logged_write>(id, "its end", executor_, on_ended_));
}

net::awaitable<void> store_journal::recreate_step(recreate_progress progress) {
    // Built before the co_await: g++ 12 destroys a braced temporary inside one twice.
    history_write write = recreate_step_taken{std::move(progress), unix_millis_now()};
    co_await record_history_async(writer_, std::move(write));
}

void store_journal::recreate_ended(std::int64_t id) {
    writer_.submit(recreate_cleared{id}, std::make_unique<logged_write>(
                                             id, "the end of its recreate", executor_, nullptr));
}

void store_journal::superseded(std::int64_t id, std::string_view app, std::int64_t by_id) {
    log_.superseded(id, app, by_id);
    writer_.submit(
        deployment_superseded{id, by_id, unix_millis_now()},
        std::make_unique<logged_write>(id, "that it was superseded", executor_, nullptr));
}

net::awaitable<void> store_journal::settled() {
    // The writer applies writes in order: once this one is durable, so is every write before it.
    try {
        history_write barrier = history_barrier{};
        co_await record_history_async(writer_, std::move(barrier));
    } catch (const std::exception& e) {
        spdlog::error("store: waiting for the deployment records: {}", e.what());
    }
}

}  // namespace agent
