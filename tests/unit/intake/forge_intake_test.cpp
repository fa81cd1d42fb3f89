// Gitea, Forgejo and GitLab deliveries, with the real payloads and header sets of
// tests/fixtures/{gitea,forgejo,gitlab} (SOURCES.md says where each came from).
#include <rapidjson/document.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>

#include "http/answer.hpp"
#include "accept/decision.hpp"
#include "intake/forge_intake.hpp"
#include "webhooks/webhook_answers.hpp"

namespace forge_intake_test {

using namespace agent;

namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

std::string read_fixture(const std::string& relative) {
    std::ifstream in(std::string(DA_FIXTURES_DIR) + "/" + relative, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

rapidjson::Document json_fixture(const std::string& relative) {
    const std::string text = read_fixture(relative);
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    REQUIRE(doc.IsObject());
    return doc;
}

secret_source forge_secrets(std::map<std::string, std::string> values) {
    return secret_source{[values](std::string_view name) -> std::optional<configured_secret> {
        auto it = values.find(std::string(name));
        if (it == values.end()) {
            return std::nullopt;
        }
        return make_configured_secret(it->second, it->first);
    }};
}

app_spec forge_app(std::string name, std::string forge, std::string repository,
                   std::string secret_env) {
    app_spec a;
    a.name = std::move(name);
    a.container = a.name;
    github_trigger t;
    t.repository = std::move(repository);
    t.branches = {"main", "master"};
    t.tags = {"v*"};
    t.secret_env = std::move(secret_env);
    (forge == "gitea" ? a.gitea : forge == "gitlab" ? a.gitlab : a.github) = t;
    return a;
}

manifest forge_manifest() {
    manifest m;
    m.apps = {forge_app("site", "gitea", "example/example", "GITEA_WEBHOOK_SECRET"),
              forge_app("diaspora", "gitlab", "mike/diaspora", "GITLAB_WEBHOOK_TOKEN"),
              forge_app("jsmith", "gitlab", "jsmith/example", "GITLAB_WEBHOOK_TOKEN")};
    return m;
}

const std::string fixture_secret = "dev-fixture-secret";

header_list headers_of(const rapidjson::Value& object, std::string content_type) {
    header_list h{{"Content-Type", std::move(content_type)}};
    for (const auto& m : object.GetObject()) {
        h.emplace_back(m.name.GetString(), m.value.GetString());
    }
    return h;
}

github_verdict classify_any(const header_list& headers, const std::string& body,
                            const secret_source& s, bool allow_unsigned = false) {
    return classify_forge_delivery(delivery_view{headers, body}, forge_manifest(), s,
                                   github_intake_options{allow_unsigned});
}

bool has_text(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// Every Gitea or Forgejo vector, as JSON and as form: it verifies and is classified.
void check_gitea_vectors(const std::string& vectors, const std::string& folder,
                         const std::string& source) {
    const auto doc = json_fixture(vectors);
    const auto s = forge_secrets({{"GITEA_WEBHOOK_SECRET", fixture_secret}});
    int checked = 0;
    for (const auto& f : doc["fixtures"].GetArray()) {
        const std::string file = f["file"].GetString();
        for (const char* kind : {"json_delivery", "form_delivery"}) {
            if (!f.HasMember(kind)) {
                continue;
            }
            INFO(file << " " << kind);
            const auto& d = f[kind];
            std::string body = d["body"].GetString();
            if (body == "<exact bytes of the file>") {
                body = read_fixture(folder + "/" + file);
                if (f.HasMember("body_sha256")) {
                    CHECK(sha256_hex(body) == f["body_sha256"].GetString());
                }
            }
            const header_list headers = headers_of(d["headers"], d["Content-Type"].GetString());
            CHECK(forge_of(delivery_view{headers, body}) ==
                  (source == "forgejo" ? forge_kind::forgejo : forge_kind::gitea));
            const auto v = classify_any(headers, body, s);
            CHECK(v.source == source);
            ++checked;
            if (std::string(f["secret"].GetString()).empty()) {
                // A webhook without a secret: the headers are sent empty; never a match.
                CHECK(v.refusal_code == "missing_signature");
                continue;
            }
            CHECK(v.signature_verified);
            CHECK(v.delivery_id == "8d6f0f5c-3c1e-4b8f-9a51-0d2b7c9e4a10");
            if (has_text(file, "create-event") || has_text(file, "delete-event")) {
                CHECK(v.what == github_verdict::kind::ignored);
                CHECK(has_text(v.reason, "ignored: event "));
            } else if (has_text(file, "push-tag-deleted")) {
                CHECK(v.what == github_verdict::kind::ignored);
                CHECK(v.reason == "ignored: ref deleted");
            } else {
                REQUIRE(v.what == github_verdict::kind::push);
                REQUIRE(v.push);
                CHECK(v.push->forge == "gitea");
                CHECK(v.push->repository == "example/example");
                CHECK(v.push->commit == "67b56589a45103f891bdee7c0546e5d40bc02001");
                CHECK(v.authorized_apps == std::vector<std::string>{"site"});
            }
        }
    }
    CHECK(checked >= 10);
}

}  // namespace

TEST_CASE("every Gitea vector verifies and classifies, as JSON and as form", "[intake][forge]") {
    check_gitea_vectors("gitea/signature-vectors.json", "gitea", "gitea");
}

TEST_CASE("every Forgejo vector verifies under the Gitea scheme, labelled forgejo",
          "[intake][forge]") {
    check_gitea_vectors("forgejo/signature-vectors.json", "forgejo", "forgejo");
}

TEST_CASE("a Gitea push: a changed byte, an empty header, no secret, a wrong secret",
          "[intake][forge]") {
    const auto doc = json_fixture("gitea/signature-vectors.json");
    const auto& d = doc["fixtures"][0]["json_delivery"];
    const header_list headers = headers_of(d["headers"], "application/json");
    std::string body = read_fixture("gitea/go-playground-webhooks/push-event.json");
    const auto s = forge_secrets({{"GITEA_WEBHOOK_SECRET", fixture_secret}});

    const auto good = classify_any(headers, body, s);
    REQUIRE(good.push);
    CHECK(good.push->created);
    CHECK_FALSE(good.push->files_complete);  // a new branch: its commit list is history

    std::string changed = body;
    changed[changed.find("master")] = 'M';
    auto v = classify_any(headers, changed, s);
    CHECK(v.refusal_code == "bad_signature");
    CHECK(status_of(v.result) == 401);
    CHECK(has_text(v.diagnosis, "X-Gitea-Signature (HMAC-SHA256) over the raw body matched no "
                                "configured secret: GITEA_WEBHOOK_SECRET (fingerprint"));
    CHECK_FALSE(has_text(v.diagnosis, d["headers"]["X-Gitea-Signature"].GetString()));

    header_list empty = headers;
    for (auto& [name, value] : empty) {
        if (name.find("Signature") != std::string::npos) {
            value = name == "X-Hub-Signature-256" ? "sha256=" : "";
        }
    }
    v = classify_any(empty, body, s);
    CHECK(v.refusal_code == "missing_signature");
    CHECK(has_text(v.diagnosis, "send it empty when the webhook has no secret"));

    v = classify_any(headers, body, forge_secrets({}));
    CHECK(v.refusal_code == "not_configured");
    CHECK(status_of(v.result) == 503);
    CHECK(has_text(v.diagnosis, "GITEA_WEBHOOK_SECRET unset"));

    // Gitea's X-Hub-Signature-256 is made with the Gitea secret: the GitHub secret is not asked.
    v = classify_any(headers, body, forge_secrets({{"WEBHOOK_SECRET", fixture_secret}}));
    CHECK(v.refusal_code == "not_configured");

    v = classify_any(headers, body, forge_secrets({{"GITEA_WEBHOOK_SECRET", "another"}}));
    CHECK(v.refusal_code == "bad_signature");
}

TEST_CASE("GitHub's endpoint refuses a Gitea, Forgejo or GitLab delivery", "[intake][forge]") {
    const auto doc = json_fixture("forgejo/signature-vectors.json");
    const header_list headers =
        headers_of(doc["fixtures"][0]["json_delivery"]["headers"], "application/json");
    const std::string body = read_fixture("gitea/go-playground-webhooks/push-event.json");
    manifest m = forge_manifest();
    m.apps.push_back(forge_app("gh", "github", "example/example", "WEBHOOK_SECRET"));
    const auto v = classify_github_delivery(
        delivery_view{headers, body}, m, forge_secrets({{"WEBHOOK_SECRET", fixture_secret}}),
        github_intake_options{});
    CHECK(v.refusal_code == "wrong_forge");
    CHECK(status_of(v.result) == 400);
    CHECK(has_text(v.diagnosis, "/webhooks/gitea"));
}

TEST_CASE("every GitLab delivery verifies by its token and classifies", "[intake][forge]") {
    const auto doc = json_fixture("gitlab/deliveries.json");
    const auto s = forge_secrets({{"GITLAB_WEBHOOK_TOKEN", doc["secret_token"].GetString()}});
    int checked = 0;
    for (const auto& d : doc["deliveries"].GetArray()) {
        const std::string file = d["file"].GetString();
        INFO(file);
        const std::string body = read_fixture("gitlab/" + file);
        CHECK(sha256_hex(body) == d["body_sha256"].GetString());
        header_list headers = headers_of(d["headers"], "");
        headers.erase(headers.begin());  // the set has its own Content-Type
        CHECK(forge_of(delivery_view{headers, body}) == forge_kind::gitlab);
        const auto v = classify_any(headers, body, s);
        CHECK(v.source == "gitlab");
        CHECK(v.signature_verified);
        CHECK(v.delivery_id == d["headers"]["Idempotency-Key"].GetString());
        if (has_text(file, "deleted")) {
            CHECK(v.what == github_verdict::kind::ignored);
            CHECK(v.reason == "ignored: ref deleted");
        } else if (has_text(file, "tag-event")) {
            REQUIRE(v.push);
            CHECK(v.push->tag == "v1.0.0");
            CHECK(v.push->repository == "jsmith/example");
            CHECK(v.push->commit == "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7");
            CHECK(v.authorized_apps == std::vector<std::string>{"jsmith"});
        } else {
            REQUIRE(v.push);
            CHECK(v.push->forge == "gitlab");
            CHECK(v.push->branch == "master");
            CHECK(v.push->commit == "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
            CHECK(v.push->pusher.empty());  // the 2018 example has no user_username
            // 2 of total_commits_count 4 carried: the payload cannot tell every file.
            CHECK_FALSE(v.push->files_complete);
            CHECK(v.authorized_apps == std::vector<std::string>{"diaspora"});
        }
        ++checked;
    }
    CHECK(checked == 3);
}

TEST_CASE("a GitLab token that differs, is missing, or has no secret to compare with",
          "[intake][forge]") {
    const auto doc = json_fixture("gitlab/deliveries.json");
    const auto& d = doc["deliveries"][0];
    header_list headers = headers_of(d["headers"], "");
    headers.erase(headers.begin());
    const std::string body = read_fixture("gitlab/" + std::string(d["file"].GetString()));
    const auto s = forge_secrets({{"GITLAB_WEBHOOK_TOKEN", "the-real-token"}});

    auto v = classify_any(headers, body, s);
    CHECK(v.refusal_code == "bad_signature");
    CHECK(status_of(v.result) == 401);
    CHECK(has_text(v.diagnosis, "X-Gitlab-Token (18 bytes, fingerprint"));
    CHECK_FALSE(has_text(v.diagnosis, "dev-fixture-secret"));
    CHECK_FALSE(has_text(v.diagnosis, "the-real-token"));
    CHECK_FALSE(has_text(v.reason, "dev-fixture-secret"));

    // A token that differs only in its last byte costs the same (hashed first), and fails.
    v = classify_any(headers, body, forge_secrets({{"GITLAB_WEBHOOK_TOKEN",
                                                    "dev-fixture-secreT"}}));
    CHECK(v.refusal_code == "bad_signature");

    header_list without = headers;
    std::erase_if(without, [](const auto& h) { return h.first == "X-Gitlab-Token"; });
    v = classify_any(without, body, s);
    CHECK(v.refusal_code == "missing_signature");
    CHECK(has_text(v.diagnosis, "no X-Gitlab-Token header"));

    v = classify_any(headers, body, forge_secrets({}));
    CHECK(v.refusal_code == "not_configured");

    header_list form = headers;
    for (auto& [name, value] : form) {
        if (name == "Content-Type") {
            value = "application/x-www-form-urlencoded";
        }
    }
    v = classify_any(form, body, s);
    CHECK(v.refusal_code == "unsupported_content_type");

    header_list other = headers;
    for (auto& [name, value] : other) {
        if (name == "X-Gitlab-Event") {
            value = "Merge Request Hook";
        }
    }
    v = classify_any(other, body, forge_secrets({{"GITLAB_WEBHOOK_TOKEN", fixture_secret}}));
    CHECK(v.what == github_verdict::kind::ignored);
    CHECK(v.reason == "ignored: event Merge Request Hook");
}

TEST_CASE("a forge's own event header decides which forge sent it", "[intake][forge]") {
    const std::string body = "{}";
    const auto forge_for = [&](header_list h) { return forge_of(delivery_view{h, body}); };
    CHECK(forge_for({{"X-GitHub-Event", "push"}}) == forge_kind::github);
    CHECK(forge_for({{"X-GitHub-Event", "push"}, {"X-Gitea-Event", "push"}}) == forge_kind::gitea);
    CHECK(forge_for({{"X-Gitea-Event", "push"}, {"x-forgejo-event", "push"}}) ==
          forge_kind::forgejo);
    CHECK(forge_for({{"X-Gitlab-Event", "Push Hook"}}) == forge_kind::gitlab);
    CHECK(forge_for({}) == forge_kind::github);
}

TEST_CASE("the same push from two forges has two replay keys", "[intake][forge]") {
    github_push push;
    push.repository = "o/r";
    push.ref = "refs/heads/main";
    push.before = std::string(40, 'a');
    push.after = std::string(40, 'b');
    const std::string github_key = push_replay_key(push);
    push.forge = "gitea";
    const std::string gitea_key = push_replay_key(push);
    push.forge = "gitlab";
    CHECK(github_key.starts_with("github:"));
    CHECK(gitea_key.starts_with("gitea:"));
    CHECK(push_replay_key(push).starts_with("gitlab:"));
    CHECK(github_key.substr(7) == gitea_key.substr(6));
}

TEST_CASE("a Gitea push with every commit carried lists its files", "[intake][forge]") {
    // An ordinary push to an existing branch, as Gitea builds it: before set, total_commits.
    const std::string body = R"({"ref":"refs/heads/main","before":")" + std::string(40, '1') +
                             R"(","after":")" + std::string(40, '2') +
                             R"(","total_commits":2,"commits":[{"id":"x","added":["docs/a.md"],)"
                             R"("modified":[],"removed":[]},{"id":"y","added":[],)"
                             R"("modified":["src/main.cpp","docs/a.md"],"removed":["old"]}],)"
                             R"("repository":{"full_name":"example/example"},)"
                             R"("pusher":{"login":"alice"}})";
    const header_list headers{{"Content-Type", "application/json"},
                              {"X-Gitea-Event", "push"},
                              {"X-Gitea-Delivery", "d1"},
                              {"X-Gitea-Signature", hmac_sha256_hex(fixture_secret, body)}};
    const auto v =
        classify_any(headers, body, forge_secrets({{"GITEA_WEBHOOK_SECRET", fixture_secret}}));
    REQUIRE(v.push);
    CHECK(v.push->files_complete);
    CHECK(v.push->files == std::vector<std::string>{"docs/a.md", "src/main.cpp", "old"});
    CHECK(v.push->pusher == "alice");

    // Gitea cut the list (FEED_MAX_COMMIT_NUM): it cannot tell.
    std::string cut = body;
    cut.replace(cut.find("\"total_commits\":2"), 17, "\"total_commits\":9");
    const header_list cut_headers{{"Content-Type", "application/json"},
                                  {"X-Gitea-Event", "push"},
                                  {"X-Gitea-Signature", hmac_sha256_hex(fixture_secret, cut)}};
    const auto w =
        classify_any(cut_headers, cut, forge_secrets({{"GITEA_WEBHOOK_SECRET", fixture_secret}}));
    REQUIRE(w.push);
    CHECK_FALSE(w.push->files_complete);
}

TEST_CASE("unsigned forge deliveries pass only under ALLOW_UNSIGNED_WEBHOOKS", "[intake][forge]") {
    const std::string body = read_fixture("gitlab/go-playground-webhooks/push-event.json");
    const header_list headers{{"Content-Type", "application/json"},
                              {"X-Gitlab-Event", "Push Hook"}};
    auto v = classify_any(headers, body, forge_secrets({}), true);
    CHECK(v.what == github_verdict::kind::push);
    CHECK_FALSE(v.signature_verified);
    CHECK(has_text(v.diagnosis, "UNSIGNED"));
    v = classify_any(headers, body, forge_secrets({}), false);
    CHECK(v.refusal_code == "not_configured");
}

TEST_CASE("a GitLab delivery signed with a signing token (webhook-signature) verifies",
          "[intake][forge]") {
    const auto doc = json_fixture("gitlab/deliveries.json");
    const auto& vec = doc["signing_token_vector"];
    const std::string body = read_fixture("gitlab/" + std::string(vec["file"].GetString()));
    header_list headers{{"Content-Type", "application/json"},
                        {"X-Gitlab-Event", "Push Hook"},
                        {"webhook-id", vec["webhook-id"].GetString()},
                        {"webhook-timestamp", vec["webhook-timestamp"].GetString()},
                        {"webhook-signature", vec["webhook-signature"].GetString()}};
    const auto s = forge_secrets({{"GITLAB_WEBHOOK_TOKEN", vec["signing_token"].GetString()}});
    auto v = classify_any(headers, body, s);
    CHECK(v.signature_verified);
    CHECK(v.what == github_verdict::kind::push);
    CHECK(v.delivery_id == vec["webhook-id"].GetString());

    std::string changed = body;
    changed[changed.find("master")] = 'M';
    v = classify_any(headers, changed, s);
    CHECK(v.refusal_code == "bad_signature");
    CHECK(has_text(v.diagnosis, "webhook-signature (GitLab's signing token) matched no"));

    // A plain secret token is not a signing key.
    v = classify_any(headers, body, forge_secrets({{"GITLAB_WEBHOOK_TOKEN", fixture_secret}}));
    CHECK(v.refusal_code == "bad_signature");
    CHECK(has_text(v.diagnosis, "no configured token is a signing token"));
}

TEST_CASE("a GitHub push's files are read for an app with path filters, and decide",
          "[intake][forge]") {
    const std::string body =
        read_fixture("github/go-playground-webhooks/push.json");  // binkkatal/sample_app
    const header_list headers{{"Content-Type", "application/json"},
                              {"X-GitHub-Event", "push"},
                              {"X-GitHub-Delivery", "g1"},
                              {"X-Hub-Signature-256",
                               "sha256=" + hmac_sha256_hex(fixture_secret, body)}};
    const auto s = forge_secrets({{"WEBHOOK_SECRET", fixture_secret}});
    manifest m;
    m.apps = {forge_app("plain", "github", "binkkatal/sample_app", "WEBHOOK_SECRET")};
    auto v = classify_github_delivery(delivery_view{headers, body}, m, s, {});
    REQUIRE(v.push);
    CHECK(v.push->files.empty());  // no app filters by path: the commits are not walked

    m.apps[0].github->ignore_paths = {".*", "app/controllers/**"};
    v = classify_github_delivery(delivery_view{headers, body}, m, s, {});
    REQUIRE(v.push);
    CHECK(v.push->files_complete);
    CHECK(v.push->files ==
          std::vector<std::string>{".razorops.yaml", "app/controllers/application_controller.rb"});
    auto d = decide_github_delivery(m, v, {}, {});
    CHECK(d.what == accept_decision::kind::ignore);
    CHECK(has_text(d.reason, "touches no watched path of plain"));

    m.apps[0].github->ignore_paths = {".*"};
    v = classify_github_delivery(delivery_view{headers, body}, m, s, {});
    d = decide_github_delivery(m, v, {}, {});
    CHECK(d.what == accept_decision::kind::accept);
}

}  // namespace forge_intake_test
