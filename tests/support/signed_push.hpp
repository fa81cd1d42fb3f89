#pragma once

#include <string>
#include <utility>
#include <vector>

namespace test {

/// A minimal GitHub push payload (ref refs/heads/`branch`) for `repository` moving the branch
/// from `before` to `after`.
std::string push_payload(const std::string& repository, const std::string& branch,
                         const std::string& before, const std::string& after);

/// The headers of a push delivery signed with `secret` (X-Hub-Signature-256).
std::vector<std::pair<std::string, std::string>> signed_push_headers(const std::string& body,
                                                                     const std::string& secret,
                                                                     const std::string& delivery);

/// A bearer token for the agent's /api, made by `deploy-agent token` with `jwt_secret`.
std::string api_token(const std::string& jwt_secret);

/// `GET /api/deployments/{id}` of the agent on `port` (the whole JSON text).
std::string deployment_json(unsigned short port, const std::string& token, long long id);

/// The first deployment id in a 202 answer (a webhook's {"deployments":[{"id":N…]} or the
/// API's {"deployment":{"id":N…}}), or -1.
long long first_deployment_id(const std::string& answer);

}  // namespace test
