#include "api/deployment_events.hpp"

#include <atomic>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/api_query.hpp"
#include "common/json_writer.hpp"

namespace agent {

namespace {

namespace net = boost::asio;
using steady = std::chrono::steady_clock;

std::atomic<std::size_t> open_streams{0};

std::string event(std::string_view name, std::string_view json) {
    return "event: " + std::string(name) + "\ndata: " + std::string(json) + "\n\n";
}

std::string state_json(const deployment_record& d) {
    json_writer w;
    w.begin_object().key("id").integer(d.id).key("app").string(d.app);
    w.key("state").string(to_string(d.state)).key("error").string(d.error).end_object();
    return w.take();
}

std::string step_json(const step_record& s) {
    json_writer w;
    w.begin_object().key("at").integer(s.at_ms).key("message").string(s.message).end_object();
    return w.take();
}

class event_stream final : public response_stream {
public:
    event_stream(history_reader& db, std::int64_t id, event_stream_limits limits)
        : db_(db),
          id_(id),
          limits_(limits),
          deadline_(steady::now() + limits.max_duration),
          last_sent_(steady::now()) {
        ++open_streams;
    }
    ~event_stream() override { --open_streams; }

    net::awaitable<std::optional<std::string>> next() override {
        while (!done_) {
            std::string news;
            try {
                news = read_news();
            } catch (const std::exception&) {
                done_ = true;  // the store failed: end the stream, the client may reconnect
                co_return event("end", R"({"state":null})");
            }
            if (!news.empty()) {
                last_sent_ = steady::now();
                co_return news;
            }
            if (steady::now() >= deadline_) {
                done_ = true;
                co_return event("timeout", "{}");
            }
            // A stream is worth what the token that opened it is worth.
            if (limits_.token_expires_at &&
                std::chrono::system_clock::now() >= *limits_.token_expires_at) {
                done_ = true;
                co_return event("expired", "{}");
            }
            if (steady::now() - last_sent_ >= limits_.heartbeat) {
                last_sent_ = steady::now();
                co_return std::string(": still running\n\n");
            }
            net::steady_timer timer(co_await net::this_coro::executor, limits_.poll);
            auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
            if (ec) {
                co_return std::nullopt;  // the agent is stopping
            }
        }
        co_return std::nullopt;
    }

private:
    // What happened since the last call, as events; ends the stream once the state is final
    // and every step of it was sent.
    std::string read_news() {
        std::string out;
        auto d = db_.get_deployment(id_);
        if (!d) {
            done_ = true;
            return event("end", R"({"state":null})");
        }
        const std::string state(to_string(d->state));
        if (state != last_state_) {
            out += event("state", state_json(*d));
            last_state_ = state;
        }
        auto steps = db_.steps(id_);
        for (std::size_t i = steps_sent_; i < steps.size(); ++i) {
            out += event("step", step_json(steps[i]));
        }
        steps_sent_ = std::max(steps_sent_, steps.size());
        if (is_terminal(d->state)) {
            done_ = true;
            out += event("end", "{\"state\":\"" + state + "\"}");
        }
        return out;
    }

    history_reader& db_;
    std::int64_t id_;
    event_stream_limits limits_;
    steady::time_point deadline_;
    steady::time_point last_sent_;
    std::string last_state_;
    std::size_t steps_sent_ = 0;
    bool done_ = false;
};

}  // namespace

http_response deployment_events(history_reader& db, std::string_view id_text,
                                const event_stream_limits& limits) {
    auto id = parse_id(id_text);
    if (!id) {
        return json_error(400, "invalid deployment id");
    }
    if (!db.get_deployment(*id)) {
        return json_error(404, "deployment not found");
    }
    if (open_streams.load() >= limits.max_streams) {
        return json_error(503, "too many event streams open");
    }
    http_response r;
    r.content_type = "text/event-stream";
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("X-Accel-Buffering", "no");
    r.stream = std::make_shared<event_stream>(db, *id, limits);
    return r;
}

}  // namespace agent
