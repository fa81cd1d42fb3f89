#include "support/test_pki.hpp"

#include <fstream>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace test {

namespace {

struct free_key {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct free_cert {
    void operator()(X509* c) const { X509_free(c); }
};
struct free_bio {
    void operator()(BIO* b) const { BIO_free(b); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, free_key>;
using cert_ptr = std::unique_ptr<X509, free_cert>;

void check(bool ok, const char* what) {
    if (!ok) {
        throw std::runtime_error(std::string("test PKI: ") + what + " failed");
    }
}

key_ptr new_key() {
    key_ptr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "EC key generation");
    return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    check(ext != nullptr, "certificate extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

cert_ptr new_cert(EVP_PKEY* key, const std::string& common_name, long serial) {
    cert_ptr cert(X509_new());
    check(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
    return cert;
}

std::string pem_of(X509* cert) {
    std::unique_ptr<BIO, free_bio> bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM of certificate");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string pem_of(EVP_PKEY* key) {
    std::unique_ptr<BIO, free_bio> bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM of key");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

test_pki make_test_pki(const std::vector<std::string>& names) {
    key_ptr ca_key = new_key();
    cert_ptr ca = new_cert(ca_key.get(), "deploy-agent test CA", 1);
    X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
    add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
    check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "CA signature");

    key_ptr server_key = new_key();
    cert_ptr server = new_cert(server_key.get(), "fake infisical", 2);
    X509_set_issuer_name(server.get(), X509_get_subject_name(ca.get()));
    std::string san;
    for (const auto& n : names) {
        san += (san.empty() ? "" : ",") + n;
    }
    add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_extension(server.get(), ca.get(), NID_subject_alt_name, san);
    check(X509_sign(server.get(), ca_key.get(), EVP_sha256()) > 0, "server signature");
    return test_pki{pem_of(ca.get()), pem_of(server.get()), pem_of(server_key.get())};
}

void write_text_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

}  // namespace test
