#include "cli/cli.hpp"

namespace agent {

int run_cli(int /*argc*/, char** /*argv*/) { return 0; }

}  // namespace agent
