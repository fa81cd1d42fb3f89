#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test {

/// One request an http_receiver got.
struct received_request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  ///< names lower-cased
    std::string body;
};

/// A plain HTTP/1.1 server on 127.0.0.1 (a free port) in its own thread, for what the agent
/// sends out (notifications). It answers each request with the next status of `statuses`
/// (the last one repeats), or, when `never_answer` is set, reads the request and keeps the
/// connection open without a word until it is destroyed.
class http_receiver {
public:
    explicit http_receiver(std::vector<unsigned> statuses = {200}, bool never_answer = false);
    ~http_receiver();
    http_receiver(const http_receiver&) = delete;
    http_receiver& operator=(const http_receiver&) = delete;

    unsigned short port() const { return port_; }
    /// "http://127.0.0.1:PORT"
    std::string url() const;
    /// Every request received so far, in order.
    std::vector<received_request> requests() const;
    std::size_t count() const;

private:
    void serve();
    void handle(int fd);

    int listen_fd_ = -1;
    unsigned short port_ = 0;
    std::vector<unsigned> statuses_;
    bool never_answer_;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::vector<received_request> requests_;
    std::vector<int> held_;  ///< connections left unanswered
    std::thread thread_;
};

}  // namespace test
