#include <deque>
#include <map>
#include <memory>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/asio/use_awaitable.hpp>

#include "build_context.hpp"
#include "docker_client/error.hpp"
#include "encoding.hpp"
#include "engine_client.hpp"
#include "json_util.hpp"

namespace docker_client::detail {

namespace {

constexpr std::size_t tail_lines = 20;

std::string string_map_json(const std::map<std::string, std::string>& map) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    for (const auto& [k, v] : map) {
        w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
        w.String(v);
    }
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

// X-Registry-Config: base64url of {"server": {"username","password","serveraddress"}}.
std::string registry_config_header(const std::vector<registry_auth>& auths) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    for (const auto& a : auths) {
        w.Key(a.server_address.c_str(), static_cast<rapidjson::SizeType>(a.server_address.size()));
        w.StartObject();
        w.Key("username");
        w.String(a.username);
        w.Key("password");
        w.String(a.password);
        w.Key("serveraddress");
        w.String(a.server_address);
        w.EndObject();
    }
    w.EndObject();
    return base64url(std::string_view(buffer.GetString(), buffer.GetSize()));
}

std::string build_query(const build_options& o) {
    std::string q = "/build?rm=1&forcerm=1&dockerfile=" + percent_encode(o.dockerfile);
    for (const auto& t : o.tags) {
        check_image_ref(t);
        q += "&t=" + percent_encode(t);
    }
    if (o.no_cache) {
        q += "&nocache=1";
    }
    if (o.pull) {
        q += "&pull=1";
    }
    if (!o.build_args.empty()) {
        q += "&buildargs=" + percent_encode(string_map_json(o.build_args));
    }
    if (!o.labels.empty()) {
        q += "&labels=" + percent_encode(string_map_json(o.labels));
    }
    if (!o.target.empty()) {
        q += "&target=" + percent_encode(o.target);
    }
    return q;
}

// The classic builder's stream: {"stream": text}, {"status": …}, {"aux": {"ID": …}} and, when a
// step fails, {"error": …, "errorDetail": {"message": …}} inside a 200 reply.
class build_log {
  public:
    explicit build_log(build_log_callback& on_log) : on_log_(on_log) {}

    bool on_line(std::string_view line) {
        rapidjson::Document doc;
        doc.Parse<rapidjson::kParseIterativeFlag>(line.data(), line.size());
        if (doc.HasParseError() || !doc.IsObject()) {
            error_ =
                "the engine sent a malformed build log line: " + std::string(line.substr(0, 200));
            return false;
        }
        if (auto text = string_member(doc, "stream"); !text.empty()) {
            add_text(text);
        }
        if (auto status = string_member(doc, "status"); !status.empty()) {
            std::string id = string_member(doc, "id");
            add_text((id.empty() ? status : id + ": " + status) + "\n");
        }
        if (const auto* aux = object_member(doc, "aux")) {
            if (auto id = string_member(*aux, "ID"); !id.empty()) {
                image_id_ = id;
            }
        }
        std::string err = string_member(doc, "error");
        if (const auto* detail = object_member(doc, "errorDetail");
            detail != nullptr && err.empty()) {
            err = string_member(*detail, "message");
        }
        if (!err.empty()) {
            error_ = err;
            return false;
        }
        return true;
    }

    void finish() {
        if (!partial_.empty()) {
            emit(partial_);
            partial_.clear();
        }
    }

    const std::string& error_message() const { return error_; }
    const std::string& image_id() const { return image_id_; }
    std::vector<std::string> tail() const { return {tail_.begin(), tail_.end()}; }

  private:
    void add_text(const std::string& text) {
        partial_ += text;
        std::size_t start = 0;
        for (auto nl = partial_.find('\n'); nl != std::string::npos;
             nl = partial_.find('\n', start)) {
            emit(partial_.substr(start, nl - start));
            start = nl + 1;
        }
        partial_.erase(0, start);
    }

    void emit(std::string line) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
            line.pop_back();
        }
        if (line.empty()) {
            return;
        }
        if (on_log_) {
            on_log_(line);
        }
        tail_.push_back(std::move(line));
        if (tail_.size() > tail_lines) {
            tail_.pop_front();
        }
    }

    build_log_callback& on_log_;
    std::string partial_;
    std::deque<std::string> tail_;
    std::string image_id_;
    std::string error_;
};

}  // namespace

net::awaitable<build_result> engine_client::build_image(build_options options,
                                                        build_log_callback on_log) {
    // The context is read as the request is sent: a shared_ptr keeps it alive in the callback.
    auto context = std::make_shared<tar_context>(options.context_dir, options.dockerfile);
    std::string target = co_await versioned(build_query(options));
    http_call call{"POST", std::move(target), {}, "application/x-tar", {}};
    if (!options.registry_auths.empty()) {
        call.headers.emplace_back("X-Registry-Config",
                                  registry_config_header(options.registry_auths));
    }
    stream_settings settings;
    settings.upload = [context] { return context->next(); };
    build_log log(on_log);
    auto on_line = [&log](std::string_view line) { return log.on_line(line); };
    http_reply reply = co_await transport_.stream(std::move(call), on_line, std::move(settings));
    log.finish();
    const std::string what = "build of " + options.context_dir;
    if (reply.status / 100 != 2) {
        throw error(reply.status, daemon_message(reply.body),
                    what + " (HTTP " + std::to_string(reply.status) + ")", log.tail());
    }
    if (!log.error_message().empty()) {
        throw error(reply.status, log.error_message(), what + " failed", log.tail());
    }
    build_result result{log.image_id(), log.tail()};
    if (result.image_id.empty() && !options.tags.empty()) {
        // Engines that do not send aux (very old classic builders): read the id from the tag.
        if (auto image = co_await inspect_image(options.tags.front())) {
            result.image_id = image->id;
        }
    }
    if (result.image_id.empty()) {
        throw error(reply.status, "", what + ": the engine reported no image id", log.tail());
    }
    co_return result;
}

}  // namespace docker_client::detail
