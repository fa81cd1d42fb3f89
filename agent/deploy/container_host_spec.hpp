#pragma once

// The new container's HostConfig and NetworkingConfig (internal to agent/deploy).

#include "deploy/spec_json.hpp"

namespace agent::spec_detail {

/// `container` is the document of `old`.
///
/// HostConfig kept whole (every field of it is the user's), links in create syntax, and the old
/// container's volumes that no bind or mount names (anonymous ones, the image's VOLUMEs) bound
/// again by name at the same destination so that their data stays.
void add_host_config(const docker_client::container_info& old, const Value& container, Value& body,
                     allocator& a);

/// Every network with its aliases (minus the old container's short id), static addresses, links
/// and driver options; nothing when the network stack is the host's or another container's.
void add_networking(const docker_client::container_info& old, const Value& container, Value& body,
                    allocator& a);

}  // namespace agent::spec_detail
