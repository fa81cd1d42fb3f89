#pragma once

#include <string>

namespace agent {

/// The key of the secrets hash (io.deploy-agent.secrets-hash): 32 random bytes in
/// `<data_dir>/secrets-hash.key`, created with mode 0600 on first use and read afterwards, so a
/// label computed before a restart still compares equal. Throws std::runtime_error naming the
/// file when it cannot be created or read, or is not 32 bytes.
std::string load_or_create_hash_key(const std::string& data_dir);

}  // namespace agent
