#pragma once

#include <iosfwd>
#include <string>

namespace agent {

/// `deploy-agent validate`: loads the manifest at `path`. Returns 0 after writing
/// "manifest OK: N apps (a, b, c)" to `out`, or 1 after writing each problem as
/// "FILE:LINE:COL: message" (or "PATH: cannot read: reason") to `err`, one per line.
int run_validate(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace agent
