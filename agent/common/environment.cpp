#include "common/environment.hpp"

namespace agent {

environment::environment()
    : vars_(std::make_shared<const std::map<std::string, std::string, std::less<>>>()) {}

environment::environment(std::map<std::string, std::string, std::less<>> variables)
    : vars_(std::make_shared<const std::map<std::string, std::string, std::less<>>>(
          std::move(variables))) {}

const char* environment::get(std::string_view name) const {
    auto it = vars_->find(name);
    return it == vars_->end() ? nullptr : it->second.c_str();
}

std::vector<std::string> environment::entries() const {
    std::vector<std::string> out;
    out.reserve(vars_->size());
    for (const auto& [name, value] : *vars_) {
        out.push_back(name + "=" + value);
    }
    return out;
}

}  // namespace agent
