// The only translation unit of docker-client that includes Beast.
#include "transport.hpp"

#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "docker_client/error.hpp"

namespace docker_client::detail {

namespace beast = boost::beast;
namespace http = beast::http;
using unix_stream = beast::basic_stream<net::local::stream_protocol>;
using tcp_stream = beast::tcp_stream;

namespace {

constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);

struct engine_address {
    bool is_unix = true;
    std::string path;  // unix
    std::string host;  // tcp
    std::string port;
};

engine_address parse_address(const std::string& host) {
    constexpr std::string_view unix_scheme = "unix://";
    constexpr std::string_view tcp_scheme = "tcp://";
    std::string_view h = host;
    if (h.starts_with(unix_scheme)) {
        return {true, std::string(h.substr(unix_scheme.size())), {}, {}};
    }
    if (h.starts_with(tcp_scheme)) {
        std::string_view rest = h.substr(tcp_scheme.size());
        while (!rest.empty() && rest.back() == '/') {
            rest.remove_suffix(1);
        }
        auto colon = rest.rfind(':');
        if (colon == std::string_view::npos || colon + 1 == rest.size()) {
            return {false, {}, std::string(rest), "2375"};
        }
        return {false, {}, std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
    }
    throw std::invalid_argument("docker host must be unix:///path or tcp://host:port, got '" +
                                host + "'");
}

std::string describe(const http_call& c) {
    return c.method + " " + c.target;
}

[[noreturn]] void fail(const beast::error_code& ec, const std::string& what,
                       const std::string& host) {
    if (ec == beast::error::timeout) {
        throw error(0, "",
                    "the Docker Engine at " + host + " did not answer in time (" + what + ")");
    }
    throw error(0, ec.message(),
                "talking to the Docker Engine at " + host + " failed (" + what + ")");
}

http::request<http::string_body> make_request(const http_call& c) {
    http::verb verb = http::string_to_verb(c.method);
    http::request<http::string_body> req{verb, c.target, 11};
    req.set(http::field::host, "docker");
    req.set(http::field::user_agent, "deploy-agent");
    for (const auto& [k, v] : c.headers) {
        req.set(k, v);
    }
    if (!c.body.empty() || verb == http::verb::post) {
        if (!c.content_type.empty()) {
            req.set(http::field::content_type, c.content_type);
        }
        req.body() = c.body;
    }
    req.prepare_payload();
    return req;
}

template <class Fields>
std::vector<std::pair<std::string, std::string>> copy_headers(const Fields& fields) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : fields) {
        out.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    return out;
}

template <class Stream>
net::awaitable<void> connect(Stream& stream, const engine_address& address,
                             const client_options& options) {
    stream.expires_after(options.connect_timeout);
    if constexpr (std::is_same_v<Stream, unix_stream>) {
        auto [ec] = co_await stream.async_connect(
            net::local::stream_protocol::endpoint(address.path), use_nothrow);
        if (ec) {
            fail(ec, "connect to " + address.path, options.host);
        }
    } else {
        net::ip::tcp::resolver resolver(stream.get_executor());
        auto [rec, results] =
            co_await resolver.async_resolve(address.host, address.port, use_nothrow);
        if (rec) {
            fail(rec, "resolve " + address.host, options.host);
        }
        auto [ec, ep] = co_await stream.async_connect(results, use_nothrow);
        if (ec) {
            fail(ec, "connect to " + address.host + ":" + address.port, options.host);
        }
    }
}

template <class Stream>
net::awaitable<http_reply> do_call(Stream stream, engine_address address, client_options options,
                                   http_call c, std::chrono::milliseconds timeout) {
    co_await connect(stream, address, options);
    auto req = make_request(c);
    stream.expires_after(timeout);
    auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
    if (wec) {
        fail(wec, describe(c), options.host);
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.response_body_limit);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_nothrow);
    if (rec) {
        fail(rec, describe(c), options.host);
    }
    auto& res = parser.get();
    http_reply reply{res.result_int(), std::move(res.body()), copy_headers(res.base())};
    beast::error_code ignored;
    stream.socket().shutdown(net::socket_base::shutdown_both, ignored);
    co_return reply;
}

// Splits a byte stream into lines; Docker's progress streams are one JSON object per line.
class line_splitter {
  public:
    explicit line_splitter(line_callback& on_line) : on_line_(on_line) {}
    /// False once the callback asked to stop.
    bool feed(std::string_view bytes) {
        pending_.append(bytes);
        std::size_t start = 0;
        bool go_on = true;
        while (go_on) {
            auto nl = pending_.find('\n', start);
            if (nl == std::string::npos) {
                break;
            }
            go_on = emit(std::string_view(pending_).substr(start, nl - start));
            start = nl + 1;
        }
        pending_.erase(0, start);
        return go_on;
    }
    bool finish() {
        bool go_on = emit(pending_);
        pending_.clear();
        return go_on;
    }

  private:
    bool emit(std::string_view line) {
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            return true;
        }
        return on_line_(line);
    }
    line_callback& on_line_;
    std::string pending_;
};

bool is_cancellation(const beast::error_code& ec) {
    return ec == net::error::operation_aborted;
}

// Sends the request head with chunked encoding, then each piece of `upload` as one chunk.
// Returns the first write error; the caller still tries to read the reply, because the daemon
// may answer (and close) before it has read the whole body, e.g. a 400 for a bad parameter.
template <class Stream>
net::awaitable<beast::error_code> write_chunked(Stream& stream, const http_call& c,
                                                body_source& upload,
                                                std::chrono::milliseconds idle) {
    http::request<http::empty_body> req{http::string_to_verb(c.method), c.target, 11};
    req.set(http::field::host, "docker");
    req.set(http::field::user_agent, "deploy-agent");
    if (!c.content_type.empty()) {
        req.set(http::field::content_type, c.content_type);
    }
    for (const auto& [k, v] : c.headers) {
        req.set(k, v);
    }
    req.chunked(true);
    http::request_serializer<http::empty_body> sr{req};
    stream.expires_after(idle);
    auto [hec, hn] = co_await http::async_write_header(stream, sr, use_nothrow);
    if (hec) {
        co_return hec;
    }
    for (;;) {
        std::string piece = upload();
        stream.expires_after(idle);
        if (piece.empty()) {
            auto [lec, ln] =
                co_await net::async_write(stream, http::make_chunk_last(), use_nothrow);
            co_return lec;
        }
        auto [cec, cn] =
            co_await net::async_write(stream, http::make_chunk(net::buffer(piece)), use_nothrow);
        if (cec) {
            co_return cec;
        }
    }
}

template <class Stream>
net::awaitable<http_reply> do_stream(Stream stream, engine_address address, client_options options,
                                     http_call c, line_callback on_line, stream_settings settings) {
    co_await connect(stream, address, options);
    const auto idle =
        settings.idle_timeout.count() > 0 ? settings.idle_timeout : options.stream_idle_timeout;
    beast::error_code write_error;
    if (settings.upload) {
        write_error = co_await write_chunked(stream, c, settings.upload, idle);
    } else {
        auto req = make_request(c);
        stream.expires_after(options.call_timeout);
        auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
        write_error = wec;
    }
    if (write_error && (is_cancellation(write_error) || write_error == beast::error::timeout)) {
        fail(write_error, describe(c), options.host);
    }
    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    stream.expires_after(idle);
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_nothrow);
    if (hec) {
        if (settings.idle_ends && hec == beast::error::timeout && !write_error) {
            http_reply idle_reply;
            idle_reply.status = 200;
            idle_reply.idle_ended = true;
            co_return idle_reply;
        }
        fail(write_error ? write_error : hec, describe(c), options.host);
    }
    http_reply reply{parser.get().result_int(), {}, copy_headers(parser.get().base())};
    const bool ok = reply.status / 100 == 2;
    if (ok && write_error) {
        // A success status before the whole body was accepted: the upload did not complete.
        fail(write_error, describe(c), options.host);
    }
    line_splitter splitter(on_line);
    std::array<char, 16384> chunk{};
    bool go_on = true;
    while (go_on && !parser.is_done()) {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        stream.expires_after(idle);
        // read_some: hand over what has arrived now (an event, a progress line), not when the
        // buffer is full.
        auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_nothrow);
        // Lines that arrived before a failure are still delivered: they tell what happened.
        std::string_view got(chunk.data(), chunk.size() - parser.get().body().size);
        if (ok) {
            go_on = splitter.feed(got);
        } else if (reply.body.size() < options.response_body_limit) {
            reply.body.append(got);
        }
        if (ec && ec != http::error::need_buffer) {
            if (ok && settings.idle_ends && ec == beast::error::timeout) {
                reply.idle_ended = true;
                co_return reply;
            }
            if (ok && is_cancellation(ec)) {
                reply.cancelled = true;
                co_return reply;
            }
            fail(ec, describe(c) + " (stream)", options.host);
        }
    }
    if (ok && go_on) {
        go_on = splitter.finish();
    }
    reply.stopped = !go_on;
    beast::error_code ignored;
    stream.socket().shutdown(net::socket_base::shutdown_both, ignored);
    co_return reply;
}

}  // namespace

std::string http_reply::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (beast::iequals(k, name)) {
            return v;
        }
    }
    return {};
}

transport::transport(net::any_io_executor executor, client_options options)
    : executor_(std::move(executor)), options_(std::move(options)) {
    (void)parse_address(options_.host);  // reject a bad address at construction
}

namespace {

net::awaitable<http_reply> exchange(net::any_io_executor executor, client_options options,
                                    http_call request, std::chrono::milliseconds timeout) {
    auto address = parse_address(options.host);
    if (address.is_unix) {
        co_return co_await do_call(unix_stream(executor), std::move(address), options,
                                   std::move(request), timeout);
    }
    co_return co_await do_call(tcp_stream(executor), std::move(address), options,
                               std::move(request), timeout);
}

net::awaitable<http_reply> exchange_streamed(net::any_io_executor executor,
                                             client_options options, http_call request,
                                             line_callback on_line, stream_settings settings) {
    auto address = parse_address(options.host);
    if (address.is_unix) {
        co_return co_await do_stream(unix_stream(executor), std::move(address), options,
                                     std::move(request), std::move(on_line), std::move(settings));
    }
    co_return co_await do_stream(tcp_stream(executor), std::move(address), options,
                                 std::move(request), std::move(on_line), std::move(settings));
}

// Tells the observer (the agent's metrics) about a call the engine refused; 404 (absent) and
// 304 (already in that state) are answers, not failures.
void report_status(const client_options& options, unsigned status) {
    if (options.on_failure && status >= 400 && status != 404) {
        options.on_failure(status >= 500 ? "5xx" : "4xx");
    }
}

void report_call(const client_options& options, const http_call& request) {
    if (options.on_call) {
        options.on_call(request.method, endpoint_template(request.target));
    }
}

void report_transport_failure(const client_options& options) {
    if (options.on_failure) {
        options.on_failure("transport");
    }
}

}  // namespace

net::awaitable<http_reply> transport::call(http_call request, std::chrono::milliseconds timeout) {
    report_call(options_, request);
    try {
        http_reply reply = co_await exchange(executor_, options_, std::move(request), timeout);
        report_status(options_, reply.status);
        co_return reply;
    } catch (const error&) {
        report_transport_failure(options_);
        throw;
    }
}

net::awaitable<http_reply> transport::stream(http_call request, line_callback on_line) {
    co_return co_await stream(std::move(request), std::move(on_line), stream_settings{});
}

net::awaitable<http_reply> transport::stream(http_call request, line_callback on_line,
                                             stream_settings settings) {
    report_call(options_, request);
    try {
        http_reply reply = co_await exchange_streamed(executor_, options_, std::move(request),
                                                      std::move(on_line), std::move(settings));
        report_status(options_, reply.status);
        co_return reply;
    } catch (const error&) {
        report_transport_failure(options_);
        throw;
    }
}

}  // namespace docker_client::detail
