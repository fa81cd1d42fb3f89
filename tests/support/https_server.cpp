#include "support/https_server.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <thread>

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "support/test_pki.hpp"

namespace test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct https_server::impl {
    handler answer;
    net::io_context io;
    tcp::acceptor acceptor{io};
    std::unique_ptr<ssl::context> tls;
    std::string ca_path;
    std::thread thread;
};

namespace {

constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);

received_request plain(const http::request<http::string_body>& req) {
    received_request r{std::string(req.method_string()), std::string(req.target()), {}, req.body()};
    for (const auto& field : req) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        r.headers[name] = std::string(field.value());
    }
    return r;
}

template <class Stream>
net::awaitable<void> exchange(https_server::impl* self, Stream& stream) {
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    auto [rec, rn] = co_await http::async_read(stream, buffer, req, use_nothrow);
    if (rec) {
        co_return;
    }
    served_reply r = self->answer(plain(req));
    http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
    res.set(http::field::content_type, r.content_type);
    if (!r.retry_after.empty()) {
        res.set(http::field::retry_after, r.retry_after);
    }
    res.keep_alive(false);
    res.body() = std::move(r.body);
    res.prepare_payload();
    co_await http::async_write(stream, res, use_nothrow);
}

net::awaitable<void> serve_connection(https_server::impl* self, tcp::socket socket) {
    if (!self->tls) {
        co_await exchange(self, socket);
        beast::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
    }
    ssl::stream<tcp::socket> stream(std::move(socket), *self->tls);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_nothrow);
    if (hec) {
        co_return;  // a client that refused the certificate
    }
    co_await exchange(self, stream);
    co_await stream.async_shutdown(use_nothrow);
}

net::awaitable<void> accept_loop(https_server::impl* self) {
    for (;;) {
        auto [ec, socket] = co_await self->acceptor.async_accept(use_nothrow);
        if (ec) {
            co_return;
        }
        net::co_spawn(self->io, serve_connection(self, std::move(socket)), net::detached);
    }
}

}  // namespace

https_server::https_server(options o, handler answer) : impl_(std::make_unique<impl>()) {
    impl_->answer = std::move(answer);
    if (o.tls) {
        const test_pki pki = make_test_pki(o.names);
        impl_->tls = std::make_unique<ssl::context>(ssl::context::tls_server);
        impl_->tls->use_certificate_chain(net::buffer(pki.server_cert_pem));
        impl_->tls->use_private_key(net::buffer(pki.server_key_pem), ssl::context::pem);
        static int instance = 0;
        impl_->ca_path = (std::filesystem::temp_directory_path() /
                          ("da-test-ca-" + std::to_string(::getpid()) + "-" +
                           std::to_string(++instance) + ".pem")).string();
        write_text_file(impl_->ca_path, pki.ca_pem);
    }
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    net::co_spawn(impl_->io, accept_loop(impl_.get()), net::detached);
    impl_->thread = std::thread([self = impl_.get()] { self->io.run(); });
}

https_server::~https_server() {
    impl_->io.stop();
    impl_->thread.join();
    if (!impl_->ca_path.empty()) {
        std::filesystem::remove(impl_->ca_path);
    }
}

unsigned short https_server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string https_server::url() const {
    return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

std::string https_server::ca_file() const { return impl_->ca_path; }

}  // namespace test
