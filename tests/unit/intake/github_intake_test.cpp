#include <rapidjson/document.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>

#include "http/answer.hpp"
#include "webhooks/webhook_answers.hpp"
#include "intake/github_intake.hpp"

namespace github_intake_test {

using namespace agent;

namespace {

std::string fixture(const std::string& relative) {
    std::ifstream in(std::string(DA_FIXTURES_DIR) + "/github/" + relative, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// application/x-www-form-urlencoded as Python's quote_plus writes it (as the fixtures do).
std::string form_body(std::string_view json) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out = "payload=";
    for (unsigned char c : json) {
        if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            out += {'%', digits[c >> 4], digits[c & 15]};
        }
    }
    return out;
}

http_request delivery(std::string event, std::string body, std::string content_type,
                      std::vector<std::pair<std::string, std::string>> extra = {}) {
    http_request r;
    r.method = "POST";
    r.target = "/webhooks/github";
    r.headers = {{"Content-Type", std::move(content_type)},
                 {"X-GitHub-Event", std::move(event)},
                 {"X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"},
                 {"User-Agent", "GitHub-Hookshot/044aadd"}};
    for (auto& h : extra) {
        r.headers.push_back(std::move(h));
    }
    r.body = std::move(body);
    return r;
}

http_request signed_delivery(const std::string& event, const std::string& body,
                             const std::string& content_type, const std::string& secret) {
    return delivery(event, body, content_type,
                    {{"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex(secret, body)},
                     {"X-Hub-Signature", "sha1=" + hmac_sha1_hex(secret, body)}});
}

secret_source secrets(std::map<std::string, std::string> values) {
    return secret_source{[values](std::string_view name) -> std::optional<configured_secret> {
        auto it = values.find(std::string(name));
        if (it == values.end()) {
            return std::nullopt;
        }
        return make_configured_secret(it->second, it->first);
    }};
}

app_spec app(std::string name, std::string repository, std::string secret_env = "WEBHOOK_SECRET",
             bool allow_sha1 = false) {
    app_spec a;
    a.name = std::move(name);
    a.container = a.name;
    github_trigger g;
    g.repository = std::move(repository);
    g.branches = {"main", "master"};
    g.secret_env = std::move(secret_env);
    g.allow_sha1 = allow_sha1;
    a.github = g;
    return a;
}

manifest apps(std::vector<app_spec> list) {
    manifest m;
    m.apps = std::move(list);
    return m;
}

const std::string secret = "dev-fixture-secret";
const manifest hello_world = apps({app("hello", "codertocat/hello-world")});

github_verdict classify(const http_request& r, const manifest& m = hello_world,
                        const secret_source& s = secrets({{"WEBHOOK_SECRET", secret}}),
                        bool allow_unsigned = false) {
    return classify_github_delivery(delivery_view{r.headers, r.body}, m, s,
                                    github_intake_options{allow_unsigned});
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("every vector in signature-vectors.json verifies, as JSON and as form", "[intake]") {
    const std::string text = fixture("signature-vectors.json");
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    REQUIRE(doc.IsObject());

    const auto& docs = doc["github_docs_test_vector"];
    const std::string docs_payload = docs["payload"].GetString();
    auto r = delivery("push", docs_payload, "application/json",
                      {{"X-Hub-Signature-256", docs["X-Hub-Signature-256"].GetString()}});
    auto v = classify(r, hello_world, secrets({{"WEBHOOK_SECRET", docs["secret"].GetString()}}));
    // Verified, then refused only because "Hello, World!" is not JSON.
    CHECK(v.signature_verified);
    CHECK(v.refusal_code == "bad_json");

    int checked = 0;
    for (const auto& f : doc["fixtures"].GetArray()) {
        const std::string file = f["file"].GetString();
        const std::string event = contains(file, "/ping/") ? "ping" : "push";
        const auto s = secrets({{"WEBHOOK_SECRET", f["secret"].GetString()}});
        const manifest sha1_ok =
            apps({app("hello", "codertocat/hello-world", "WEBHOOK_SECRET", true),
                  app("sample", "binkkatal/sample_app", "WEBHOOK_SECRET", true)});
        for (const char* kind : {"json_delivery", "form_delivery"}) {
            INFO(file << " " << kind);
            const auto& d = f[kind];
            std::string body = d["body"].GetString();
            if (body == "<exact bytes of the file>") {
                body = fixture(file);
                CHECK(sha256_hex(body) == d["body_sha256"].GetString());
            }
            auto with256 = delivery(event, body, d["content_type"].GetString(),
                                    {{"X-Hub-Signature-256", d["X-Hub-Signature-256"].GetString()},
                                     {"X-Hub-Signature", d["X-Hub-Signature"].GetString()}});
            auto v256 = classify(with256, hello_world, s);
            CHECK(v256.signature_verified);
            CHECK(v256.what != github_verdict::kind::refused);
            CHECK(v256.verified_secret_envs == std::vector<std::string>{"WEBHOOK_SECRET"});

            auto only1 = delivery(event, body, d["content_type"].GetString(),
                                  {{"X-Hub-Signature", d["X-Hub-Signature"].GetString()}});
            auto v1 = classify(only1, sha1_ok, s);
            CHECK(v1.signature_verified);
            CHECK(v1.what != github_verdict::kind::refused);
            ++checked;
        }
    }
    CHECK(checked == 4);
}

TEST_CASE("every fixture payload is classified alike as JSON and as form", "[intake]") {
    struct expectation {
        std::string file, event;
        github_verdict::kind what;
        std::string reason, branch, tag, commit;
        bool created;
    };
    const std::vector<expectation> cases = {
        {"go-playground-webhooks/push.json", "push", github_verdict::kind::push, "accepted",
         "master", "", "fd489864e7642b48eaad6e3f155c10e46810ec72", false},
        {"octokit/api.github.com/push/with-no-username-committer.payload.json", "push",
         github_verdict::kind::push, "accepted", "master", "",
         "6113728f27ae82c7b1a177c8d03f9e96e0adf246", true},
        {"octokit/api.github.com/push/with-organization.payload.json", "push",
         github_verdict::kind::ignored, "ignored: ref deleted", "", "simple-tag", "", false},
        {"octokit/api.github.com/push/with-installation.payload.json", "push",
         github_verdict::kind::ignored, "ignored: ref deleted", "", "simple-tag", "", false},
        {"octokit/api.github.com/ping/with-organization.payload.json", "ping",
         github_verdict::kind::ping, "pong: hook 109948940", "", "", "", false},
    };
    const manifest m =
        apps({app("hello", "Codertocat/Hello-World"), app("sample", "binkkatal/sample_app")});
    for (const auto& c : cases) {
        const std::string json = fixture(c.file);
        for (const bool form : {false, true}) {
            INFO(c.file << (form ? " (form)" : " (json)"));
            const std::string body = form ? form_body(json) : json;
            auto v = classify(signed_delivery(c.event, body,
                                              form ? "application/x-www-form-urlencoded"
                                                   : "application/json; charset=utf-8",
                                              secret),
                              m);
            CHECK(v.what == c.what);
            CHECK(v.reason == c.reason);
            CHECK(v.refusal_code.empty());
            CHECK(v.delivery_id == "72d3162e-cc78-11e3-81ab-4c9367dc0958");
            if (c.event == "push") {
                REQUIRE(v.push);
                CHECK(v.push->branch == c.branch);
                CHECK(v.push->tag == c.tag);
                CHECK(v.push->commit == c.commit);
                CHECK(v.push->created == c.created);
                CHECK(v.push->deleted == (c.what == github_verdict::kind::ignored));
                CHECK(v.push->delivery_id == v.delivery_id);
                CHECK_FALSE(v.push->pusher.empty());
                CHECK(v.authorized_apps.size() == 1);
            }
            CHECK(status_of(v.result) == (c.what == github_verdict::kind::push ? 202u : 200u));
        }
    }
}

TEST_CASE("push fields: annotated tag deploys head_commit, forced push, ref kinds", "[intake]") {
    const std::string tag_object = "1111111111111111111111111111111111111111";
    const std::string commit = "2222222222222222222222222222222222222222";
    const std::string body =
        R"({"ref":"refs/tags/v1.2.0","before":"0000000000000000000000000000000000000000",)"
        R"("after":")" +
        tag_object +
        R"(","created":true,"deleted":false,"forced":false,)"
        R"("head_commit":{"id":")" +
        commit +
        R"("},"repository":{"full_name":"Codertocat/Hello-World"},)"
        R"("pusher":{"name":"octocat"}})";
    auto v = classify(signed_delivery("push", body, "application/json", secret));
    REQUIRE(v.push);
    CHECK(v.what == github_verdict::kind::push);
    CHECK(v.push->tag == "v1.2.0");
    CHECK(v.push->branch.empty());
    CHECK(v.push->after == tag_object);
    CHECK(v.push->commit == commit);
    CHECK(v.push->created);
    CHECK(v.push->pusher == "octocat");
    CHECK(v.push->repository == "Codertocat/Hello-World");

    const std::string forced =
        R"({"ref":"refs/heads/feature/x","before":")" + commit + R"(","after":")" + tag_object +
        R"(","forced":true,"head_commit":null,"repository":{"full_name":"codertocat/hello-world"}})";
    auto f = classify(signed_delivery("push", forced, "application/json", secret));
    REQUIRE(f.push);
    CHECK(f.push->forced);
    CHECK(f.push->branch == "feature/x");
    CHECK(f.push->commit == tag_object);

    const std::string notes = R"({"ref":"refs/notes/commits","after":")" + commit +
                              R"(","repository":{"full_name":"codertocat/hello-world"}})";
    auto n = classify(signed_delivery("push", notes, "application/json", secret));
    CHECK(n.what == github_verdict::kind::ignored);
    CHECK(n.reason == "ignored: not a branch or tag");

    const std::string no_ref = R"({"after":")" + commit + R"(","repository":{"full_name":"a/b"}})";
    auto bad = classify(signed_delivery("push", no_ref, "application/json", secret));
    CHECK(status_of(bad.result) == 400);
    CHECK(bad.refusal_code == "bad_payload");
}

TEST_CASE("other events are answered 200 ignored with their name", "[intake]") {
    for (const char* event : {"pull_request", "release", "workflow_run", "issues", "create"}) {
        auto v =
            classify(signed_delivery(event, R"({"action":"opened"})", "application/json", secret));
        CHECK(status_of(v.result) == 200);
        CHECK(v.what == github_verdict::kind::ignored);
        CHECK(v.reason == std::string("ignored: event ") + event);
        CHECK(github_answer(v).body ==
              std::string(R"({"success":true,"message":"ignored: event )") + event +
                  R"(","event":")" + event +
                  R"(","delivery":"72d3162e-cc78-11e3-81ab-4c9367dc0958"})");
    }
}

TEST_CASE("header names are case-insensitive", "[intake]") {
    const std::string body = fixture("go-playground-webhooks/push.json");
    http_request r;
    r.headers = {{"content-type", "Application/JSON"},
                 {"x-github-event", "push"},
                 {"x-hub-signature-256", "sha256=" + hmac_sha256_hex(secret, body)}};
    r.body = body;
    auto v = classify(r, apps({app("sample", "BinkKatal/Sample_App")}));
    CHECK(v.what == github_verdict::kind::push);
    CHECK(v.authorized_apps == std::vector<std::string>{"sample"});
}

TEST_CASE("refusal: missing signature is 401 and names the headers seen", "[intake]") {
    auto v =
        classify(delivery("push", fixture("go-playground-webhooks/push.json"), "application/json"));
    CHECK(status_of(v.result) == 401);
    CHECK(v.refusal_code == "missing_signature");
    CHECK(v.reason == "missing signature");
    CHECK(contains(v.diagnosis, "no X-Hub-Signature-256 header"));
    CHECK(contains(v.diagnosis, "User-Agent"));
    CHECK(contains(v.diagnosis, "content-type application/json"));
    CHECK(github_answer(v).body == R"({"success":false,"error":"missing signature"})");
}

TEST_CASE("refusal: malformed signature header", "[intake]") {
    const std::string body = fixture("go-playground-webhooks/push.json");
    auto v = classify(
        delivery("push", body, "application/json", {{"X-Hub-Signature-256", "sha256=not-hex"}}));
    CHECK(status_of(v.result) == 401);
    CHECK(v.refusal_code == "malformed_signature");
    CHECK(v.reason == "invalid signature");
    CHECK(
        contains(v.diagnosis, "X-Hub-Signature-256 malformed: the digest has a non-hex character"));

    auto bare = classify(delivery("push", body, "application/json",
                                  {{"X-Hub-Signature-256", hmac_sha256_hex(secret, body)}}));
    CHECK(bare.refusal_code == "malformed_signature");
    CHECK(contains(bare.diagnosis, "no 'sha256=' prefix"));
}

TEST_CASE("refusal: wrong secret, with a fingerprint and never the secret or the MAC", "[intake]") {
    const std::string body = fixture("go-playground-webhooks/push.json");
    const std::string sent = "sha256=" + hmac_sha256_hex("what GitHub has", body);
    auto v = classify(delivery("push", body, "application/json", {{"X-Hub-Signature-256", sent}}));
    CHECK(status_of(v.result) == 401);
    CHECK(v.refusal_code == "bad_signature");
    CHECK(v.reason == "invalid signature");
    CHECK(contains(v.diagnosis, "X-Hub-Signature-256 (HMAC-SHA256)"));
    CHECK(contains(v.diagnosis, "WEBHOOK_SECRET (fingerprint 1922099a, 18 bytes"));
    CHECK(contains(v.diagnosis, "body " + std::to_string(body.size()) + " bytes"));
    CHECK(contains(v.diagnosis, "body is pretty-printed JSON"));
    CHECK_FALSE(contains(v.diagnosis, secret));
    CHECK_FALSE(contains(v.diagnosis, hmac_sha256_hex(secret, body)));
    CHECK_FALSE(contains(v.diagnosis, sent.substr(7)));
}

TEST_CASE("a signed body with a NUL byte is malformed JSON, wherever the byte is", "[intake]") {
    const std::string body = fixture("go-playground-webhooks/push.json");
    const std::string after = body + std::string(1, '\0') + "trailing";
    auto v = classify(signed_delivery("push", after, "application/json", secret));
    CHECK(status_of(v.result) == 400);
    CHECK(v.refusal_code == "bad_json");
    CHECK(contains(v.reason, "offset " + std::to_string(body.size())));

    const std::string inside = R"({"ref":"refs/heads/master",)" + std::string(1, '\0') + "}";
    auto w = classify(signed_delivery("push", inside, "application/json", secret));
    CHECK(status_of(w.result) == 400);
    CHECK(w.refusal_code == "bad_json");
}

TEST_CASE("refusal beyond the flood gate: the same verdict, the short diagnosis", "[intake]") {
    const std::string body = fixture("go-playground-webhooks/push.json");
    const std::string sent = "sha256=" + hmac_sha256_hex("what GitHub has", body);
    github_intake_options quiet;
    quiet.explain_refusals = false;
    const http_request r =
        delivery("push", body, "application/json", {{"X-Hub-Signature-256", sent}});
    auto v = classify_github_delivery(delivery_view{r.headers, r.body}, hello_world,
                                      secrets({{"WEBHOOK_SECRET", secret}}), quiet);
    CHECK(status_of(v.result) == 401);
    CHECK(v.refusal_code == "bad_signature");
    CHECK(contains(v.diagnosis, "WEBHOOK_SECRET (fingerprint 1922099a, 18 bytes"));
    CHECK_FALSE(contains(v.diagnosis, "pretty-printed"));
}

TEST_CASE("secret with a trailing newline: stripped, and the diagnosis says so", "[intake]") {
    const std::string body = fixture("go-playground-webhooks/push.json");
    // The env var has a newline (echo >> .env); GitHub's secret does not: verified.
    auto ok = classify(signed_delivery("push", body, "application/json", "s3cret"), hello_world,
                       secrets({{"WEBHOOK_SECRET", "s3cret\n"}}));
    CHECK(ok.signature_verified);

    // GitHub's secret really ends with a newline: refused, and the log says what would match.
    auto bad = classify(signed_delivery("push", body, "application/json", "s3cret\n"), hello_world,
                        secrets({{"WEBHOOK_SECRET", "s3cret\n"}}));
    CHECK(bad.refusal_code == "bad_signature");
    CHECK(contains(bad.diagnosis, "one trailing newline removed"));
    CHECK(contains(bad.diagnosis, "it would match with the trailing newline"));

    auto spaced = classify(signed_delivery("push", body, "application/json", "s3cret"), hello_world,
                           secrets({{"WEBHOOK_SECRET", "s3cret  "}}));
    CHECK(spaced.refusal_code == "bad_signature");
    CHECK(contains(spaced.diagnosis, "trailing whitespace"));
    CHECK(contains(spaced.diagnosis, "it would match with the whitespace around"));
}

TEST_CASE("sha1-only deliveries are refused unless the app allows sha1", "[intake]") {
    const std::string body = fixture("go-playground-webhooks/push.json");
    auto r = delivery("push", body, "application/json",
                      {{"X-Hub-Signature", "sha1=" + hmac_sha1_hex(secret, body)}});
    auto refused = classify(r, apps({app("sample", "binkkatal/sample_app")}));
    CHECK(status_of(refused.result) == 401);
    CHECK(refused.refusal_code == "sha1_not_allowed");
    CHECK(contains(refused.diagnosis, "allow_sha1"));

    auto allowed = classify(r, apps({app("sample", "binkkatal/sample_app", "WEBHOOK_SECRET", true),
                                     app("other", "binkkatal/sample_app")}));
    CHECK(allowed.what == github_verdict::kind::push);
    CHECK(allowed.authorized_apps == std::vector<std::string>{"sample"});
}

TEST_CASE("per-app secrets: only apps whose secret verified are authorized", "[intake]") {
    const std::string body = fixture("go-playground-webhooks/push.json");
    const manifest m =
        apps({app("web", "binkkatal/sample_app", "WEB_SECRET"), app("api", "binkkatal/sample_app"),
              app("elsewhere", "someone/else", "ELSE_SECRET")});
    const auto s = secrets(
        {{"WEBHOOK_SECRET", "global"}, {"WEB_SECRET", "web-only"}, {"ELSE_SECRET", "web-only"}});
    auto web = classify(signed_delivery("push", body, "application/json", "web-only"), m, s);
    CHECK(web.verified_secret_envs == std::vector<std::string>{"WEB_SECRET"});
    CHECK(web.authorized_apps == std::vector<std::string>{"web"});

    auto global = classify(signed_delivery("push", body, "application/json", "global"), m, s);
    CHECK(global.verified_secret_envs == std::vector<std::string>{"WEBHOOK_SECRET"});
    CHECK(global.authorized_apps == std::vector<std::string>{"api"});

    // Only WEB_SECRET is set and it is the app's: still verifiable without WEBHOOK_SECRET.
    auto only_app = classify(signed_delivery("push", body, "application/json", "web-only"), m,
                             secrets({{"WEB_SECRET", "web-only"}}));
    CHECK(only_app.authorized_apps == std::vector<std::string>{"web"});
}

TEST_CASE("no secret configured: 503, unless ALLOW_UNSIGNED_WEBHOOKS", "[intake]") {
    const std::string body = fixture("go-playground-webhooks/push.json");
    auto r = signed_delivery("push", body, "application/json", secret);
    auto v = classify(r, hello_world, secrets({}));
    CHECK(status_of(v.result) == 503);
    CHECK(v.refusal_code == "not_configured");
    CHECK(v.reason == "not configured");
    CHECK(contains(v.diagnosis, "WEBHOOK_SECRET unset or empty"));

    auto unsigned_ok = classify(delivery("push", body, "application/json"),
                                apps({app("sample", "binkkatal/sample_app")}), secrets({}), true);
    CHECK(unsigned_ok.what == github_verdict::kind::push);
    CHECK_FALSE(unsigned_ok.signature_verified);
    CHECK(unsigned_ok.authorized_apps == std::vector<std::string>{"sample"});
    CHECK(contains(unsigned_ok.diagnosis, "UNSIGNED"));

    // allow_unsigned does not excuse a wrong signature.
    auto wrong = delivery("push", body, "application/json",
                          {{"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex("x", body)}});
    CHECK(status_of(classify(wrong, hello_world, secrets({{"WEBHOOK_SECRET", secret}}), true).result) ==
          401);
}

TEST_CASE("malformed JSON is 400 with the parser's offset, but only once verified", "[intake]") {
    const std::string body = R"({"ref": "refs/heads/main", oops})";
    auto v = classify(signed_delivery("push", body, "application/json", secret));
    CHECK(status_of(v.result) == 400);
    CHECK(v.refusal_code == "bad_json");
    CHECK(contains(v.reason, "malformed JSON at offset 27"));

    auto form = classify(
        signed_delivery("push", form_body(body), "application/x-www-form-urlencoded", secret));
    CHECK(form.refusal_code == "bad_json");
    CHECK(contains(form.diagnosis, "of the decoded payload field"));

    auto unsigned_junk =
        classify(delivery("push", body, "application/json",
                          {{"X-Hub-Signature-256", "sha256=" + hmac_sha256_hex("x", body)}}));
    CHECK(status_of(unsigned_junk.result) == 401);

    auto not_object = classify(signed_delivery("push", "[1,2]", "application/json", secret));
    CHECK(not_object.refusal_code == "bad_json");

    auto no_payload =
        classify(signed_delivery("push", "other=1", "application/x-www-form-urlencoded", secret));
    CHECK(no_payload.refusal_code == "missing_payload");
}

TEST_CASE("content type and event header are checked", "[intake]") {
    auto text = classify(signed_delivery("push", "{}", "text/plain", secret));
    CHECK(status_of(text.result) == 400);
    CHECK(text.refusal_code == "unsupported_content_type");

    http_request no_event;
    no_event.headers = {{"Content-Type", "application/json"}};
    no_event.body = "{}";
    CHECK(classify(no_event).refusal_code == "missing_event");

    CHECK(classify(signed_delivery("Push;rm", "{}", "application/json", secret)).refusal_code ==
          "malformed_event");
}

TEST_CASE("ping names the hook id, from the payload or the header", "[intake]") {
    auto v = classify(signed_delivery("ping", R"({"zen":"Keep it logically awesome."})",
                                      "application/json", secret));
    CHECK(v.reason == "pong");
    auto r = signed_delivery("ping", R"({"zen":"z"})", "application/json", secret);
    r.headers.emplace_back("X-GitHub-Hook-ID", "42");
    auto h = classify(r);
    CHECK(h.what == github_verdict::kind::ping);
    CHECK(h.reason == "pong: hook 42");
    CHECK(github_answer(h).status == 200);
}

TEST_CASE("deeply nested JSON is parsed without recursion", "[intake]") {
    const std::string deep = R"({"a":)" + std::string(200000, '[') + std::string(200000, ']') + "}";
    auto v = classify(signed_delivery("workflow_run", deep, "application/json", secret));
    CHECK(v.what == github_verdict::kind::ignored);
    auto open =
        classify(signed_delivery("push", std::string(200000, '{'), "application/json", secret));
    CHECK(open.refusal_code == "bad_json");
}

TEST_CASE("a verified push no app may take says which secret the apps expect", "[intake]") {
    const std::string body = fixture("go-playground-webhooks/push.json");
    const manifest m = apps({app("web", "binkkatal/sample_app", "WEB_SECRET")});
    auto v = classify(signed_delivery("push", body, "application/json", secret), m,
                      secrets({{"WEBHOOK_SECRET", secret}}));
    CHECK(v.what == github_verdict::kind::push);
    CHECK(v.authorized_apps.empty());
    CHECK(contains(v.diagnosis, "no app is authorized (web expects WEB_SECRET)"));
}

TEST_CASE("a push's replay key: repository, ref, before and after, not the delivery id",
          "[intake]") {
    const std::string a = "1111111111111111111111111111111111111111";
    const std::string b = "2222222222222222222222222222222222222222";
    auto push_body = [](const std::string& before, const std::string& after) {
        return R"({"ref":"refs/heads/main","before":")" + before + R"(","after":")" + after +
               R"(","repository":{"full_name":"octo/hello-world"}})";
    };
    auto key_of = [&](const std::string& body, const std::string& delivery_id) {
        http_request r = signed_delivery("push", body, "application/json", secret);
        for (auto& [name, value] : r.headers) {
            if (name == "X-GitHub-Delivery") {
                value = delivery_id;
            }
        }
        auto v = classify(r);
        REQUIRE(v.push);
        return push_replay_key(*v.push);
    };
    const std::string first = key_of(push_body(a, b), "delivery-1");
    CHECK(first.starts_with("github:"));
    // The same push under a new X-GitHub-Delivery (the header is not signed): the same key.
    CHECK(key_of(push_body(a, b), "delivery-2") == first);
    // A force-push back to the older commit has another `before`: a new push.
    CHECK(key_of(push_body(b, a), "delivery-3") != first);
    github_push other_ref;
    other_ref.repository = "octo/hello-world";
    other_ref.ref = "refs/heads/dev";
    other_ref.before = a;
    other_ref.after = b;
    CHECK(push_replay_key(other_ref) != first);
}

TEST_CASE("ill-formed UTF-8 in a verified ref is escaped in the answer and the diagnosis",
          "[intake]") {
    const std::string body = R"({"ref":"refs/heads/)" + std::string("\xff\xfe") +
                             R"(x","after":"1111111111111111111111111111111111111111",)"
                             R"("repository":{"full_name":"octo/hello-world"}})";
    auto v = classify(signed_delivery("push", body, "application/json", secret));
    REQUIRE(v.push);
    CHECK(v.diagnosis.find("\xff") == std::string::npos);
    CHECK(v.diagnosis.find("refs/heads/\\xff\\xfex") != std::string::npos);
    const auto answer = github_message("ignored: no app deploys " + v.push->ref, "push", "d-1");
    CHECK(answer.body.find("\xff") == std::string::npos);
    CHECK(answer.body.find(R"(refs/heads/\\xff\\xfex)") != std::string::npos);
}

}  // namespace github_intake_test
