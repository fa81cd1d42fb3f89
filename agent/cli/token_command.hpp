#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <string_view>

#include "api/token_settings.hpp"
#include "common/environment.hpp"

namespace agent {

/// The lifetime `deploy-agent token` gives when --ttl is not used.
inline constexpr std::chrono::seconds default_token_ttl{std::chrono::hours{1}};
/// `deploy-agent token`: prints an HS256 bearer token for /api, signed with JWT_SECRET (read as
/// the server reads it: one trailing newline removed), with subject "operator" and lifetime
/// `ttl`, alone on one line of `out`; a note saying when it expires goes to `err`. Returns 0;
/// 2 with a message on `err` when JWT_SECRET is unset, empty, shorter than 32 bytes or the same
/// as WEBHOOK_SECRET or INFISICAL_WEBHOOK_SECRET (the server would refuse to start with it),
/// when TOKEN_MAX_TTL is not a lifetime, or when `ttl` is not in (0, TOKEN_MAX_TTL].
int run_token_command(const environment& env, std::chrono::seconds ttl, std::ostream& out,
                      std::ostream& err);

}  // namespace agent
