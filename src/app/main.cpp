// mcpedge's entry point.
#include "app/commands.hpp"

int main(int argc, char** argv) { return mcpedge::app::main_cli(argc, argv); }
