// The upstream IdP's metadata (OpenID Connect Discovery 1.0 / RFC 8414): where its endpoints are.
#pragma once

#include "base/expected.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::identity {

// What mcpedge needs from the IdP; endpoints it does not need may be absent.
struct DiscoveryExpectations {
  std::string issuer;                        // the configured issuer, compared byte for byte
  bool need_jwks_uri = true;                 // identity from a signed id_token
  bool need_userinfo_endpoint = false;       // identity from userinfo
  bool need_introspection_endpoint = false;  // identity from RFC 7662 introspection
  // IdP quirk: the IdP accepts S256 but its metadata does not say so (no code_challenge_methods_supported).
  bool assume_s256 = false;
};

// Checked metadata: every endpoint present is an absolute https URL (http only for loopback hosts);
// absent optional endpoints are empty strings.
struct ProviderMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string userinfo_endpoint;
  std::string introspection_endpoint;
  std::string revocation_endpoint;
  std::string end_session_endpoint;
  std::vector<std::string> scopes_supported;
  std::vector<std::string> token_endpoint_auth_methods_supported;
  std::vector<std::string> id_token_signing_alg_values_supported;
  std::vector<std::string> code_challenge_methods_supported;
  bool authorization_response_iss_parameter_supported = false;  // RFC 9207
};

struct DiscoveryError {
  std::string message;  // what is wrong with the IdP or its configuration, and what to do
};

Expected<ProviderMetadata, DiscoveryError> parse_discovery(std::string_view json_text,
                                                           const DiscoveryExpectations& expected);
Expected<ProviderMetadata, DiscoveryError> parse_discovery(const boost::json::object& document,
                                                           const DiscoveryExpectations& expected);

// Where the metadata of `issuer` lives: OIDC Discovery §4 appends the well-known path to the issuer;
// RFC 8414 §3.1 inserts it between the host and the issuer's path. Errors when `issuer` is not a
// usable issuer (https, or http on loopback; no query or fragment).
Expected<std::string, DiscoveryError> openid_configuration_url(std::string_view issuer);
Expected<std::string, DiscoveryError> authorization_server_metadata_url(std::string_view issuer);

// An absolute https URL, or http whose host is loopback (127.0.0.0/8, [::1], localhost); no fragment.
bool is_secure_endpoint(std::string_view url);

}  // namespace mcpedge::identity
