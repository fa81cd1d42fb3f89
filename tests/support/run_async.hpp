#pragma once

#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace test {

namespace net = boost::asio;

/// Runs `make(executor)`'s coroutine to completion on a fresh io_context and returns its
/// result (or rethrows its exception). `make` receives the io_context's executor so that
/// clients can be created on the same loop.
template <class Make>
auto run_async(Make make) {
    net::io_context io;
    auto future = net::co_spawn(io, make(io.get_executor()), net::use_future);
    io.run();
    return future.get();
}

}  // namespace test
