#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "common/clock.hpp"
#include "secrets/infisical_client.hpp"
#include "secrets/infisical_settings.hpp"

namespace agent {

/// The real Infisical client over HTTPS (secret_transport):
/// - universal auth: `POST /api/v1/auth/universal-auth/login` with the client id and secret;
///   the token is renewed (`POST /api/v1/auth/token/renew`) when 90 % of its `expiresIn` has
///   passed, and a failed renewal or a 401 logs in again;
/// - or the service token's access part as the bearer token;
/// - `GET /api/v4/secrets` (projectId, environment, secretPath, recursive=false,
///   include_imports=true), and `GET /api/v3/secrets/raw` (workspaceId, …) when v4 answers 404;
/// - a 429 waits for Retry-After (at most 30 s, three times) and tries again.
/// Throws std::invalid_argument when the settings hold no credentials or a bad URL. `clock`
/// must outlive the client.
std::unique_ptr<infisical_client> make_infisical_client(boost::asio::any_io_executor executor,
                                                        const infisical_settings& settings,
                                                        clock& time);

}  // namespace agent
