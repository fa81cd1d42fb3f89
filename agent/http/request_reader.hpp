#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace agent {

/// Reads HTTP/1.1 requests from bytes, without sockets (the server feeds it what it reads; the
/// fuzz target feeds it anything). Everything it holds is bounded: the bytes not yet parsed
/// (the header, a chunk-size line with its extensions, the trailer section must each fit in
/// `header_limit`), the chunk extensions of a request together (also `header_limit`), and the
/// body (the limit the caller sets once the head is known). It never throws for any input.
class request_reader {
  public:
    enum class status {
        need_more,  ///< read more bytes into space()
        head,       ///< the request head is complete (reported once per request): check it and
                    ///< set the body limit, then parse() again
        complete,   ///< the whole request is in: take_request()
        failed,     ///< see failure(); answer it and close the connection
    };
    /// Why a request cannot be read, as the client is told.
    struct failure_info {
        unsigned status = 400;  ///< 400, 413 or 431
        std::string reason;     ///< for the client, e.g. "malformed HTTP request"
        std::string detail;     ///< for the log
    };

    explicit request_reader(std::size_t header_limit);
    ~request_reader();
    request_reader(const request_reader&) = delete;
    request_reader& operator=(const request_reader&) = delete;

    /// Starts the next request on the same connection; bytes already read stay (pipelining).
    void start();
    /// Where to read more bytes; empty when the buffer is full (parse() then fails with 431).
    std::span<char> space();
    /// `n` bytes were written into space().
    void commit(std::size_t n);
    /// Parses what was read. After `head`, call set_body_limit() and parse() again.
    status parse();
    /// Bytes read and not yet parsed (a pipelined request, or a partial one).
    std::size_t buffered() const { return end_ - begin_; }
    /// Bytes of this request parsed so far (header, framing and body).
    std::uint64_t consumed() const { return consumed_; }

    /// The body may not be longer than `limit` (413 beyond it). A Content-Length above it fails
    /// the request here: the next parse() answers `failed` before any body byte is taken.
    void set_body_limit(std::uint64_t limit);
    const failure_info& failure() const { return failure_; }

    // The head, once parse() reported `head`.
    std::string_view method() const;
    std::string_view target() const;
    std::string_view path() const;
    unsigned version() const;
    bool keep_alive() const;
    bool chunked() const;
    std::optional<std::uint64_t> content_length() const;
    /// The value of the first field named `name`, or nullopt.
    std::optional<std::string_view> field(std::string_view name) const;
    /// How many fields are named `name`.
    std::size_t field_count(std::string_view name) const;
    /// Body bytes received so far.
    std::size_t body_size() const;

    /// The complete request (after `complete`); `peer` and `client` as the server resolved them.
    http_request take_request(std::string peer, std::string client);

  private:
    struct state;
    std::unique_ptr<state> state_;
    std::unique_ptr<char[]> buffer_;
    std::size_t capacity_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::uint64_t consumed_ = 0;
    failure_info failure_;
    bool over_limit_ = false;  ///< set_body_limit() refused the declared Content-Length

    status fail(unsigned code, std::string reason, std::string detail);
};

}  // namespace agent
