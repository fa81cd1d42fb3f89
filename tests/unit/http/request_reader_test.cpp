#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>

#include "http/request_reader.hpp"

namespace request_reader_test {

namespace {

using agent::request_reader;
using status = request_reader::status;

// Feeds `bytes` in pieces of `piece` bytes as a socket would; on `head` sets `body_limit` and
// goes on. Returns the last status (need_more when the bytes ran out).
status feed(request_reader& reader, std::string_view bytes, std::uint64_t body_limit = 1 << 20,
            std::size_t piece = 1000) {
    auto st = reader.parse();
    while (true) {
        if (st == status::head) {
            reader.set_body_limit(body_limit);
            st = reader.parse();
            continue;
        }
        if (st != status::need_more || bytes.empty()) {
            return st;
        }
        auto space = reader.space();
        const std::size_t n = std::min({space.size(), piece, bytes.size()});
        if (n == 0) {
            return reader.parse();
        }
        std::memcpy(space.data(), bytes.data(), n);
        reader.commit(n);
        bytes.remove_prefix(n);
        st = reader.parse();
    }
}

}  // namespace

TEST_CASE("request reader: a request, then a pipelined one on the same buffer", "[http]") {
    request_reader reader(16 * 1024);
    const std::string two =
        "POST /webhook?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
    REQUIRE(feed(reader, two) == status::complete);
    CHECK(reader.method() == "POST");
    CHECK(reader.path() == "/webhook");
    auto first = reader.take_request("127.0.0.1", "127.0.0.1");
    CHECK(first.body == "hello");
    CHECK(first.target == "/webhook?x=1");
    reader.start();
    CHECK(reader.buffered() > 0);
    REQUIRE(feed(reader, "") == status::complete);
    CHECK(reader.path() == "/healthz");
}

TEST_CASE("request reader: a chunked body with a trailer", "[http]") {
    request_reader reader(16 * 1024);
    const std::string req =
        "POST /w HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n";
    REQUIRE(feed(reader, req, 1 << 20, 7) == status::complete);
    CHECK(reader.take_request("p", "c").body == "abcde");
}

TEST_CASE("request reader: a 65 534-byte trailer field is 431, not an exception", "[http]") {
    for (const bool in_name : {false, true}) {
        request_reader reader(16 * 1024);
        const std::string big(65534, 'a');
        const std::string req =
            "POST /w HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            "1\r\nx\r\n0\r\n" +
            (in_name ? big + ": v" : "X-T: " + big) + "\r\n\r\n";
        REQUIRE(feed(reader, req) == status::failed);
        CHECK(reader.failure().status == 431);
    }
}

TEST_CASE("request reader: chunk extensions count against the header limit", "[http]") {
    SECTION("one huge extension") {
        request_reader reader(16 * 1024);
        const std::string req =
            "POST /w HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            "1;" +
            std::string(100000, 'e') + "\r\nx\r\n0\r\n\r\n";
        REQUIRE(feed(reader, req) == status::failed);
        CHECK(reader.failure().status == 431);
    }
    SECTION("many small ones") {
        request_reader reader(16 * 1024);
        std::string req = "POST /w HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 2000; ++i) {
            req += "1;e=" + std::string(20, 'x') + "\r\nx\r\n";
        }
        REQUIRE(feed(reader, req) == status::failed);
        CHECK(reader.failure().status == 431);
    }
}

TEST_CASE("request reader: oversize header 431, chunked body over the limit 413, garbage 400",
          "[http]") {
    request_reader big(4096);
    CHECK(feed(big, "GET / HTTP/1.1\r\nX: " + std::string(8000, 'a') + "\r\n\r\n") ==
          status::failed);
    CHECK(big.failure().status == 431);

    request_reader chunked(4096);
    std::string body = "POST /w HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 100; ++i) {
        body += "400\r\n" + std::string(1024, 'b') + "\r\n";
    }
    CHECK(feed(chunked, body, 50 * 1024) == status::failed);
    CHECK(chunked.failure().status == 413);

    request_reader garbage(4096);
    CHECK(feed(garbage, "\x01\x02 nonsense\r\n\r\n") == status::failed);
    CHECK(garbage.failure().status == 400);

    request_reader conflicting(4096);
    CHECK(feed(conflicting, "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n") ==
          status::failed);
    CHECK(conflicting.failure().status == 400);
}

// Found by the http_request fuzz target: Beast checks Content-Length against the limit only
// while it parses the header, and its string body reserves Content-Length bytes.
TEST_CASE("request reader: a Content-Length above the limit set after the head is 413 before "
          "any body is reserved",
          "[http]") {
    request_reader reader(4096);
    CHECK(feed(reader, "POST /w HTTP/1.1\r\nContent-Length: 30000000008\r\n\r\nabcd", 1024) ==
          status::failed);
    CHECK(reader.failure().status == 413);
    CHECK(reader.failure().detail == "Content-Length 30000000008 exceeds the 1024 byte limit");
    request_reader within(4096);
    CHECK(feed(within, "POST /w HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd", 1024) ==
          status::complete);
}

namespace {

// A GET head of exactly `size` bytes, its fields of about 100 bytes each.
std::string head_of_size(std::size_t size) {
    std::string head = "GET /healthz HTTP/1.1\r\nHost: a\r\n";
    const std::string tail = "\r\n";
    for (int i = 0; head.size() + tail.size() < size; ++i) {
        const std::size_t room = size - head.size() - tail.size();
        std::string name = "X-F" + std::to_string(i) + ": ";
        if (room < name.size() + 3) {
            head.insert(head.size() - 2, std::string(room, 'v'));  // lengthen the last field
            break;
        }
        const std::size_t value = std::min<std::size_t>(100, room - name.size() - 2);
        head += name + std::string(value, 'v') + "\r\n";
    }
    return head + tail;
}

}  // namespace

TEST_CASE("request reader: the header limit holds whatever the write boundaries", "[http]") {
    constexpr std::size_t limit = 16 * 1024;
    for (const std::size_t writes : {std::size_t{1}, std::size_t{2}, std::size_t{1000}}) {
        for (const std::size_t size : {limit, limit + 1, 2 * limit - 200}) {
            const std::string head = head_of_size(size);
            REQUIRE(head.size() == size);
            request_reader reader(limit);
            const std::size_t piece = (size + writes - 1) / writes;
            const auto st = feed(reader, head, 1 << 20, piece);
            INFO(writes << " writes, head of " << size << " bytes");
            if (size <= limit) {
                CHECK(st == status::complete);
            } else {
                REQUIRE(st == status::failed);
                CHECK(reader.failure().status == 431);
            }
        }
    }
}

}  // namespace request_reader_test
