#pragma once

#include <string>
#include <utility>
#include <vector>

namespace test {

struct http_result {
    unsigned status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

/// One HTTP/1.1 request to 127.0.0.1:`port` on a new connection; waits at most 30 s.
http_result http_request(unsigned short port, const std::string& method, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         const std::string& body = {});

}  // namespace test
