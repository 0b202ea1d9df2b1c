// RFC 7591 registration whose client_id is the sealed registration, and secrets derived from it.
#include "oauth/clients.hpp"

#include "crypto/encoding.hpp"
#include "crypto/sealed_box.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/array.hpp>

namespace mcpedge::oauth {

namespace json = boost::json;

namespace {

// A registered client_id is this prefix followed by a sealed box (crypto/sealed_box.hpp) whose
// payload is the compact encoding below: 5 + ceil(4 * (38 + payload) / 3) characters, the payload
// being about 8 bytes plus the name, the scope and each redirect URI. Measured
// (clients_test.cpp, ClientIdLength): Claude Code's native registration (11-character name, one
// 30-character loopback redirect) gives a 124-character client_id; a web client with two https
// redirects (52 and 36 characters) 199. The worst case the limits allow (20 redirect URIs of 2000
// characters, 200-character name, 1000-character scope) is about 56 KB: clients keep it, but it no
// longer fits in an authorization URL, so such registrations would have to be stored instead.
constexpr std::string_view k_prefix = "mcpc_";

// Payload, version 1: version(1) | flags(1) | issued_at(4, seconds, big-endian) |
// str client_name | str scope | count(1) | str redirect_uri * count, where str = LEB128 length +
// bytes. flags: bit 0 native, bits 1-2 token endpoint auth method, bit 3 refresh_token grant.
constexpr std::uint8_t k_payload_version = 1;

void put_varint(std::string& out, std::size_t n) {
  while (n >= 0x80) {
    out += static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  out += static_cast<char>(n);
}

void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

std::string encode(const RegisteredClient& client) {
  std::string out;
  out += static_cast<char>(k_payload_version);
  unsigned flags = (client.application_type == ApplicationType::native ? 1u : 0u) |
                   (static_cast<unsigned>(client.token_endpoint_auth_method) << 1) |
                   (client.refresh_token_grant ? 8u : 0u);
  out += static_cast<char>(flags);
  auto issued = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(client.issued_at.time_since_epoch()).count());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((issued >> shift) & 0xff);
  put_string(out, client.client_name);
  put_string(out, client.scope);
  out += static_cast<char>(client.redirect_uris.size());
  for (const auto& uri : client.redirect_uris) put_string(out, uri);
  return out;
}

// Reads the payload back; any inconsistency leaves `ok` false.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == data_.size(); }

  std::uint8_t byte() {
    if (pos_ >= data_.size()) return fail(), 0;
    return static_cast<std::uint8_t>(data_[pos_++]);
  }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
    return v;
  }
  std::string string() {
    std::size_t n = 0;
    for (int shift = 0; shift < 28; shift += 7) {
      std::uint8_t b = byte();
      n |= static_cast<std::size_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    if (!ok_ || n > data_.size() - pos_) return fail(), std::string();
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }

 private:
  void fail() { ok_ = false; }
  std::string_view data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

std::optional<RegisteredClient> decode(std::string_view payload) {
  Reader in(payload);
  if (in.byte() != k_payload_version) return std::nullopt;
  RegisteredClient client;
  std::uint8_t flags = in.byte();
  client.application_type = (flags & 1) != 0 ? ApplicationType::native : ApplicationType::web;
  unsigned method = (flags >> 1) & 3;
  if (method > static_cast<unsigned>(TokenEndpointAuthMethod::client_secret_post)) return std::nullopt;
  client.token_endpoint_auth_method = static_cast<TokenEndpointAuthMethod>(method);
  client.refresh_token_grant = (flags & 8) != 0;
  client.issued_at = std::chrono::system_clock::time_point(std::chrono::seconds(in.u32()));
  client.client_name = in.string();
  client.scope = in.string();
  std::uint8_t count = in.byte();
  for (std::uint8_t i = 0; i < count && in.ok(); ++i) client.redirect_uris.push_back(in.string());
  if (!in.ok() || !in.done() || client.redirect_uris.empty()) return std::nullopt;
  return client;
}

// The secret of a confidential client: HMAC-SHA256 over its client_id, keyed by a key derived from
// the client-registration subkey of the master that sealed it (key id = byte 1 of the box), so the
// AEAD key itself never doubles as a MAC key and key rotation keeps old secrets valid.
std::optional<std::string> derive_secret(const crypto::KeyRing& keys, std::string_view client_id) {
  if (!client_id.starts_with(k_prefix)) return std::nullopt;
  auto box = crypto::base64url_decode(client_id.substr(k_prefix.size()));
  if (!box || box->size() < 2) return std::nullopt;
  const crypto::KeyRing::Key* subkey =
      keys.subkey(static_cast<std::uint8_t>((*box)[1]), crypto::Purpose::client_registration);
  if (subkey == nullptr) return std::nullopt;
  constexpr std::string_view k_label = "mcpedge client_secret v1";
  unsigned char secret_key[EVP_MAX_MD_SIZE];
  unsigned int secret_key_length = 0;
  HMAC(EVP_sha256(), subkey->data(), static_cast<int>(subkey->size()),
       reinterpret_cast<const unsigned char*>(k_label.data()), k_label.size(), secret_key, &secret_key_length);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), secret_key, static_cast<int>(secret_key_length),
       reinterpret_cast<const unsigned char*>(client_id.data()), client_id.size(), mac, &mac_length);
  return crypto::base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), mac_length));
}

json::object response_body(const RegisteredClient& client, const std::string& secret) {
  json::object body;
  body["client_id"] = client.client_id;
  body["client_id_issued_at"] =
      std::chrono::duration_cast<std::chrono::seconds>(client.issued_at.time_since_epoch()).count();
  if (!secret.empty()) {
    body["client_secret"] = secret;
    body["client_secret_expires_at"] = 0;  // RFC 7591 §3.2.1: 0 = does not expire
  }
  json::array uris;
  for (const auto& uri : client.redirect_uris) uris.emplace_back(uri);
  body["redirect_uris"] = std::move(uris);
  if (!client.client_name.empty()) body["client_name"] = client.client_name;
  body["token_endpoint_auth_method"] = to_string(client.token_endpoint_auth_method);
  json::array grants{"authorization_code"};
  if (client.refresh_token_grant) grants.emplace_back("refresh_token");
  body["grant_types"] = std::move(grants);
  body["response_types"] = json::array{"code"};
  body["application_type"] = to_string(client.application_type);
  if (!client.scope.empty()) body["scope"] = client.scope;
  return body;
}

Unexpected<ClientError> invalid_client(std::string description) {
  return Unexpected{ClientError{"invalid_client", std::move(description)}};
}

}  // namespace

Expected<RegistrationResponse, RegistrationError> register_client(const crypto::KeyRing& keys,
                                                                  const json::value& request,
                                                                  std::chrono::system_clock::time_point now,
                                                                  const RegistrationOptions& options) {
  const json::object* metadata = request.if_object();
  if (metadata == nullptr) {
    return Unexpected{RegistrationError{"invalid_client_metadata", "the registration request must be a JSON object"}};
  }
  auto client = validate_client_metadata(*metadata, TokenEndpointAuthMethod::client_secret_basic, options);
  if (!client) return Unexpected{client.error()};
  RegistrationResponse response;
  response.client = std::move(*client);
  response.client.kind = ClientKind::registered;
  response.client.issued_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
  response.client.client_id = std::string(k_prefix) + crypto::seal(keys, crypto::Purpose::client_registration,
                                                                   encode(response.client), now + options.lifetime);
  if (response.client.confidential()) response.client_secret = *derive_secret(keys, response.client.client_id);
  response.body = response_body(response.client, response.client_secret);
  return response;
}

Expected<RegisteredClient, ClientError> open_client(const crypto::KeyRing& keys, std::string_view client_id,
                                                    std::chrono::system_clock::time_point now) {
  if (!client_id.starts_with(k_prefix)) {
    return invalid_client("client_id was not issued by this server; register the client first (POST /register)");
  }
  auto payload = crypto::open(keys, crypto::Purpose::client_registration, client_id.substr(k_prefix.size()), now);
  if (!payload && payload.error() == crypto::OpenError::expired) {
    return invalid_client("the registration of this client_id has expired; register the client again");
  }
  if (!payload) {
    return invalid_client(
        "client_id was not issued by this server, or its key has been retired; register the client again");
  }
  auto client = decode(*payload);
  if (!client) return invalid_client("client_id holds an unreadable registration; register the client again");
  client->client_id = std::string(client_id);
  client->kind = ClientKind::registered;
  return std::move(*client);
}

bool check_secret(const crypto::KeyRing& keys, const RegisteredClient& client, std::string_view presented) {
  if (client.kind != ClientKind::registered || !client.confidential()) return false;
  auto expected = derive_secret(keys, client.client_id);
  return expected && crypto::constant_time_equal(*expected, presented);
}

}  // namespace mcpedge::oauth
