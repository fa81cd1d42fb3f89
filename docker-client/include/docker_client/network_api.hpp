#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "docker_client/types.hpp"

namespace docker_client {

namespace net = boost::asio;

/// The engine's networks: one role of the engine seam (docker_api.hpp).
class network_api {
  public:
    virtual ~network_api() = default;

    /// The network, or nullopt when it does not exist.
    virtual net::awaitable<std::optional<network_info>> inspect_network(std::string name_or_id) = 0;
    virtual net::awaitable<void> connect_network(std::string network, std::string container,
                                                 endpoint_options options) = 0;
    virtual net::awaitable<void> disconnect_network(std::string network, std::string container,
                                                    bool force) = 0;
};

}  // namespace docker_client
