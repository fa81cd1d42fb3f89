// Beast's HTTP client side for notifications (plain http).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "notify/transport.hpp"

namespace agent::notify {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);

std::string host_header(const target& t) {
    std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
    const bool default_port = (t.tls && t.port == "443") || (!t.tls && t.port == "80");
    return default_port ? host : host + ":" + t.port;
}

class http_transport final : public transport {
public:
    explicit http_transport(net::any_io_executor ex) : executor_(std::move(ex)) {}

    net::awaitable<post_result> post(const target& t, const outgoing& request,
                                     std::chrono::milliseconds timeout) override {
        post_result result;
        if (t.tls) {
            result.error = "https is not supported by this build";
            co_return result;
        }
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        tcp::resolver resolver(executor_);
        auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, use_nothrow);
        if (rec) {
            result.error = "resolve: " + rec.message();
            co_return result;
        }
        beast::tcp_stream stream(executor_);
        stream.expires_at(deadline);
        auto [cec, ep] = co_await stream.async_connect(endpoints, use_nothrow);
        if (cec) {
            result.error = cec == beast::error::timeout ? "connect: timed out" : "connect: " + cec.message();
            co_return result;
        }
        http::request<http::string_body> req{http::verb::post, t.path, 11};
        req.set(http::field::host, host_header(t));
        req.set(http::field::user_agent, "deploy-agent");
        req.set(http::field::content_type, request.content_type);
        for (const auto& [k, v] : request.headers) {
            req.set(k, v);
        }
        req.body() = request.body;
        req.keep_alive(false);
        req.prepare_payload();
        stream.expires_at(deadline);
        auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
        if (wec) {
            result.error = wec == beast::error::timeout ? "send: timed out" : "send: " + wec.message();
            co_return result;
        }
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024);
        stream.expires_at(deadline);
        auto [rec2, rn] = co_await http::async_read(stream, buffer, parser, use_nothrow);
        if (rec2 && !parser.is_header_done()) {
            result.error = rec2 == beast::error::timeout ? "no answer: timed out"
                                                         : "no answer: " + rec2.message();
            co_return result;
        }
        result.status = parser.get().result_int();
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        co_return result;
    }

private:
    net::any_io_executor executor_;
};

}  // namespace

std::unique_ptr<transport> make_http_transport(net::any_io_executor executor) {
    return std::make_unique<http_transport>(std::move(executor));
}

}  // namespace agent::notify
