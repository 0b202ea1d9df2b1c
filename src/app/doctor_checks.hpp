// The pure parts of `mcpedge doctor`: reading challenges, the well-known URLs clients build, and judging documents.
#pragma once

#include "base/expected.hpp"

#include <boost/json/object.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::app::doctor {

enum class Outcome { pass, fail, skip };
const char* to_string(Outcome outcome);

// One row of a client's table: what was checked, and a one-line reason naming what was expected and
// what was seen (URL, status, header, field).
struct Check {
  std::string name;
  Outcome outcome = Outcome::pass;
  std::string reason;
};

Check pass(std::string name, std::string reason);
Check fail(std::string name, std::string reason);
Check skip(std::string name, std::string reason);

// The Bearer challenge of a WWW-Authenticate value (RFC 9110 §11.6.1, RFC 6750 §3). The value may
// carry several challenges (`Basic realm="x", Bearer resource_metadata="…"`); parameter names are
// lower-cased, quoted-string escapes undone.
struct BearerChallenge {
  std::map<std::string, std::string> params;
  std::optional<std::string> param(std::string_view lower_name) const;
};
std::optional<BearerChallenge> parse_bearer_challenge(std::string_view header);

// The MCP URL the user pastes: http(s), a host, no fragment.
struct McpUrl {
  std::string url;     // as given
  std::string origin;  // scheme://host[:port], scheme and host lower-cased
  std::string path;    // "/mcp"; "" when the URL has no path
};
Expected<McpUrl, std::string> parse_mcp_url(std::string_view text);

// "/mcp" ↔ "/mcp/" (the query, if any, is kept).
std::string toggle_trailing_slash(std::string_view url);

// RFC 9728 §3.1: the path-aware well-known URL inserts the resource's path after the well-known
// suffix; the root one drops it.
std::string prm_path_aware_url(const McpUrl& mcp);
std::string prm_root_url(const McpUrl& mcp);

// RFC 9728 §3.3: `resource` must be the URL the client used. Compared exactly, except that one
// trailing '/' on either side is ignored (clients differ there; shared/mcp-spec.md §8).
bool same_resource(std::string_view advertised, std::string_view used);

// Where a client looks for an authorization server's metadata, in the order it tries them
// (2025-11-25 authorization-server-discovery; RFC 8414 §3.1 path insertion; OIDC Discovery §4 and
// its path-appended form). An issuer with a path also falls back to the root documents, as older
// TypeScript SDK clients do.
struct MetadataLocation {
  std::string label;  // "RFC 8414 path-aware", "OIDC root", …
  std::string url;
};
std::vector<MetadataLocation> as_metadata_locations(std::string_view issuer);

// The origin of an absolute http(s) URL, scheme and host lower-cased; empty when it is not one.
std::string origin_of(std::string_view url);

// The body as a JSON object, or why it is not one.
Expected<boost::json::object, std::string> parse_object(std::string_view body);

// RFC 9728 document: `resource` equals the URL used and `authorization_servers` lists at least one
// string. Returns the faults, empty when the document is sound.
std::vector<std::string> protected_resource_faults(const boost::json::object& doc, std::string_view used_url);

// RFC 8414 document checks, each one row of the table.
// `expected_from` names where the expected issuer came from ("authorization_servers[0]", "the MCP origin").
Check check_issuer(const boost::json::object& doc, std::string_view expected_issuer, std::string_view doc_url,
                   std::string_view expected_from = "authorization_servers[0]");
Check check_pkce(const boost::json::object& doc);
Check check_response_type(const boost::json::object& doc);
Check check_endpoints(const boost::json::object& doc, std::string_view issuer);
Check check_token_auth_none(const boost::json::object& doc);

// The string members of a JSON array field; empty when the field is absent or not an array.
std::vector<std::string> string_list(const boost::json::object& doc, std::string_view field);
// A string field, empty when absent or not a string.
std::string string_field(const boost::json::object& doc, std::string_view field);

}  // namespace mcpedge::app::doctor
