#include "cli/cli.hpp"

int main(int argc, char** argv) { return agent::run_cli(argc, argv); }
