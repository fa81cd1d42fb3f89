#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace test {

/// What the fake engine does with a request whose target contains `target_contains`.
struct fake_rule {
    enum class then { close, hang };
    std::string method;           ///< "GET", "POST" …; empty: any
    std::string target_contains;  ///< empty: any target
    std::string raw_response;     ///< bytes written verbatim (status line, headers, body …)
    then after = then::close;     ///< hang: keep the connection open and never write again
};

/// A complete HTTP/1.1 response with Content-Length.
std::string http_response(unsigned status, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers = {});
/// The head of a chunked 200 response plus the given chunks, without the last chunk: a stream
/// that a dropped connection cuts short.
std::string chunked_head_and(const std::vector<std::string>& chunks);
/// `/_ping` and `/version` rules for an engine speaking `api_version` (MinAPIVersion `min`).
std::vector<fake_rule> negotiation_rules(const std::string& api_version,
                                         const std::string& min = "1.24");

/// A scripted HTTP server on a unix socket, only for what a real engine cannot do on demand:
/// drop a connection mid-stream, send malformed JSON, hang, speak an old API. It runs on its
/// own thread; the first matching rule answers each request; one request per connection.
class fake_engine {
  public:
    explicit fake_engine(std::vector<fake_rule> rules);
    ~fake_engine();
    fake_engine(const fake_engine&) = delete;
    fake_engine& operator=(const fake_engine&) = delete;

    /// "unix:///tmp/…sock", for client_options::host.
    std::string host() const;
    /// Every request seen so far, as "METHOD TARGET\n\nBODY".
    std::vector<std::string> requests() const;

    struct impl;  ///< the server's state (fake_engine.cpp)

  private:
    std::unique_ptr<impl> impl_;
};

}  // namespace test
