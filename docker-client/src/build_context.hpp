#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace docker_client::detail {

/// The patterns of a `.dockerignore`, matched as the docker CLI does (moby/patternmatcher):
/// `*`, `?`, `[…]`, `**` across directories, `!` exceptions, last match wins, and a pattern
/// that matches a directory excludes everything below it.
class dockerignore {
  public:
    /// Parses the text of a .dockerignore (comments and blank lines skipped).
    explicit dockerignore(const std::string& text);
    /// True when `relative_path` ("dir/file", forward slashes) is excluded from the context.
    bool excludes(const std::string& relative_path) const;
    /// True when some pattern is an exception ('!'), so an excluded directory must still be walked.
    bool has_exceptions() const { return has_exceptions_; }

  private:
    struct pattern;
    std::vector<std::shared_ptr<const pattern>> patterns_;
    bool has_exceptions_ = false;
};

/// A build context directory streamed as a tar archive (libarchive, pax), piece by piece so
/// that memory stays bounded whatever the context's size. Owners are written as 0:0, as the
/// docker CLI does. The Dockerfile and .dockerignore are always included.
class tar_context {
  public:
    /// Throws docker_client::error (status 0) when `dir` is not a readable directory.
    tar_context(std::filesystem::path dir, std::string dockerfile);
    ~tar_context();
    tar_context(const tar_context&) = delete;
    tar_context& operator=(const tar_context&) = delete;

    /// The next piece of the archive; "" once the archive is complete.
    /// Throws docker_client::error (status 0) when a file cannot be read.
    std::string next();

  private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace docker_client::detail
