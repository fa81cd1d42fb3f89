#pragma once

#include <string>
#include <vector>

namespace test {

/// A certificate authority made for one test, and a server certificate it signed.
struct test_pki {
    std::string ca_pem;           ///< the CA certificate, to trust (INFISICAL_CA_FILE)
    std::string server_cert_pem;  ///< the server's certificate
    std::string server_key_pem;   ///< its private key (P-256)
};

/// Generates a fresh CA (P-256, valid one day) and a server certificate for `names`
/// (subjectAltName entries such as "DNS:localhost", "IP:127.0.0.1"). Throws std::runtime_error.
test_pki make_test_pki(const std::vector<std::string>& names);

/// Writes `text` to `path`. Throws std::runtime_error.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace test
