#include "secrets/injection.hpp"

#include <algorithm>
#include <set>

#include "intake/signature.hpp"

namespace agent {

namespace {

bool usable_name(std::string_view name) {
    return !name.empty() && name.find_first_of(std::string_view("=,\0", 3)) == std::string_view::npos;
}

std::string_view env_key(std::string_view entry) {
    return entry.substr(0, entry.find('='));
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::vector<std::string> split_key_label(std::string_view label) {
    std::vector<std::string> out;
    while (!label.empty()) {
        const auto comma = label.find(',');
        if (std::string_view name = label.substr(0, comma); !name.empty()) {
            out.emplace_back(name);
        }
        label = comma == std::string_view::npos ? std::string_view() : label.substr(comma + 1);
    }
    return out;
}

std::map<std::string, std::string> select_secrets(const injection_input& input) {
    std::map<std::string, std::string> selected;
    for (const auto& [key, value] : input.secrets) {
        if (usable_name(key) && (input.keys.empty() || contains(input.keys, key))) {
            selected.emplace(key, value);
        }
    }
    return selected;
}

std::string secrets_hash(const std::map<std::string, std::string>& selected,
                         std::string_view hash_key) {
    // Length prefixes make the encoding unambiguous: "A=b,C" and "A=b" + "C=" differ.
    std::string canonical;
    for (const auto& [key, value] : selected) {
        canonical += std::to_string(key.size()) + ":" + key + std::to_string(value.size()) + ":" +
                     value + ";";
    }
    return "hmac-sha256:" + hmac_sha256_hex(hash_key, canonical);
}

injection inject_secrets(const injection_input& input, std::string_view hash_key) {
    injection out;
    const std::map<std::string, std::string> selected = select_secrets(input);
    for (const auto& key : input.keys) {
        if (!selected.contains(key)) {
            out.missing.push_back(key);
        }
    }
    for (const auto& [key, value] : input.secrets) {
        if (!usable_name(key) && (input.keys.empty() || contains(input.keys, key))) {
            out.unusable.push_back(key.empty() ? "(empty name)" : key);
        }
    }
    const std::vector<std::string> previous = split_key_label(input.previous_keys);
    std::set<std::string_view> replaced;
    for (const auto& entry : input.env) {
        const std::string_view key = env_key(entry);
        if (contains(previous, key) || selected.contains(std::string(key))) {
            continue;  // injected by an earlier deploy (maybe since deleted), or replaced now
        }
        out.env.push_back(entry);
    }
    std::string names;
    for (const auto& [key, value] : selected) {
        out.entries.push_back(key + "=" + value);
        out.env.push_back(out.entries.back());
        out.injected_keys.push_back(key);
        names += (names.empty() ? "" : ",") + key;
    }
    out.hash = secrets_hash(selected, hash_key);
    out.labels[secret_keys_label] = names;
    out.labels[secrets_hash_label] = out.hash;
    return out;
}

}  // namespace agent
