// The sample API's endpoints, one group per file; the routing table in sample_api.cpp dispatches to them.
#pragma once

#include "http/message.hpp"

#include <boost/asio/awaitable.hpp>

namespace mcpedge::demo::detail {

struct Call;

// spaces.cpp
boost::asio::awaitable<http::Reply> list_spaces(Call& c);
boost::asio::awaitable<http::Reply> get_space(Call& c);
boost::asio::awaitable<http::Reply> list_folders(Call& c);
boost::asio::awaitable<http::Reply> get_folder(Call& c);
boost::asio::awaitable<http::Reply> update_folder(Call& c);

// workflows.cpp
boost::asio::awaitable<http::Reply> list_workflows(Call& c);
boost::asio::awaitable<http::Reply> get_workflow(Call& c);
boost::asio::awaitable<http::Reply> create_workflow(Call& c);
boost::asio::awaitable<http::Reply> update_workflow(Call& c);
boost::asio::awaitable<http::Reply> delete_workflow(Call& c);
boost::asio::awaitable<http::Reply> workflow_diagram(Call& c);

// executions.cpp
boost::asio::awaitable<http::Reply> start_execution(Call& c);
boost::asio::awaitable<http::Reply> list_executions(Call& c);
boost::asio::awaitable<http::Reply> get_execution(Call& c);
boost::asio::awaitable<http::Reply> stop_execution(Call& c);

// cases.cpp
boost::asio::awaitable<http::Reply> search_cases(Call& c);
boost::asio::awaitable<http::Reply> filter_cases(Call& c);
boost::asio::awaitable<http::Reply> summarize_cases(Call& c);
boost::asio::awaitable<http::Reply> get_case(Call& c);

// generator.cpp
boost::asio::awaitable<http::Reply> generate_workflow(Call& c);

// end_user_keys.cpp
boost::asio::awaitable<http::Reply> mint_end_user_key(Call& c);
boost::asio::awaitable<http::Reply> delete_end_user_key(Call& c);
boost::asio::awaitable<http::Reply> whoami(Call& c);
boost::asio::awaitable<http::Reply> whoami_last(Call& c);

// diagnostics.cpp
boost::asio::awaitable<http::Reply> diag_text(Call& c);
boost::asio::awaitable<http::Reply> diag_image(Call& c);
boost::asio::awaitable<http::Reply> diag_audio(Call& c);
boost::asio::awaitable<http::Reply> diag_embedded(Call& c);
boost::asio::awaitable<http::Reply> diag_mixed(Call& c);
boost::asio::awaitable<http::Reply> diag_error(Call& c);
boost::asio::awaitable<http::Reply> diag_echo(Call& c);
boost::asio::awaitable<http::Reply> diag_slow(Call& c);
boost::asio::awaitable<http::Reply> diag_status(Call& c);
boost::asio::awaitable<http::Reply> diag_large(Call& c);

}  // namespace mcpedge::demo::detail
