// The client registry: RFC 7591 registration, with the registration sealed into the client_id.
#pragma once

#include "base/expected.hpp"
#include "crypto/key_ring.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::oauth {

enum class ClientKind : std::uint8_t {
  registered,         // RFC 7591: the client_id is "mcpc_" + the sealed registration
  metadata_document,  // CIMD: the client_id is the https URL of its metadata document
};

enum class ApplicationType : std::uint8_t { web, native };  // OIDC Registration §2

enum class TokenEndpointAuthMethod : std::uint8_t { none, client_secret_basic, client_secret_post };

const char* to_string(ApplicationType type);
const char* to_string(TokenEndpointAuthMethod method);

// What the authorization server knows about a client; only what it needs, since a registered
// client carries all of it inside its client_id.
struct RegisteredClient {
  std::string client_id;
  ClientKind kind = ClientKind::registered;
  std::string client_name;                 // may be empty: the consent page then names the redirect host
  std::vector<std::string> redirect_uris;  // as registered, byte for byte
  ApplicationType application_type = ApplicationType::web;
  TokenEndpointAuthMethod token_endpoint_auth_method = TokenEndpointAuthMethod::client_secret_basic;
  bool refresh_token_grant = false;  // grant_types has refresh_token (authorization_code is implied)
  std::string scope;                 // space-separated; empty when the client named none
  std::chrono::system_clock::time_point issued_at{};

  bool confidential() const { return token_endpoint_auth_method != TokenEndpointAuthMethod::none; }
};

// RFC 7591 §3.2.2: `error` is "invalid_redirect_uri" or "invalid_client_metadata"; the description
// names the field and what to send instead.
struct RegistrationError {
  std::string error;
  std::string error_description;
};

// A client_id that cannot be used: `error` is "invalid_client" (RFC 6749 §5.2).
struct ClientError {
  std::string error;
  std::string error_description;
};

struct RegistrationOptions {
  // Development only: let web clients register http://localhost redirect URIs.
  bool allow_insecure_web_loopback = false;
  // How long a client_id opens. Long, because clients keep it indefinitely; revocation goes to the
  // store's revocation list instead.
  std::chrono::seconds lifetime = std::chrono::hours(24 * 3653);
};

struct RegistrationResponse {
  RegisteredClient client;
  std::string client_secret;  // empty for public clients
  boost::json::object body;   // RFC 7591 §3.2.1, answered with 201
};

// Validates client metadata (RFC 7591 §2) into a client without id or issue time; shared by
// registration and client ID metadata documents. Unknown fields are ignored (RFC 7591 §2).
// `default_method` applies when token_endpoint_auth_method is absent.
Expected<RegisteredClient, RegistrationError> validate_client_metadata(const boost::json::object& metadata,
                                                                       TokenEndpointAuthMethod default_method,
                                                                       const RegistrationOptions& options);

// RFC 7591 §3.1: validates `request` and issues a client_id that is the registration itself,
// sealed (Purpose::client_registration), so registering writes nothing. Confidential clients get a
// secret derived from the client_id, which is therefore never stored either.
Expected<RegistrationResponse, RegistrationError> register_client(const crypto::KeyRing& keys,
                                                                  const boost::json::value& request,
                                                                  std::chrono::system_clock::time_point now,
                                                                  const RegistrationOptions& options = {});

// The registration inside a client_id issued by register_client. The caller still checks the
// store's revocation list.
Expected<RegisteredClient, ClientError> open_client(
    const crypto::KeyRing& keys, std::string_view client_id,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Whether `presented` is the secret of this (opened) confidential client, compared in constant
// time. Always false for public clients and CIMD clients.
bool check_secret(const crypto::KeyRing& keys, const RegisteredClient& client, std::string_view presented);

}  // namespace mcpedge::oauth
