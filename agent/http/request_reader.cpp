// Beast's request parser fed from a bounded buffer, so that the server decides every limit and
// nothing the parser throws (a field over 64 KB raises std::length_error) leaves this file.
#include "http/request_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>

// g++ 12 with -fsanitize=address reports -Wmaybe-uninitialized inside Beast's parser (a
// boost::optional<std::uint64_t> for Content-Length, basic_parser.hpp:66): a false positive of
// its middle end, silenced for this translation unit only, the one that instantiates the parser.
// (clang, which builds the fuzz targets, has no such warning.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace agent {

namespace beast = boost::beast;
namespace http = beast::http;

struct request_reader::state {
    std::optional<http::request_parser<http::string_body>> parser;
    std::size_t header_limit = 0;
    std::uint64_t extension_bytes = 0;  // chunk extensions of this request, all together
    std::uint64_t head_bytes = 0;
    bool head_reported = false;
    // The parser keeps a reference to its callback: it lives here, as long as the parser.
    std::function<void(std::uint64_t, beast::string_view, beast::error_code&)> chunk_header =
        [this](std::uint64_t, beast::string_view extensions, beast::error_code& ec) {
            on_chunk_header(std::string_view(extensions.data(), extensions.size()), ec);
        };

    void on_chunk_header(std::string_view extensions, beast::error_code& ec) {
        extension_bytes += extensions.size();
        if (head_bytes + extension_bytes > header_limit) {
            ec = http::error::header_limit;
        }
    }
};

request_reader::request_reader(std::size_t header_limit)
    : state_(std::make_unique<state>()), capacity_(std::max<std::size_t>(header_limit, 1024)) {
    state_->header_limit = capacity_;
    buffer_ = std::make_unique<char[]>(capacity_);
    start();
}

request_reader::~request_reader() = default;

void request_reader::start() {
    auto& s = *state_;
    s.parser.emplace();
    s.parser->header_limit(static_cast<std::uint32_t>(s.header_limit));
    // Decided once the target is known (set_body_limit); until then the header alone is read.
    s.parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    s.parser->on_chunk_header(s.chunk_header);
    s.extension_bytes = 0;
    s.head_bytes = 0;
    s.head_reported = false;
    consumed_ = 0;
    failure_ = {};
    over_limit_ = false;
}

std::span<char> request_reader::space() {
    if (begin_ > 0) {
        std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    return {buffer_.get() + end_, capacity_ - end_};
}

void request_reader::commit(std::size_t n) {
    end_ = std::min(end_ + n, capacity_);
}

void request_reader::set_body_limit(std::uint64_t limit) {
    state_->parser->body_limit(limit);
    // Beast compares Content-Length with the limit only while it parses the header, before the
    // limit is known here, and its string body reserves Content-Length bytes up front.
    if (auto length = content_length(); length && *length > limit) {
        over_limit_ = true;
        fail(413, "payload too large",
             "Content-Length " + std::to_string(*length) + " exceeds the " +
                 std::to_string(limit) + " byte limit");
    }
}

request_reader::status request_reader::fail(unsigned code, std::string reason, std::string detail) {
    failure_ = failure_info{code, std::move(reason), std::move(detail)};
    return status::failed;
}

request_reader::status request_reader::parse() {
    auto& s = *state_;
    auto& parser = *s.parser;
    if (over_limit_) {
        return status::failed;
    }
    for (;;) {
        if (parser.is_done()) {
            return status::complete;
        }
        if (begin_ == end_) {
            return status::need_more;
        }
        if (!s.head_reported) {
            // Beast counts the header limit over the bytes of one put() only, and start line and
            // whole fields are consumed from the buffer as they parse: the head's bytes parsed
            // in earlier calls count here.
            if (consumed_ >= s.header_limit) {
                return fail(431, "request headers too large",
                            "header over " + std::to_string(s.header_limit) + " bytes");
            }
            parser.header_limit(static_cast<std::uint32_t>(s.header_limit - consumed_));
        }
        beast::error_code ec;
        std::size_t n = 0;
        try {
            n = parser.put(boost::asio::const_buffer(buffer_.get() + begin_, end_ - begin_), ec);
        } catch (const std::exception& e) {
            return fail(400, "malformed HTTP request", e.what());
        }
        begin_ += n;
        consumed_ += n;
        if (!parser.is_header_done() && ec == http::error::need_more &&
            consumed_ + (end_ - begin_) >= s.header_limit) {
            // The head did not end within the limit's bytes (which Beast, resuming its search
            // for the end of the head, does not always report).
            ec = http::error::header_limit;
        }
        if (ec == http::error::header_limit) {
            return fail(431, "request headers too large",
                        "header, chunk extensions or trailers over " +
                            std::to_string(s.header_limit) + " bytes");
        }
        if (ec == http::error::body_limit) {
            return fail(413, "payload too large", "chunked body over the limit");
        }
        if (ec && ec != http::error::need_more) {
            return fail(400, "malformed HTTP request", ec.message());
        }
        if (!s.head_reported && parser.is_header_done()) {
            s.head_reported = true;
            s.head_bytes = consumed_;
            // Chunk-size lines and the trailer section each have the whole limit again.
            parser.header_limit(static_cast<std::uint32_t>(s.header_limit));
            parser.eager(true);
            return status::head;
        }
        if (ec == http::error::need_more || n == 0) {
            if (begin_ == 0 && end_ == capacity_) {
                return fail(431, "request headers too large",
                            "a header, chunk-size line or trailer section over " +
                                std::to_string(capacity_) + " bytes");
            }
            return parser.is_done() ? status::complete : status::need_more;
        }
    }
}

std::string_view request_reader::method() const {
    auto m = state_->parser->get().method_string();
    return {m.data(), m.size()};
}

std::string_view request_reader::target() const {
    auto t = state_->parser->get().target();
    return {t.data(), t.size()};
}

std::string_view request_reader::path() const {
    const auto t = target();
    return t.substr(0, t.find('?'));
}

unsigned request_reader::version() const {
    return state_->parser->get().version();
}
bool request_reader::keep_alive() const {
    return state_->parser->get().keep_alive();
}
bool request_reader::chunked() const {
    return state_->parser->chunked();
}

std::optional<std::uint64_t> request_reader::content_length() const {
    // Read from the field rather than through the parser's boost::optional, which g++ 12 warns
    // about (maybe-uninitialized) under the sanitizers. The parser has checked the value: a
    // list of equal decimal numbers.
    const auto value = field("Content-Length");
    if (!value || chunked()) {
        return std::nullopt;
    }
    const auto digits = value->find_first_of("0123456789");
    std::uint64_t length = 0;
    if (digits == std::string_view::npos ||
        std::from_chars(value->data() + digits, value->data() + value->size(), length).ec !=
            std::errc{}) {
        return std::nullopt;
    }
    return length;
}

std::optional<std::string_view> request_reader::field(std::string_view name) const {
    const auto& req = state_->parser->get();
    auto it = req.find(beast::string_view(name.data(), name.size()));
    if (it == req.end()) {
        return std::nullopt;
    }
    return std::string_view(it->value().data(), it->value().size());
}

std::size_t request_reader::field_count(std::string_view name) const {
    return state_->parser->get().count(beast::string_view(name.data(), name.size()));
}

std::size_t request_reader::body_size() const {
    return state_->parser->get().body().size();
}

http_request request_reader::take_request(std::string peer, std::string client) {
    auto req = state_->parser->release();
    http_request out;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    out.headers.reserve(16);
    for (const auto& f : req.base()) {
        out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    out.body = std::move(req.body());
    out.peer = std::move(peer);
    out.client = std::move(client);
    return out;
}

}  // namespace agent
