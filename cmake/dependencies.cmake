# Every third-party library the project uses, as an imported target.
find_package(Boost 1.81 REQUIRED CONFIG)
find_package(OpenSSL 3 REQUIRED)  # HMAC/SHA, base64, and TLS to Infisical
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(LibArchive REQUIRED)  # headers only: docker-client loads it with dlopen
# The image links the tar writer in instead: a static link takes only the objects the build
# context needs (plus libacl), where the shared library would bring libxml2 and ICU (32 MB).
option(DA_STATIC_LIBARCHIVE "Link libarchive's archive into the agent instead of dlopen" OFF)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)

# RapidJSON ships no target; std::string support is switched on everywhere it is used.
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)
add_library(rapidjson INTERFACE)
target_include_directories(rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIR})
target_compile_definitions(rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)
# Strings and whitespace scanned 16 bytes at a time (a push payload is mostly strings). SSE2 is
# part of x86-64 itself; other processors keep the portable code. Not in sanitizer builds: the
# SIMD loads read aligned blocks past the end of a string (within its page), which
# AddressSanitizer reports as overflows.
if(NOT DA_SANITIZE AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    target_compile_definitions(rapidjson INTERFACE RAPIDJSON_SSE2)
endif()

# Boost.Asio in C++20 coroutine mode, with no deprecated interfaces.
add_library(boost_asio INTERFACE)
target_link_libraries(boost_asio INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(boost_asio INTERFACE BOOST_ASIO_NO_DEPRECATED)

# How the agent links spdlog, fmt, yaml-cpp, SQLite, OpenSSL and libstdc++: statically by default, for
# start-up time and resident memory (deps/README.md); shared with DA_STATIC_DEPS=OFF, and in
# sanitizer builds, whose runtime expects the shared libstdc++.
if(DA_SANITIZE)
    set(da_static_default OFF)
else()
    set(da_static_default ON)
endif()
option(DA_STATIC_DEPS "Link spdlog, fmt, yaml-cpp, SQLite, OpenSSL and libstdc++ into the agent" ${da_static_default})
# The image links OpenSSL's shared libraries instead: git, which the image carries for the build
# strategy, loads libcrypto.so.3 anyway, so a static copy in the agent would only add its size.
option(DA_STATIC_OPENSSL "With DA_STATIC_DEPS, link OpenSSL into the agent too" ON)

add_library(da_logging INTERFACE)     # spdlog + fmt
add_library(da_yaml INTERFACE)        # yaml-cpp
add_library(da_sqlite INTERFACE)      # SQLite 3
add_library(da_openssl INTERFACE)     # libssl + libcrypto
add_library(da_static_runtime INTERFACE)  # link options for executables
if(DA_STATIC_DEPS)
    add_library(da_logging_build STATIC ${PROJECT_SOURCE_DIR}/deps/spdlog_build.cpp
                                        ${PROJECT_SOURCE_DIR}/deps/fmt_build.cpp)
    target_compile_definitions(da_logging_build PUBLIC SPDLOG_COMPILED_LIB SPDLOG_FMT_EXTERNAL)
    target_link_libraries(da_logging_build PUBLIC Threads::Threads)
    target_link_libraries(da_logging INTERFACE da_logging_build)

    find_library(DA_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a REQUIRED)
    target_link_libraries(da_yaml INTERFACE ${DA_YAML_CPP_ARCHIVE})
    find_library(DA_SQLITE_ARCHIVE NAMES libsqlite3.a REQUIRED)
    target_link_libraries(da_sqlite INTERFACE ${DA_SQLITE_ARCHIVE} ${CMAKE_DL_LIBS} m Threads::Threads)
    if(DA_STATIC_OPENSSL)
        find_library(DA_SSL_ARCHIVE NAMES libssl.a REQUIRED)
        find_library(DA_CRYPTO_ARCHIVE NAMES libcrypto.a REQUIRED)
        target_include_directories(da_openssl SYSTEM INTERFACE ${OPENSSL_INCLUDE_DIR})
        target_link_libraries(da_openssl INTERFACE ${DA_SSL_ARCHIVE} ${DA_CRYPTO_ARCHIVE}
            ${CMAKE_DL_LIBS} Threads::Threads)
    else()
        target_link_libraries(da_openssl INTERFACE OpenSSL::SSL OpenSSL::Crypto)
    endif()
    target_link_options(da_static_runtime INTERFACE -static-libstdc++ -static-libgcc
        -Wl,--gc-sections)
    # Relative relocations packed as DT_RELR (binutils 2.38, glibc 2.36): the position-independent
    # executable's .rela.dyn shrinks from about 650 KB, all of it read at every start, to a few
    # KB (deps/README.md).
    include(CheckLinkerFlag)
    check_linker_flag(CXX "-Wl,-z,pack-relative-relocs" DA_LINKER_HAS_RELR)
    if(DA_LINKER_HAS_RELR)
        target_link_options(da_static_runtime INTERFACE -Wl,-z,pack-relative-relocs)
    endif()
else()
    target_link_libraries(da_logging INTERFACE spdlog::spdlog fmt::fmt)
    target_link_libraries(da_yaml INTERFACE yaml-cpp)
    target_link_libraries(da_sqlite INTERFACE SQLite::SQLite3)
    target_link_libraries(da_openssl INTERFACE OpenSSL::SSL OpenSSL::Crypto)
endif()
