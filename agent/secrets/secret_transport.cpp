// The only file that compiles Beast's HTTP and Asio's SSL templates for Infisical.
#include "secrets/secret_transport.hpp"

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

#include "secrets/secret_types.hpp"

namespace agent {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto use_nothrow = net::as_tuple(net::use_awaitable);
constexpr std::size_t max_answer_bytes = 8 * 1024 * 1024;

// The verification error OpenSSL recorded, in words ("certificate has expired", "hostname
// mismatch"); empty when the failure was not about the certificate.
std::string verify_problem(SSL* handle) {
    const long result = SSL_get_verify_result(handle);
    if (result == X509_V_OK) {
        return "";
    }
    return X509_verify_cert_error_string(result);
}

[[noreturn]] void fail(const std::string& origin, std::string_view what, const beast::error_code& ec) {
    throw secrets_error(origin + ": " + std::string(what) + ": " +
                        (ec == beast::error::timeout ? std::string("deadline passed")
                                                     : ec.message()));
}

http::request<http::string_body> make_request(const secret_url& url, secret_http_request& r) {
    http::request<http::string_body> req;
    req.method_string(r.method);
    req.target(url.base_path + r.target);
    req.version(11);
    const bool default_port = url.port == (url.tls ? "443" : "80");
    const std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    req.set(http::field::host, default_port ? host : host + ":" + url.port);
    req.set(http::field::user_agent, "deploy-agent");
    req.set(http::field::accept, "application/json");
    req.set(http::field::connection, "close");
    for (auto& [name, value] : r.headers) {
        req.set(name, value);
    }
    if (!r.body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = std::move(r.body);
    }
    req.prepare_payload();
    return req;
}

template <class Stream>
net::awaitable<secret_http_reply> exchange(Stream& stream, http::request<http::string_body> req,
                                           std::string origin) {
    auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
    if (wec) {
        fail(origin, "sending the request", wec);
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(max_answer_bytes);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_nothrow);
    if (rec) {
        fail(origin, "reading the answer", rec);
    }
    auto& res = parser.get();
    secret_http_reply reply{res.result_int(), std::move(res.body()), {}};
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
void trust_system_store(X509_STORE* store) {
    if (const char* file = std::getenv(X509_get_default_cert_file_env())) {
        X509_STORE_load_file(store, file);
    }
    const char* env_dir = std::getenv(X509_get_default_cert_dir_env());
    const char* dir = env_dir != nullptr ? env_dir : X509_get_default_cert_dir();
    X509_STORE_load_path(store, dir);
    if (std::getenv(X509_get_default_cert_file_env()) == nullptr && !has_hashed_certificates(dir)) {
        X509_STORE_load_file(store, X509_get_default_cert_file());
    }
    ERR_clear_error();  // a missing file or directory is not an error: the other may do
}

}  // namespace

struct secret_transport::tls_state {
    ssl::context context{ssl::context::tls_client};
};

secret_transport::secret_transport(net::any_io_executor executor, secret_url url,
                                   std::string ca_file, std::chrono::milliseconds deadline)
    : executor_(std::move(executor)), url_(std::move(url)), ca_file_(std::move(ca_file)),
      deadline_(deadline) {}

secret_transport::~secret_transport() = default;

std::string secret_transport::origin() const {
    return (url_.tls ? "https://" : "http://") + url_.host + ":" + url_.port;
}

secret_transport::tls_state& secret_transport::tls() {
    if (tls_) {
        return *tls_;
    }
    auto state = std::make_unique<tls_state>();
    auto& ctx = state->context;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    ctx.set_verify_mode(ssl::verify_peer);
    trust_system_store(SSL_CTX_get_cert_store(ctx.native_handle()));
    beast::error_code ec;
    if (!ca_file_.empty()) {
        ctx.load_verify_file(ca_file_, ec);
        if (ec) {
            throw secrets_error("INFISICAL_CA_FILE " + ca_file_ + ": cannot load: " + ec.message());
        }
    }
    tls_ = std::move(state);
    return *tls_;
}

net::awaitable<secret_http_reply> secret_transport::send(secret_http_request request) {
    using namespace net::experimental::awaitable_operators;
    const auto deadline = clock_type::now() + deadline_;
    const std::string where = origin();
    auto req = make_request(url_, request);

    // getaddrinfo has no deadline of its own: race it against the call's.
    tcp::resolver resolver(executor_);
    net::steady_timer timer(executor_, deadline);
    auto raced = co_await (resolver.async_resolve(url_.host, url_.port, use_nothrow) ||
                           timer.async_wait(use_nothrow));
    if (raced.index() == 1) {
        throw secrets_error(where + ": resolving " + url_.host + ": deadline passed");
    }
    auto [rec, endpoints] = std::get<0>(raced);
    if (rec) {
        fail(where, "resolving " + url_.host, rec);
    }
    beast::tcp_stream tcp_stream(executor_);
    tcp_stream.expires_at(deadline);
    auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, use_nothrow);
    if (cec) {
        fail(where, "connecting", cec);
    }
    if (!url_.tls) {
        auto reply = co_await exchange(tcp_stream, std::move(req), where);
        beast::error_code ignored;
        tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        co_return reply;
    }

    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), tls().context);
    const bool is_address = url_.host.find_first_not_of("0123456789.") == std::string::npos ||
                            url_.host.find(':') != std::string::npos;
    if (!is_address && !SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str())) {
        throw secrets_error(where + ": cannot set the TLS server name");
    }
    stream.set_verify_callback(ssl::host_name_verification(url_.host));
    beast::get_lowest_layer(stream).expires_at(deadline);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, use_nothrow);
    if (hec) {
        const std::string problem = verify_problem(stream.native_handle());
        if (!problem.empty()) {
            throw secrets_error(where + ": TLS certificate refused: " + problem);
        }
        fail(where, "TLS handshake", hec);
    }
    auto reply = co_await exchange(stream, std::move(req), where);
    // The answer is complete; a slow or missing close_notify must not hold the call.
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return reply;
}

}  // namespace agent
