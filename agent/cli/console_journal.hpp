#pragma once

// The journals of `deploy-agent deploy`: what the person at the terminal sees.

#include <iostream>

#include "deploy/journal.hpp"

namespace agent {

/// Prints each step as it happens, for a person at a terminal.
class console_journal final : public deployment_journal {
public:
    void started(std::int64_t, std::string_view app, std::string_view old_image) override {
        std::cout << "deploying " << app << " (running " << (old_image.empty() ? "nothing" : old_image)
                  << ")" << std::endl;
    }
    void step(std::int64_t, std::string_view message) override {
        std::cout << "  " << message << std::endl;
    }
    void finished(std::int64_t, std::string_view app, deploy_result result,
                  std::string_view new_image, std::string_view error) override {
        if (result == deploy_result::succeeded) {
            std::cout << app << ": succeeded (" << new_image << ")" << std::endl;
        } else {
            std::cout << app << ": " << to_string(result) << ": " << error << std::endl;
        }
    }
    void superseded(std::int64_t, std::string_view app, std::int64_t by_id) override {
        std::cout << app << ": superseded by deployment " << by_id << std::endl;
    }
};

/// The console for the person at the terminal, the store (when open) for the history.
class tee_journal final : public deployment_journal {
public:
    tee_journal(deployment_journal& a, deployment_journal* b) : a_(a), b_(b) {}
    void started(std::int64_t id, std::string_view app, std::string_view old_image) override {
        a_.started(id, app, old_image);
        if (b_ != nullptr) {
            b_->started(id, app, old_image);
        }
    }
    void step(std::int64_t id, std::string_view message) override {
        a_.step(id, message);
        if (b_ != nullptr) {
            b_->step(id, message);
        }
    }
    void finished(std::int64_t id, std::string_view app, deploy_result result,
                  std::string_view new_image, std::string_view error) override {
        a_.finished(id, app, result, new_image, error);
        if (b_ != nullptr) {
            b_->finished(id, app, result, new_image, error);
        }
    }
    void superseded(std::int64_t id, std::string_view app, std::int64_t by_id) override {
        a_.superseded(id, app, by_id);
        if (b_ != nullptr) {
            b_->superseded(id, app, by_id);
        }
    }
    net::awaitable<void> recreate_step(recreate_progress progress) override {
        if (b_ != nullptr) {
            co_await b_->recreate_step(std::move(progress));
        }
    }
    void recreate_ended(std::int64_t id) override {
        if (b_ != nullptr) {
            b_->recreate_ended(id);
        }
    }
    net::awaitable<void> settled() override {
        if (b_ != nullptr) {
            co_await b_->settled();
        }
    }

private:
    deployment_journal& a_;
    deployment_journal* b_;
};

}  // namespace agent
