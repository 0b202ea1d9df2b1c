// The readers of the top-level sections; each reports its own errors to the Reader and keeps defaults on failure.
#pragma once

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

#include <vector>

namespace mcpedge::config::detail {

void read_server(Reader& r, const Section& s, ServerConfig& out);          // server_section.cpp
void read_upstream(Reader& r, const Section& s, UpstreamConfig& out);      // upstream_section.cpp
void read_tools(Reader& r, const Field& f, std::vector<ToolConfig>& out);  // tools_section.cpp
void read_auth(Reader& r, const Section& s, AuthConfig& out);              // auth_section.cpp
void read_store(Reader& r, const Section& s, StoreConfig& out);            // auth_section.cpp
void read_connect(Reader& r, const Section& s, ConnectConfig& out);        // connect_section.cpp

}  // namespace mcpedge::config::detail
