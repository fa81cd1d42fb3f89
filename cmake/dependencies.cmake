# Every third-party library the project uses, as an imported target.
find_package(Boost 1.81 REQUIRED CONFIG)
find_package(OpenSSL 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(LibArchive REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)

# RapidJSON ships no target; std::string support is switched on everywhere it is used.
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)
add_library(rapidjson INTERFACE)
target_include_directories(rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIR})
target_compile_definitions(rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)

# Boost.Asio in C++20 coroutine mode, with no deprecated interfaces.
add_library(boost_asio INTERFACE)
target_link_libraries(boost_asio INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(boost_asio INTERFACE BOOST_ASIO_NO_DEPRECATED)
