#include "secrets/infisical_answers.hpp"

#include <algorithm>

#include <rapidjson/document.h>

#include "common/json_member.hpp"

namespace agent {

namespace {

using rapidjson::Value;

rapidjson::Document parse_object(std::string_view body, const char* what) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        throw secrets_error(std::string(what) + " is not a JSON object");
    }
    return doc;
}

// Adds the entries of one `secrets` array; an import's (`own` false) never replace a key.
void add_secrets(const Value& array, secret_listing& out, bool own) {
    for (const auto& entry : array.GetArray()) {
        if (!entry.IsObject()) {
            throw secrets_error("a secret in the answer is not an object");
        }
        const Value* key = json_member(entry, "secretKey");
        if (key == nullptr || !key->IsString() || key->GetStringLength() == 0) {
            throw secrets_error("a secret in the answer has no secretKey");
        }
        std::string name(key->GetString(), key->GetStringLength());
        const bool known = out.values.contains(name) ||
                           std::find(out.hidden.begin(), out.hidden.end(), name) != out.hidden.end();
        if (known && !own) {
            continue;  // the folder's own key, or an earlier import's, takes precedence
        }
        const Value* hidden = json_member(entry, "secretValueHidden");
        if (hidden != nullptr && hidden->IsBool() && hidden->GetBool()) {
            out.values.erase(name);
            out.hidden.push_back(std::move(name));
            continue;
        }
        const Value* value = json_member(entry, "secretValue");
        if (value == nullptr || !value->IsString()) {
            throw secrets_error("secret " + name + " in the answer has no string secretValue");
        }
        out.values[name] = std::string(value->GetString(), value->GetStringLength());
    }
}

}  // namespace

secret_listing parse_secret_listing(std::string_view body) {
    const rapidjson::Document doc = parse_object(body, "the secrets answer");
    const Value* secrets = json_member(doc, "secrets");
    if (secrets == nullptr || !secrets->IsArray()) {
        throw secrets_error("the secrets answer has no 'secrets' array");
    }
    secret_listing out;
    add_secrets(*secrets, out, true);
    if (const Value* imports = json_member(doc, "imports");
        imports != nullptr && imports->IsArray()) {
        for (const auto& import : imports->GetArray()) {
            const Value* listed = import.IsObject() ? json_member(import, "secrets") : nullptr;
            if (listed == nullptr || !listed->IsArray()) {
                throw secrets_error("an import in the answer has no 'secrets' array");
            }
            add_secrets(*listed, out, false);
        }
    }
    std::sort(out.hidden.begin(), out.hidden.end());
    out.hidden.erase(std::unique(out.hidden.begin(), out.hidden.end()), out.hidden.end());
    return out;
}

access_token parse_access_token(std::string_view body) {
    const rapidjson::Document doc = parse_object(body, "the login answer");
    const Value* token = json_member(doc, "accessToken");
    if (token == nullptr || !token->IsString() || token->GetStringLength() == 0) {
        throw secrets_error("the login answer has no accessToken");
    }
    access_token out{std::string(token->GetString(), token->GetStringLength()), {}};
    if (const Value* expires = json_member(doc, "expiresIn");
        expires != nullptr && expires->IsNumber()) {
        const double s = expires->GetDouble();
        if (s > 0 && s < 1e9) {
            out.expires_in = std::chrono::seconds(static_cast<long long>(s));
        }
    }
    return out;
}

std::string infisical_error_message(std::string_view body) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return "";
    }
    const Value* message = json_member(doc, "message");
    if (message == nullptr || !message->IsString()) {
        return "";
    }
    std::string m(message->GetString(), std::min<std::size_t>(message->GetStringLength(), 200));
    for (char& c : m) {
        if (static_cast<unsigned char>(c) < 0x20) {
            c = ' ';
        }
    }
    return m;
}

}  // namespace agent
