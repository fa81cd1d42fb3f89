#include <catch2/catch.hpp>

#include "common/iso8601.hpp"
#include "http/answer.hpp"
#include "webhooks/webhook_answers.hpp"
#include "intake/infisical_intake.hpp"
#include "intake/replay_memory.hpp"

namespace infisical_intake_test {

using namespace agent;
using namespace std::chrono_literals;

namespace {

const std::string key = "infisical-test-secret";
constexpr std::int64_t sent_ms = 1767225600000;  // 2026-01-01T00:00:00.000Z

std::chrono::system_clock::time_point at_ms(std::int64_t ms) {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}};
}

// What Infisical's backend sends (webhook-fns.ts): payload = {...data, timestamp: Date.now()},
// signature = HMAC-SHA256(secret, JSON.stringify(payload)) as hex, header "t=<ts>;<hex>".
std::string infisical_body(const std::string& event, const std::string& project_json,
                           std::int64_t timestamp) {
    return R"({"event":")" + event + R"(","project":)" + project_json + R"(,"timestamp":)" +
           std::to_string(timestamp) + "}";
}

http_request delivery(std::string body, std::optional<std::string> signature) {
    http_request r;
    r.method = "POST";
    r.target = "/webhooks/infisical";
    r.headers = {{"Content-Type", "application/json"}, {"User-Agent", "axios/1.7.7"}};
    if (signature) {
        r.headers.emplace_back("x-infisical-signature", *signature);
    }
    r.body = std::move(body);
    return r;
}

http_request infisical_delivery(const std::string& body, std::int64_t t,
                                const std::string& secret = key) {
    return delivery(body, "t=" + std::to_string(t) + ";" + hmac_sha256_hex(secret, body));
}

infisical_verdict classify(const http_request& r, std::optional<std::string> secret = key,
                           std::int64_t now_ms = sent_ms + 1500, bool allow_unsigned = false,
                           std::chrono::milliseconds window = 5min) {
    infisical_intake_options o;
    o.window = window;
    o.allow_unsigned = allow_unsigned;
    o.now = [now_ms] { return at_ms(now_ms); };
    std::optional<configured_secret> s;
    if (secret) {
        s = make_configured_secret(*secret, "INFISICAL_WEBHOOK_SECRET");
    }
    return classify_infisical_delivery(delivery_view{r.headers, r.body}, s, o);
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

const std::string new_project =
    R"({"workspaceId":"proj-1","projectId":"proj-1","projectName":"Secrets management",)"
    R"("environment":"prod","environmentName":"Production","secretPath":"/api",)"
    R"("changedBy":"Ada Lovelace"})";

}  // namespace

TEST_CASE("Infisical secrets.modified, current payload shape, t=<ms>,<hex>", "[intake]") {
    const std::string body = infisical_body("secrets.modified", new_project, sent_ms);
    // Computed independently with Python's hmac for this exact body.
    REQUIRE(hmac_sha256_hex(key, body) ==
            "46b5240cf875c426dae570ffd3c272598efb354a56c915f62eae4ff009420e5b");
    auto v = classify(infisical_delivery(body, sent_ms));
    CHECK(status_of(v.result) == 200);
    CHECK(v.what == infisical_verdict::kind::change);
    CHECK(v.signature_verified);
    CHECK(v.event == "secrets.modified");
    REQUIRE(v.change);
    CHECK(v.change->project == "proj-1");
    CHECK(v.change->environment == "prod");
    CHECK(v.change->secret_path == "/api");
    CHECK_FALSE(v.change->secret_key);
    CHECK(infisical_answer(v).status == 200);
    CHECK(
        infisical_answer(v).body ==
        R"({"success":true,"message":"Webhook processed successfully","event":"secrets.modified","action":"cache_cleared"})");
    CHECK(contains(v.diagnosis, "verified (t=<ms>;<hex>)"));
}

TEST_CASE("Infisical older documented shape (project.workspaceId, secret.modified)", "[intake]") {
    const std::string body =
        infisical_body("secret.modified", R"({"workspaceId":"ws-9","environment":"dev"})", sent_ms);
    auto v = classify(infisical_delivery(body, sent_ms));
    REQUIRE(v.change);
    CHECK(v.what == infisical_verdict::kind::change);
    CHECK(v.change->project == "ws-9");
    CHECK(v.change->environment == "dev");
    CHECK(v.change->secret_path == "/");
    // Absent fields are omitted, never null.
    CHECK(infisical_change_json(*v.change) ==
          R"({"event":"secret.modified","project":"ws-9","environment":"dev","secretPath":"/"})");
    infisical_change sparse;
    sparse.event = "test";
    CHECK(infisical_change_json(sparse) == R"({"event":"test"})");
}

TEST_CASE("Infisical seed shape with the plain-hex header of the replaced service", "[intake]") {
    const std::string body =
        R"({"event":"secret.updated","workspace":{"id":"proj_abc123","name":"My Project"},)"
        R"("environment":{"id":"env_xyz789","name":"Production","slug":"production"},)"
        R"("secretPath":"/api","secret":{"id":"sec_456","key":"DATABASE_URL","type":"shared"},)"
        R"("timestamp":"2024-01-01T12:00:00.000Z","actor":{"type":"user"}})";
    const auto noon = parse_iso8601("2024-01-01T12:00:00.000Z");
    REQUIRE(noon);
    const std::int64_t noon_ms = noon->time_since_epoch().count();
    auto v = classify(delivery(body, hmac_sha256_hex(key, body)), key, noon_ms + 30'000);
    CHECK(v.what == infisical_verdict::kind::change);
    REQUIRE(v.change);
    CHECK(v.change->event == "secret.updated");
    CHECK(v.change->project == "proj_abc123");
    CHECK(v.change->environment == "production");
    CHECK(v.change->secret_path == "/api");
    CHECK(v.change->secret_key == "DATABASE_URL");
    CHECK(contains(v.diagnosis, "plain hex"));

    for (const char* e : {"secret.created", "secret.deleted"}) {
        std::string b = body;
        b.replace(b.find("secret.updated"), 14, e);
        CHECK(classify(delivery(b, hmac_sha256_hex(key, b)), key, noon_ms).event == e);
    }

    // The signed ISO timestamp is held to the window too.
    auto stale = classify(delivery(body, hmac_sha256_hex(key, body)), key, noon_ms + 3'600'000);
    CHECK(stale.refusal_code == "stale_timestamp");
}

TEST_CASE("Infisical test event answers as the seed shows", "[intake]") {
    const std::string body = infisical_body("test", new_project, sent_ms);
    auto v = classify(infisical_delivery(body, sent_ms));
    CHECK(v.what == infisical_verdict::kind::test);
    CHECK(
        infisical_answer(v).body ==
        R"({"success":true,"message":"Webhook processed successfully","event":"test","action":"cache_cleared"})");
}

TEST_CASE("Infisical unknown events are 200 ignored", "[intake]") {
    const std::string body = infisical_body("secrets.rotation-failed", new_project, sent_ms);
    auto v = classify(infisical_delivery(body, sent_ms));
    CHECK(status_of(v.result) == 200);
    CHECK(v.what == infisical_verdict::kind::ignored);
    CHECK_FALSE(v.change);
    CHECK(
        infisical_answer(v).body ==
        R"({"success":true,"message":"Webhook ignored","event":"secrets.rotation-failed","action":"ignored"})");
}

TEST_CASE("Infisical stale or future timestamps are refused as replays", "[intake]") {
    const std::string body = infisical_body("secrets.modified", new_project, sent_ms);
    auto old = classify(infisical_delivery(body, sent_ms), key, sent_ms + 5 * 60'000 + 1);
    CHECK(status_of(old.result) == 401);
    CHECK(old.refusal_code == "stale_timestamp");
    CHECK(contains(old.diagnosis, "refused as a replay"));
    CHECK(contains(old.diagnosis, "300.0 s"));

    // Exactly the window old: stale (its replay key is forgotten from this millisecond on).
    auto edge = classify(infisical_delivery(body, sent_ms), key, sent_ms + 5 * 60'000);
    CHECK(edge.refusal_code == "stale_timestamp");
    auto inside = classify(infisical_delivery(body, sent_ms), key, sent_ms + 5 * 60'000 - 1);
    CHECK(status_of(inside.result) == 200);

    auto future = classify(infisical_delivery(body, sent_ms), key, sent_ms - 6 * 60'000);
    CHECK(future.refusal_code == "stale_timestamp");

    auto narrow = classify(infisical_delivery(body, sent_ms), key, sent_ms + 20'000, false, 10s);
    CHECK(narrow.refusal_code == "stale_timestamp");
}

TEST_CASE("Infisical header t= must equal the signed body timestamp", "[intake]") {
    // Replaying an old body with a fresh t= must not pass: t= itself is not signed.
    const std::string body = infisical_body("secrets.modified", new_project, sent_ms - 3'600'000);
    auto v = classify(infisical_delivery(body, sent_ms));
    CHECK(status_of(v.result) == 401);
    CHECK(v.refusal_code == "timestamp_mismatch");

    const std::string no_ts = R"({"event":"secrets.modified","project":{}})";
    CHECK(classify(infisical_delivery(no_ts, sent_ms)).refusal_code == "timestamp_mismatch");
}

TEST_CASE("Infisical refusals: wrong secret, missing header, not configured", "[intake]") {
    const std::string body = infisical_body("secrets.modified", new_project, sent_ms);
    auto wrong = classify(infisical_delivery(body, sent_ms, "another-secret"));
    CHECK(status_of(wrong.result) == 401);
    CHECK(wrong.refusal_code == "bad_signature");
    CHECK(infisical_answer(wrong).body == R"({"success":false,"error":"Invalid webhook signature"})");
    CHECK(contains(wrong.diagnosis,
                   "INFISICAL_WEBHOOK_SECRET (fingerprint " + secret_fingerprint(key)));
    CHECK_FALSE(contains(wrong.diagnosis, key));
    CHECK_FALSE(contains(wrong.diagnosis, hmac_sha256_hex(key, body)));

    auto newline = classify(infisical_delivery(body, sent_ms, key + "\n"), key + "\n");
    CHECK(contains(newline.diagnosis, "it would match with the trailing newline"));

    auto missing = classify(delivery(body, std::nullopt));
    CHECK(status_of(missing.result) == 401);
    CHECK(missing.refusal_code == "missing_signature");
    CHECK(contains(missing.diagnosis, "User-Agent"));

    auto malformed = classify(delivery(body, "t=123"));
    CHECK(malformed.refusal_code == "malformed_signature");

    auto unconfigured = classify(infisical_delivery(body, sent_ms), std::nullopt);
    CHECK(status_of(unconfigured.result) == 503);
    CHECK(unconfigured.refusal_code == "not_configured");
    CHECK(infisical_answer(unconfigured).body == R"({"success":false,"error":"not configured"})");

    auto allowed = classify(delivery(body, std::nullopt), std::nullopt, sent_ms, true);
    CHECK(allowed.what == infisical_verdict::kind::change);
    CHECK_FALSE(allowed.signature_verified);
    CHECK(contains(allowed.diagnosis, "UNSIGNED"));
}

TEST_CASE("Infisical malformed JSON is 400 with the parser's offset", "[intake]") {
    const std::string body = R"({"event":"secrets.modified",})";
    auto v = classify(delivery(body, hmac_sha256_hex(key, body)));
    CHECK(status_of(v.result) == 400);
    CHECK(v.refusal_code == "bad_json");
    CHECK(contains(v.reason, "malformed JSON at offset 28"));

    const std::string no_event = R"({"timestamp":1})";
    CHECK(classify(delivery(no_event, hmac_sha256_hex(key, no_event)), key, 1).refusal_code ==
          "bad_payload");

    // A NUL byte is not JSON, even after a complete document.
    const std::string nul = R"({"event":"test","timestamp":1})" + std::string(1, '\0') + "x";
    auto n = classify(delivery(nul, hmac_sha256_hex(key, nul)));
    CHECK(status_of(n.result) == 400);
    CHECK(contains(n.reason, "malformed JSON at offset 30: a NUL byte"));
}

TEST_CASE("Infisical responses: processed with deployments, and the test endpoint", "[intake]") {
    CHECK(
        infisical_processed("secrets.modified", infisical_action::cache_cleared, {"d-1", "d-2"}).body ==
        R"({"success":true,"message":"Webhook processed successfully","event":"secrets.modified","action":"cache_cleared","deployments":["d-1","d-2"]})");
    const auto r = infisical_test_answer(at_ms(1704067200000 + 7));
    CHECK(r.status == 200);
    CHECK(
        r.body ==
        R"({"success":true,"message":"Test webhook received successfully","receivedAt":"2024-01-01T00:00:00.007Z"})");
}

TEST_CASE("Infisical plain hex without a signed timestamp is refused unless allowed", "[intake]") {
    const std::string body = R"({"event":"secret.updated","workspace":{"id":"p1"}})";
    const std::string hex = hmac_sha256_hex(key, body);
    auto v = classify(delivery(body, hex));
    CHECK(status_of(v.result) == 401);
    CHECK(v.refusal_code == "untimed");
    CHECK(infisical_answer(v).body == R"({"success":false,"error":"no signed timestamp"})");
    CHECK(contains(v.diagnosis, "INFISICAL_ALLOW_UNTIMED"));

    // A timestamp that is neither Unix ms nor ISO-8601 is no timestamp either.
    const std::string odd = R"({"event":"secret.updated","timestamp":"yesterday"})";
    CHECK(classify(delivery(odd, hmac_sha256_hex(key, odd))).refusal_code == "untimed");

    infisical_intake_options o;
    o.allow_untimed = true;
    o.now = [] { return at_ms(sent_ms); };
    const http_request r = delivery(body, hex);
    auto allowed = classify_infisical_delivery(
        delivery_view{r.headers, r.body},
        make_configured_secret(key, "INFISICAL_WEBHOOK_SECRET"), o);
    CHECK(allowed.what == infisical_verdict::kind::change);
    CHECK(contains(allowed.diagnosis, "INFISICAL_ALLOW_UNTIMED=true"));
    // Remembered for the window from its arrival.
    CHECK(allowed.replay_until == at_ms(sent_ms) + 5min);
    CHECK_FALSE(allowed.replay_key.empty());
}

TEST_CASE("Infisical replay keys: the same signature, the same key, never the MAC", "[intake]") {
    const std::string body = infisical_body("secrets.modified", new_project, sent_ms);
    auto first = classify(infisical_delivery(body, sent_ms));
    auto again = classify(infisical_delivery(body, sent_ms), key, sent_ms + 60'000);
    REQUIRE(first.what == infisical_verdict::kind::change);
    CHECK(first.replay_key.starts_with("infisical:"));
    CHECK(first.replay_key == again.replay_key);
    CHECK(first.replay_key.find(hmac_sha256_hex(key, body)) == std::string::npos);
    // Remembered until the end of its own window: a later copy would be stale anyway.
    CHECK(first.replay_until == at_ms(sent_ms) + 5min);

    const std::string other = infisical_body("secrets.modified", new_project, sent_ms + 1);
    CHECK(classify(infisical_delivery(other, sent_ms + 1)).replay_key != first.replay_key);

    // Nothing to remember an unsigned delivery by.
    auto unsigned_ok = classify(delivery(body, std::nullopt), std::nullopt, sent_ms, true);
    CHECK(unsigned_ok.replay_key.empty());
}

TEST_CASE("Infisical replays at the window's edge: every copy judged fresh finds the key of the "
          "first, copies in the same millisecond included",
          "[intake]") {
    const std::string body = infisical_body("secrets.modified", new_project, sent_ms);
    const std::int64_t edge = sent_ms + 5 * 60'000;
    for (std::int64_t first_ms = edge - 3; first_ms <= edge + 1; ++first_ms) {
        replay_memory memory;
        auto first = classify(infisical_delivery(body, sent_ms), key, first_ms);
        if (first.what != infisical_verdict::kind::change) {
            CHECK(first.refusal_code == "stale_timestamp");
            continue;
        }
        const std::int64_t judged_ms =
            std::chrono::floor<std::chrono::milliseconds>(first.judged_at).time_since_epoch().count();
        CHECK(judged_ms == first_ms);
        memory.remember(first.replay_key,
                        std::chrono::floor<std::chrono::milliseconds>(first.replay_until)
                            .time_since_epoch()
                            .count(),
                        judged_ms);
        // Copies in the same millisecond and each one after, up to past the edge.
        for (std::int64_t copy_ms = first_ms; copy_ms <= edge + 1; ++copy_ms) {
            auto copy = classify(infisical_delivery(body, sent_ms), key, copy_ms);
            INFO("first at edge" << first_ms - edge << " ms, copy at edge" << copy_ms - edge);
            const bool accepted_again = copy.what == infisical_verdict::kind::change &&
                                        !memory.seen(copy.replay_key, copy_ms);
            CHECK_FALSE(accepted_again);
        }
    }
    // Exactly `window` old: refused.
    CHECK(classify(infisical_delivery(body, sent_ms), key, edge).refusal_code == "stale_timestamp");
    CHECK(classify(infisical_delivery(body, sent_ms), key, edge - 1).what ==
          infisical_verdict::kind::change);
}

TEST_CASE("Infisical answers: duplicate, and invalid UTF-8 in the event escaped", "[intake]") {
    CHECK(
        infisical_processed("secrets.modified", infisical_action::duplicate).body ==
        R"({"success":true,"message":"Webhook already processed","event":"secrets.modified","action":"duplicate"})");
    const std::string body = R"({"event":"secrets.)" + std::string("\xff\xfe") +
                             R"(","timestamp":)" + std::to_string(sent_ms) + "}";
    auto v = classify(infisical_delivery(body, sent_ms));
    REQUIRE(v.what == infisical_verdict::kind::ignored);
    CHECK(infisical_answer(v).body ==
          R"({"success":true,"message":"Webhook ignored","event":"secrets.\\xff\\xfe","action":"ignored"})");
}

}  // namespace infisical_intake_test
