// Discovery documents: one issuer spelling everywhere, only what works is advertised.
#include "oauth/metadata.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace mcpedge::oauth {

namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& v : values) out.emplace_back(v);
  return out;
}

void append_quoted(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\r' || c == '\n') continue;  // a header value never carries line breaks
    out += c;
  }
  out += '"';
}

}  // namespace

std::string protected_resource_metadata_url(const ServerDescription& server) {
  return server.issuer + "/.well-known/oauth-protected-resource" + server.mcp_path;
}

std::string protected_resource_metadata(const ServerDescription& server) {
  json::object doc{{"resource", server.resource()},
                   {"authorization_servers", json::array{server.issuer}},
                   {"bearer_methods_supported", json::array{"header"}}};
  if (!server.scopes_supported.empty()) doc["scopes_supported"] = strings(server.scopes_supported);
  if (!server.resource_name.empty()) doc["resource_name"] = server.resource_name;
  return json::serialize(doc);
}

std::string authorization_server_metadata(const ServerDescription& server, bool openid) {
  const std::string& i = server.issuer;
  json::object doc{
      {"issuer", i},
      {"authorization_endpoint", i + "/authorize"},
      {"token_endpoint", i + "/token"},
      {"revocation_endpoint", i + "/revoke"},
      {"response_types_supported", json::array{"code"}},
      {"response_modes_supported", json::array{"query"}},
      {"grant_types_supported", json::array{"authorization_code", "refresh_token"}},
      {"code_challenge_methods_supported", json::array{"S256"}},
      {"token_endpoint_auth_methods_supported", json::array{"none", "client_secret_basic", "client_secret_post"}},
      {"revocation_endpoint_auth_methods_supported", json::array{"none", "client_secret_basic", "client_secret_post"}},
      {"authorization_response_iss_parameter_supported", true},
      {"client_id_metadata_document_supported", server.client_id_metadata_documents}};
  if (server.registration) doc["registration_endpoint"] = i + "/register";
  if (!server.scopes_supported.empty()) doc["scopes_supported"] = strings(server.scopes_supported);
  if (openid) {
    // OIDC Discovery 1.0 §3 requires these even though mcpedge issues no ID tokens to MCP clients.
    doc["subject_types_supported"] = json::array{"public"};
    doc["id_token_signing_alg_values_supported"] = json::array{"RS256"};
  }
  return json::serialize(doc);
}

std::string www_authenticate(const ServerDescription& server, const Challenge& challenge) {
  std::string out = "Bearer resource_metadata=";
  append_quoted(out, protected_resource_metadata_url(server));
  if (!challenge.scope.empty()) {
    out += ", scope=";
    append_quoted(out, challenge.scope);
  }
  if (challenge.error) {
    out += ", error=";
    append_quoted(out, *challenge.error);
    if (!challenge.description.empty()) {
      out += ", error_description=";
      append_quoted(out, challenge.description);
    }
  }
  return out;
}

}  // namespace mcpedge::oauth
