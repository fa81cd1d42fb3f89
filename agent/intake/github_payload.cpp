#include "intake/github_payload.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cassert>

#include "common/escape.hpp"
#include "common/json_member.hpp"
#include "common/text.hpp"
#include "intake/refusal_codes.hpp"

namespace agent::github_detail {

bool only(std::string_view s, std::string_view allowed, std::size_t max) {
    return !s.empty() && s.size() <= max && s.find_first_not_of(allowed) == std::string_view::npos;
}

namespace {
constexpr std::string_view name_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
}  // namespace

bool valid_name(std::string_view s, std::size_t max) {
    return only(s, name_chars, max);
}

bool valid_repository(std::string_view s) {
    const auto slash = s.find('/');
    return slash != std::string_view::npos && s.size() <= 201 &&
           only(s.substr(0, slash), name_chars, 100) && only(s.substr(slash + 1), name_chars, 100);
}

github_verdict& refuse(github_verdict& v, outcome result, std::string code, std::string reason,
                       const std::string& diagnosis, const std::string& facts) {
    v.result = result;
    v.what = github_verdict::kind::refused;
    v.refusal_code = std::move(code);
    assert(is_refusal_code(v.refusal_code));  // the metric's label set (refusal_codes.hpp)
    v.reason = std::move(reason);
    v.diagnosis = "refused (" + v.refusal_code + "): " + diagnosis + "; " + facts;
    return v;
}

std::optional<std::string> form_payload(std::string_view body) {
    while (!body.empty()) {
        const auto amp = body.find('&');
        const std::string_view pair = body.substr(0, amp);
        const auto eq = pair.find('=');
        if (percent_decode(pair.substr(0, eq), true) == "payload") {
            return eq == std::string_view::npos ? std::string{}
                                                : percent_decode(pair.substr(eq + 1), true);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        body.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

bool valid_sha(std::string_view s) {
    return (s.size() == 40 || s.size() == 64) && only(s, "0123456789abcdef", 64);
}
bool valid_ref(std::string_view s) {
    return !s.empty() && s.size() <= 1024 && std::none_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
}

bool all_zeros(std::string_view sha) {
    return !sha.empty() && sha.find_first_not_of('0') == std::string_view::npos;
}

void read_commit_files(const rapidjson::Value& root, github_push& push,
                       std::optional<std::uint64_t> total_commits, std::size_t carried_cap) {
    // A push's files are worth reading only up to a bound: past it, the push deploys.
    constexpr std::size_t max_files = 5000;
    push.files.clear();
    push.files_complete = false;
    const auto* commits = json_member(root, "commits");
    if (commits == nullptr || !commits->IsArray() || commits->Empty() || push.before.empty() ||
        all_zeros(push.before) || push.created) {
        return;
    }
    const std::size_t carried = commits->Size();
    if ((total_commits && *total_commits != carried) || (!total_commits && carried >= carried_cap)) {
        return;
    }
    for (const auto& commit : commits->GetArray()) {
        if (!commit.IsObject()) {
            return;
        }
        for (const char* list : {"added", "modified", "removed"}) {
            const auto* files = json_member(commit, list);
            if (files == nullptr || !files->IsArray()) {
                return;  // a forge that lists no files: it cannot tell
            }
            for (const auto& file : files->GetArray()) {
                if (!file.IsString() || push.files.size() >= max_files) {
                    return;
                }
                std::string path(file.GetString(), file.GetStringLength());
                if (!valid_ref(path)) {
                    return;
                }
                if (std::find(push.files.begin(), push.files.end(), path) == push.files.end()) {
                    push.files.push_back(std::move(path));
                }
            }
        }
    }
    push.files_complete = true;
}

namespace {

constexpr std::string_view zero_sha = "0000000000000000000000000000000000000000";

std::optional<std::string> string_member(const rapidjson::Value& object, const char* name) {
    const auto* v = json_member(object, name);
    if (v == nullptr || !v->IsString()) {
        return std::nullopt;
    }
    return std::string(v->GetString(), v->GetStringLength());
}
bool bool_member(const rapidjson::Value& object, const char* name) {
    const auto* v = json_member(object, name);
    return v != nullptr && v->IsBool() && v->GetBool();
}

// The commit to deploy, and who pushed, once ref/after/before/repository are read.
void read_push_details(const rapidjson::Value& root, github_push& push, bool read_files) {
    if (push.ref.rfind("refs/heads/", 0) == 0) {
        push.branch = push.ref.substr(11);
    } else if (push.ref.rfind("refs/tags/", 0) == 0) {
        push.tag = push.ref.substr(10);
    }
    push.created = bool_member(root, "created");
    push.forced = bool_member(root, "forced");
    push.deleted = bool_member(root, "deleted") || push.after == zero_sha ||
                   push.after.find_first_not_of('0') == std::string::npos;
    const auto* head = json_member(root, "head_commit");
    auto head_id = head == nullptr ? std::nullopt : string_member(*head, "id");
    // For an annotated tag `after` is the tag object; head_commit.id is the commit it points to.
    push.commit =
        push.deleted ? std::string{} : (head_id && valid_sha(*head_id) ? *head_id : push.after);
    const auto* pusher = json_member(root, "pusher");
    auto pusher_name = pusher == nullptr ? std::nullopt : string_member(*pusher, "name");
    push.pusher = pusher_name && valid_ref(*pusher_name) && pusher_name->size() <= 100
                      ? *pusher_name
                      : std::string{};
    // GitHub carries at most 2048 commits and says nothing of the true count.
    if (!push.deleted && read_files) {
        read_commit_files(root, push, std::nullopt, 2048);
    }
}

// Fills a push from a verified payload; returns the problem, or empty.
std::string read_push(const rapidjson::Value& root, github_push& push, bool read_files) {
    auto problem = read_push_head(root, "repository", "full_name", valid_repository, push);
    if (problem.empty()) {
        read_push_details(root, push, read_files);
    }
    return problem;
}

void classify_ping(github_verdict& v, const rapidjson::Value& root, const std::string* hook_id) {
    std::string hook;
    if (const auto* id = json_member(root, "hook_id"); id != nullptr && id->IsUint64()) {
        hook = std::to_string(id->GetUint64());
    } else if (hook_id != nullptr && only(*hook_id, "0123456789", 20)) {
        hook = *hook_id;
    }
    v.result = outcome::done;
    v.what = github_verdict::kind::ping;
    v.reason = hook.empty() ? "pong" : "pong: hook " + hook;
}

void classify_push(github_verdict& v, const rapidjson::Value& root, const std::string& facts,
                   bool read_files) {
    github_push push;
    push.delivery_id = v.delivery_id;
    if (auto problem = read_push(root, push, read_files); !problem.empty()) {
        refuse(v, outcome::malformed, "bad_payload", "malformed push payload", problem, facts);
        return;
    }
    v.diagnosis = "push " + push.repository + " " + escape_untrusted(push.ref) + " " + push.before +
                  ".." + push.after + (push.forced ? " forced" : "") +
                  (push.created ? " created" : "") + "; " + facts;
    v.push = std::move(push);
    v.result = outcome::done;
    v.what = github_verdict::kind::ignored;
    if (v.push->deleted) {
        v.reason = "ignored: ref deleted";
    } else if (v.push->branch.empty() && v.push->tag.empty()) {
        v.reason = "ignored: not a branch or tag";
    } else {
        v.result = outcome::queued;
        v.what = github_verdict::kind::push;
        v.reason = "accepted";
    }
}

}  // namespace

std::string read_push_head(const rapidjson::Value& root, const char* repo_object,
                           const char* repo_member, bool (*valid_repo)(std::string_view),
                           github_push& push) {
    auto ref = string_member(root, "ref");
    auto after = string_member(root, "after");
    auto before = string_member(root, "before");
    const auto* object = json_member(root, repo_object);
    auto repo = object == nullptr ? std::nullopt : string_member(*object, repo_member);
    if (!ref || !valid_ref(*ref)) {
        return "push payload without a valid 'ref'";
    }
    if (!after || !valid_sha(*after)) {
        return "push payload without a valid 'after' commit id";
    }
    if (!repo || !valid_repo(*repo)) {
        return std::string("push payload without a valid '") + repo_object + "." + repo_member +
               "'";
    }
    push.ref = *ref;
    push.after = *after;
    push.before = before && valid_sha(*before) ? *before : std::string{};
    push.repository = *repo;
    return {};
}

void classify_verified_payload(github_verdict& v, std::string_view json_text, bool is_form,
                               const std::string* hook_id, const std::string& facts,
                               bool read_files) {
    // JSON has no raw NUL bytes, and RapidJSON would read one as the end of the text.
    if (const auto nul = json_text.find('\0'); nul != std::string_view::npos) {
        const std::string where = "malformed JSON at offset " + std::to_string(nul);
        refuse(v, outcome::malformed, "bad_json", where + ": a NUL byte",
               where + (is_form ? " of the decoded payload field" : "") + ": a NUL byte", facts);
        return;
    }
    // The verified payload, parsed in place in a copy with the document's first nodes on the
    // stack: strings are not copied one by one and the common payload allocates nothing more.
    // The copy goes to this thread's buffer: a fresh 7 KB block per delivery is too large for
    // malloc's per-thread cache and cost more than the copy (docs/benchmarks.md). Kept only up
    // to 64 KB, so that one large delivery leaves no large buffer behind.
    thread_local std::string reused;
    std::string large;
    std::string& text = json_text.size() <= 64 * 1024 ? reused : large;
    text.assign(json_text);
    char pool[32 * 1024];
    rapidjson::MemoryPoolAllocator<> allocator(pool, sizeof pool);
    rapidjson::Document doc(&allocator);
    doc.ParseInsitu<rapidjson::kParseIterativeFlag>(text.data());
    if (doc.HasParseError()) {
        const std::string where =
            "malformed JSON at offset " + std::to_string(doc.GetErrorOffset());
        const std::string error = GetParseError_En(doc.GetParseError());
        refuse(v, outcome::malformed, "bad_json", where + ": " + error,
               where + (is_form ? " of the decoded payload field" : "") + ": " + error, facts);
        return;
    }
    if (!doc.IsObject()) {
        refuse(v, outcome::malformed, "bad_json", "JSON payload is not an object",
               "JSON payload is not an object", facts);
        return;
    }
    if (v.event == "push") {
        classify_push(v, doc, facts, read_files);  // which writes the diagnosis of a push
        return;
    }
    v.diagnosis = "event " + v.event + "; " + facts;
    if (v.event == "ping") {
        classify_ping(v, doc, hook_id);
    } else {
        v.result = outcome::done;
        v.what = github_verdict::kind::ignored;
        v.reason = "ignored: event " + v.event;
    }
}

}  // namespace agent::github_detail
