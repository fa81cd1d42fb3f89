#pragma once

#include <map>
#include <string>
#include <vector>

#include "docker_client/types.hpp"

namespace agent {

/// The body of `POST /containers/create` that recreates `old` from `new_image`: the old
/// Config (with Image replaced and `extra_labels` merged), its HostConfig, and the endpoint
/// settings (aliases, static addresses) of its first network (engines below API 1.44 accept
/// one network at create; connecting the others is the faithful-recreate work still to come).
/// A non-null `env` replaces Config.Env (the secrets stage's injection).
std::string recreate_body(const docker_client::container_info& old, const std::string& new_image,
                          const std::map<std::string, std::string>& extra_labels,
                          const std::vector<std::string>* env = nullptr);

}  // namespace agent
