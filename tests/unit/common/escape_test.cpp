// Untrusted text on its way into a log line or an answer.
#include <catch2/catch.hpp>

#include "common/escape.hpp"
#include "common/json_writer.hpp"
#include "common/text.hpp"

namespace escape_test {

using namespace agent;

TEST_CASE("escape_untrusted keeps UTF-8 and escapes controls and ill-formed bytes", "[common]") {
    CHECK(escape_untrusted("refs/heads/main") == "refs/heads/main");
    CHECK(escape_untrusted("caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87") == "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87");
    // A newline cannot start a forged line.
    CHECK(escape_untrusted("ada\n2026-01-01T00:00:00Z INFO forged") ==
          "ada\\x0a2026-01-01T00:00:00Z INFO forged");
    CHECK(escape_untrusted(std::string("a\0b\r\x1b[31m\x7f", 10)) == "a\\x00b\\x0d\\x1b[31m\\x7f");
    // Ill-formed UTF-8: a lone continuation byte, a truncated sequence, an overlong '/', a
    // surrogate, a code point beyond U+10FFFF; C1 controls too.
    CHECK(escape_untrusted("\x80") == "\\x80");
    CHECK(escape_untrusted("\xe4\xb8") == "\\xe4\\xb8");
    CHECK(escape_untrusted("\xc0\xaf") == "\\xc0\\xaf");
    CHECK(escape_untrusted("\xed\xa0\x80") == "\\xed\\xa0\\x80");
    CHECK(escape_untrusted("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");
    CHECK(escape_untrusted("\xc2\x85") == "\\xc2\\x85");
}

TEST_CASE("escape_untrusted cuts long text without splitting a character", "[common]") {
    const std::string path = "/" + std::string(16 * 1024, 'a');
    const std::string shown = escape_untrusted(path);
    CHECK(shown.size() < 240);
    CHECK(shown.starts_with("/aaaa"));
    CHECK(shown.ends_with("\u2026(+16185 bytes)"));
    // 199 ASCII bytes then a 2-byte character: the character does not fit in 200.
    const std::string text = std::string(199, 'x') + "\xc3\xa9" + "tail";
    CHECK(escape_untrusted(text) == std::string(199, 'x') + "\u2026(+6 bytes)");
    CHECK(escape_untrusted("short", 3) == "sho\u2026(+2 bytes)");
    // A backslash is escaped too, so that "\x0a" in the output always means a newline was sent.
    CHECK(escape_untrusted("a\\x0a") == "a\\x5cx0a");
}

TEST_CASE("is_valid_utf8", "[common]") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain"));
    CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));
    CHECK_FALSE(is_valid_utf8("\xff"));
    CHECK_FALSE(is_valid_utf8("\xf0\x9f\x98"));
}

TEST_CASE("json_writer never writes invalid UTF-8", "[common]") {
    json_writer w;
    w.begin_object().key("ref").string("refs/heads/\xff\n").key("ok").string("\xc3\xa9").end_object();
    // Valid strings keep JSON's own escapes; an ill-formed one is escaped byte by byte.
    CHECK(w.take() == R"({"ref":"refs/heads/\\xff\\x0a","ok":")" "\xc3\xa9" R"("})");
    json_writer v;
    v.begin_object().key("line").string("a\nb").end_object();
    CHECK(v.take() == R"({"line":"a\nb"})");
}

TEST_CASE("text helpers", "[common]") {
    CHECK(iequals("X-Hub-Signature-256", "x-hub-signature-256"));
    CHECK_FALSE(iequals("abc", "abd"));
    CHECK(trim(" \t value \r\n") == "value");
    CHECK(trim("   ").empty());
    CHECK(to_lower_ascii("Application/JSON") == "application/json");
    CHECK(percent_decode("a%2Fb+c%zz", true) == "a/b c%zz");
    CHECK(percent_decode("a+b", false) == "a+b");
}

TEST_CASE("escape_untrusted escapes bidi overrides, isolates and zero-width characters",
          "[common]") {
    // "invoice\u202Efdp.exe" reads as "invoiceexe.pdf".
    CHECK(escape_untrusted("invoice\xe2\x80\xae"
                           "fdp.exe") == "invoice\\xe2\\x80\\xaefdp.exe");
    for (const char* invisible : {"\xe2\x81\xa6", "\xe2\x81\xa9", "\xe2\x80\x8b", "\xe2\x80\x8f",
                                  "\xef\xbb\xbf", "\xd8\x9c"}) {
        INFO(escape_untrusted(invisible));
        CHECK(escape_untrusted(invisible).starts_with("\\x"));
        CHECK(invisible_control_length(invisible, 0) == std::string_view(invisible).size());
    }
    // Visible neighbours are kept.
    CHECK(escape_untrusted("\xe2\x80\x94 \xe2\x80\xa6") == "\xe2\x80\x94 \xe2\x80\xa6");
}

}  // namespace escape_test
