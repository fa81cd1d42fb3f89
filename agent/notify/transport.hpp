#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "common/https_client.hpp"
#include "notify/notice.hpp"
#include "manifest/notify_target.hpp"

namespace agent::notify {

namespace net = boost::asio;

/// How one attempt ended: the HTTP status, or why there was none.
struct post_result {
    unsigned status = 0;  ///< 0 when no answer was read
    std::string error;    ///< empty when an answer was read; else "connect: …", "timed out", …

    /// A 2xx answer.
    bool delivered() const { return error.empty() && status >= 200 && status < 300; }
};

/// Sends one notification request; the one seam for the network in notify/.
class transport {
public:
    virtual ~transport() = default;
    /// POSTs `request` to `t`. Every step (resolve, connect, write, read) ends by `timeout`
    /// after the attempt began. Never throws.
    virtual net::awaitable<post_result> post(const target& t, const outgoing& request,
                                             std::chrono::milliseconds timeout) = 0;
};

/// HTTP/1.1 over https_client: https targets with the system CA store (`system`) plus `ca_file`
/// (NOTIFY_CA_FILE; empty for none) and the host name verified, http as the target says. A
/// refused certificate is the error "certificate refused: <why>". The answer's body is read up to
/// 64 KiB and ignored.
std::unique_ptr<transport> make_http_transport(net::any_io_executor executor,
                                               std::string ca_file = "",
                                               system_ca_store system = {});

}  // namespace agent::notify
