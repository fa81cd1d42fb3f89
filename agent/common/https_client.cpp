// The only file that compiles Beast's HTTP client and Asio's SSL templates for outbound calls
// (Infisical, notifications).
#include "common/https_client.hpp"

#include <cstdlib>
#include <filesystem>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace agent {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;
using step = https_error::step;

namespace {

constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);
constexpr std::string_view deadline_passed = "deadline passed";

// "resolving example.com", "connecting", …: the words after the origin in what().
std::string step_words(step failed, const std::string& host) {
    switch (failed) {
    case step::trust:
        return "loading CAs";
    case step::resolve:
        return "resolving " + host;
    case step::connect:
        return "connecting";
    case step::handshake:
        return "TLS handshake";
    case step::certificate:
        return "TLS certificate refused";
    case step::send:
        return "sending the request";
    case step::receive:
        return "reading the answer";
    }
    return "calling";
}

[[noreturn]] void fail(const https_request& r, step failed, const beast::error_code& ec,
                       unsigned status = 0) {
    const bool timed_out = ec == beast::error::timeout;
    std::string detail = timed_out ? std::string(deadline_passed) : ec.message();
    const std::string message =
        https_client::origin(r) + ": " + step_words(failed, r.host) + ": " + detail;
    throw https_error(failed, std::move(detail), timed_out, status, message);
}

// The verification error OpenSSL recorded, in words ("certificate has expired", "hostname
// mismatch"); empty when the failure was not about the certificate.
std::string verify_problem(SSL* handle) {
    const long result = SSL_get_verify_result(handle);
    if (result == X509_V_OK) {
        return "";
    }
    return X509_verify_cert_error_string(result);
}

http::request<http::string_body> make_request(https_request& r) {
    http::request<http::string_body> req;
    req.method_string(r.method);
    req.target(r.target);
    req.version(11);
    const bool default_port = r.port == (r.tls ? "443" : "80");
    const std::string host = r.host.find(':') != std::string::npos ? "[" + r.host + "]" : r.host;
    req.set(http::field::host, default_port ? host : host + ":" + r.port);
    req.set(http::field::user_agent, "deploy-agent");
    req.set(http::field::connection, "close");
    for (auto& [name, value] : r.headers) {
        req.set(name, value);
    }
    req.body() = std::move(r.body);
    req.prepare_payload();
    return req;
}

template <class Stream>
net::awaitable<https_reply> exchange(Stream& stream, http::request<http::string_body> req,
                                     const https_request& r) {
    auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
    if (wec) {
        fail(r, step::send, wec);
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(r.answer_limit);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_nothrow);
    if (rec) {
        fail(r, step::receive, rec, parser.is_header_done() ? parser.get().result_int() : 0);
    }
    auto& res = parser.get();
    https_reply reply{res.result_int(), std::move(res.body()), {}};
    if (auto it = res.find(http::field::retry_after); it != res.end()) {
        reply.retry_after = std::string(it->value().substr(0, 64));
    }
    co_return reply;
}

// True when `dir` holds OpenSSL's hashed names ("5ed36f99.0"): a directory lookup then finds
// each CA when a handshake needs it.
bool has_hashed_certificates(const char* dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() == 10 && name.compare(8, 2, ".0") == 0) {
            return true;
        }
    }
    return false;
}

// The system CA store as OpenSSL's set_default_verify_paths defines it (SSL_CERT_FILE, then
// SSL_CERT_DIR or the default directory), except that the default bundle file is read only when
// no hashed directory exists: reading it parses every CA (about 140 on Debian, a megabyte of
// resident memory) where the directory loads just the one a handshake needs.
void trust_system_store(X509_STORE* store, const system_ca_store& system) {
    if (system.cert_file) {
        X509_STORE_load_file(store, system.cert_file->c_str());
    }
    const char* dir = system.cert_dir ? system.cert_dir->c_str() : X509_get_default_cert_dir();
    X509_STORE_load_path(store, dir);
    if (!system.cert_file && !has_hashed_certificates(dir)) {
        X509_STORE_load_file(store, X509_get_default_cert_file());
    }
    ERR_clear_error();  // a missing file or directory is not an error: the other may do
}

// Makes OpenSSL check the peer's certificate against `host` during the handshake (its own check,
// so a mismatch is recorded as "hostname mismatch" / "IP address mismatch", not as an
// unspecified failure of a verify callback), and sends SNI for a name (RFC 6066: names only).
bool expect_peer(SSL* handle, const std::string& host) {
    const bool is_address = host.find_first_not_of("0123456789.") == std::string::npos ||
                            host.find(':') != std::string::npos;
    if (is_address) {
        return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), host.c_str()) == 1;
    }
    return SSL_set_tlsext_host_name(handle, host.c_str()) == 1 &&
           SSL_set1_host(handle, host.c_str()) == 1;
}

}  // namespace

https_error::https_error(step failed, std::string detail, bool timed_out, unsigned status,
                         const std::string& message)
    : std::runtime_error(message), step_(failed), detail_(std::move(detail)),
      timed_out_(timed_out), status_(status) {}

struct https_client::tls_state {
    ssl::context context{ssl::context::tls_client};
};

system_ca_store system_ca_store_from(const environment& env) {
    system_ca_store s;
    if (const char* file = env.get(X509_get_default_cert_file_env())) {
        s.cert_file = file;
    }
    if (const char* dir = env.get(X509_get_default_cert_dir_env())) {
        s.cert_dir = dir;
    }
    return s;
}

https_client::https_client(net::any_io_executor executor, std::string ca_file,
                           system_ca_store system)
    : executor_(std::move(executor)), ca_file_(std::move(ca_file)), system_(std::move(system)) {}

https_client::~https_client() = default;

std::string https_client::origin(const https_request& r) {
    return (r.tls ? "https://" : "http://") + r.host + ":" + r.port;
}

https_client::tls_state& https_client::tls() {
    if (tls_) {
        return *tls_;
    }
    auto state = std::make_unique<tls_state>();
    auto& ctx = state->context;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    ctx.set_verify_mode(ssl::verify_peer);
    trust_system_store(SSL_CTX_get_cert_store(ctx.native_handle()), system_);
    if (!ca_file_.empty()) {
        beast::error_code ec;
        ctx.load_verify_file(ca_file_, ec);
        if (ec) {
            throw https_error(step::trust, ec.message(), false, 0,
                              ca_file_ + ": cannot load: " + ec.message());
        }
    }
    tls_ = std::move(state);
    return *tls_;
}

net::awaitable<https_reply> https_client::send(https_request request) {
    using namespace net::experimental::awaitable_operators;
    const auto deadline = clock_type::now() + request.timeout;
    auto req = make_request(request);

    // getaddrinfo has no deadline of its own: race it against the call's.
    tcp::resolver resolver(executor_);
    net::steady_timer timer(executor_, deadline);
    auto raced = co_await (resolver.async_resolve(request.host, request.port, use_nothrow) ||
                           timer.async_wait(use_nothrow));
    if (raced.index() == 1) {
        fail(request, step::resolve, beast::error::timeout);
    }
    auto [rec, endpoints] = std::get<0>(raced);
    if (rec) {
        fail(request, step::resolve, rec);
    }
    beast::tcp_stream tcp_stream(executor_);
    tcp_stream.expires_at(deadline);
    auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, use_nothrow);
    if (cec) {
        fail(request, step::connect, cec);
    }
    if (!request.tls) {
        auto reply = co_await exchange(tcp_stream, std::move(req), request);
        beast::error_code ignored;
        tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        co_return reply;
    }

    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), tls().context);
    if (!expect_peer(stream.native_handle(), request.host)) {
        throw https_error(step::handshake, "cannot set the server name", false, 0,
                          origin(request) + ": cannot set the TLS server name");
    }
    beast::get_lowest_layer(stream).expires_at(deadline);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, use_nothrow);
    if (hec) {
        std::string problem = verify_problem(stream.native_handle());
        if (!problem.empty()) {
            const std::string message = origin(request) + ": TLS certificate refused: " + problem;
            throw https_error(step::certificate, std::move(problem), false, 0, message);
        }
        fail(request, step::handshake, hec);
    }
    auto reply = co_await exchange(stream, std::move(req), request);
    // The answer is complete; a slow or missing close_notify must not hold the call.
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return reply;
}

}  // namespace agent
