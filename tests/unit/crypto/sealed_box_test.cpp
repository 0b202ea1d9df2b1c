// Tests for sealed boxes: round trips, the wire form, tampering, purposes, expiry, key rotation.
#include "crypto/sealed_box.hpp"

#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>

namespace mcpedge::crypto {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using Clock = std::chrono::system_clock;

const Clock::time_point k_now = Clock::time_point(std::chrono::seconds(1'700'000'000));
const Clock::time_point k_expiry = k_now + 1h;

KeyRing::Key key_filled_with(unsigned char seed) {
  KeyRing::Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(seed + i);
  return key;
}

std::uint8_t id_of(const KeyRing::Key& key) { return KeyRing::from_keys({key})->active_id(); }

// Decodes a sealed value, lets `edit` change its bytes, and re-encodes it.
template <class Edit>
std::string tampered(const std::string& sealed, Edit edit) {
  std::string raw = base64url_decode(sealed).value();
  edit(raw);
  return base64url_encode(raw);
}

OpenError open_error(const KeyRing& keys, Purpose purpose, std::string_view sealed, Clock::time_point now = k_now) {
  auto opened = open(keys, purpose, sealed, now);
  EXPECT_FALSE(opened.has_value()) << "opened as \"" << (opened ? *opened : "") << "\"";
  return opened ? OpenError{} : opened.error();
}

class SealedBox : public ::testing::Test {
 protected:
  std::shared_ptr<const KeyRing> keys_ = KeyRing::from_keys({key_filled_with(0)});
};

TEST_F(SealedBox, OpensToTheSealedPayload) {
  const std::string sealed = seal(*keys_, Purpose::session_id, "session 42", k_expiry);
  auto opened = open(*keys_, Purpose::session_id, sealed, k_now);
  ASSERT_TRUE(opened.has_value()) << to_string(opened.error());
  EXPECT_EQ(*opened, "session 42");
}

TEST_F(SealedBox, RoundTripsEmptyAndBinaryPayloads) {
  std::string binary = "\0\xff\x01\n\"="s;
  binary.append(1000, 'x');
  for (const std::string& payload : {""s, binary}) {
    auto opened = open(*keys_, Purpose::at_rest, seal(*keys_, Purpose::at_rest, payload, k_expiry), k_now);
    ASSERT_TRUE(opened.has_value()) << to_string(opened.error());
    EXPECT_EQ(*opened, payload);
  }
}

TEST_F(SealedBox, WireFormIsVersionKeyIdNonceCiphertextTag) {
  const std::string sealed = seal(*keys_, Purpose::list_cursor, "abc", k_expiry);
  EXPECT_EQ(sealed.find_first_of("+/="), std::string::npos) << "base64url without padding";
  const std::string raw = base64url_decode(sealed).value();
  ASSERT_EQ(raw.size(), 1u + 1 + 12 + 8 + 3 + 16);
  EXPECT_EQ(static_cast<unsigned char>(raw[0]), 1);
  EXPECT_EQ(static_cast<std::uint8_t>(raw[1]), keys_->active_id());
  EXPECT_EQ(raw.find("abc"), std::string::npos) << "payload appears in clear";
}

TEST_F(SealedBox, OpensAValueSealedByAnIndependentImplementation) {
  // Built with Python `cryptography` from the header's description: master 00 01 … 1f, purpose
  // list_cursor, nonce 64 65 … 6f, expiry 1800000000, payload "cursor:42".
  const std::string sealed = "AWNkZWZnaGlqa2xtbm-QUHXnPMQELZp0TW8Rex5SGpAc8PJvTpWFvldXrh8NFIQ";
  auto opened = open(*keys_, Purpose::list_cursor, sealed, k_now);
  ASSERT_TRUE(opened.has_value()) << to_string(opened.error());
  EXPECT_EQ(*opened, "cursor:42");
  const auto expiry = Clock::time_point(std::chrono::seconds(1'800'000'000));
  EXPECT_EQ(open_error(*keys_, Purpose::list_cursor, sealed, expiry), OpenError::expired);
}

TEST_F(SealedBox, SealingTheSamePayloadTwiceGivesDifferentValues) {
  EXPECT_NE(seal(*keys_, Purpose::csrf, "same", k_expiry), seal(*keys_, Purpose::csrf, "same", k_expiry));
}

TEST_F(SealedBox, ValueSealedForOnePurposeDoesNotOpenAsAnother) {
  const std::string sealed = seal(*keys_, Purpose::authorization_code, "code", k_expiry);
  EXPECT_EQ(open_error(*keys_, Purpose::access_token, sealed), OpenError::forged);
  EXPECT_EQ(open_error(*keys_, Purpose::session_id, sealed), OpenError::forged);
}

TEST_F(SealedBox, ChangingAnyByteAfterTheHeaderIsForged) {
  const std::string sealed = seal(*keys_, Purpose::access_token, "token", k_expiry);
  const std::size_t size = base64url_decode(sealed)->size();
  for (std::size_t i = 2; i < size; ++i) {
    const std::string forged = tampered(sealed, [i](std::string& raw) { raw[i] ^= 0x01; });
    EXPECT_EQ(open_error(*keys_, Purpose::access_token, forged), OpenError::forged) << "byte " << i;
  }
}

TEST_F(SealedBox, TruncatedOrExtendedValueIsForgedOrMalformed) {
  const std::string sealed = seal(*keys_, Purpose::access_token, "token", k_expiry);
  EXPECT_EQ(open_error(*keys_, Purpose::access_token, tampered(sealed, [](std::string& raw) { raw.pop_back(); })),
            OpenError::forged);
  EXPECT_EQ(open_error(*keys_, Purpose::access_token, tampered(sealed, [](std::string& raw) { raw.push_back('\0'); })),
            OpenError::forged);
  EXPECT_EQ(open_error(*keys_, Purpose::access_token,
                       tampered(sealed, [](std::string& raw) { raw.resize(2 + 12 + 8 + 15); })),
            OpenError::malformed);
}

TEST_F(SealedBox, MalformedInputIsReportedAsMalformed) {
  EXPECT_EQ(open_error(*keys_, Purpose::session_id, ""), OpenError::malformed);
  EXPECT_EQ(open_error(*keys_, Purpose::session_id, "not a sealed value"), OpenError::malformed);
  EXPECT_EQ(open_error(*keys_, Purpose::session_id, base64url_encode("\x01"s)), OpenError::malformed);
  const std::string sealed = seal(*keys_, Purpose::session_id, "s", k_expiry);
  EXPECT_EQ(open_error(*keys_, Purpose::session_id, sealed + "="), OpenError::malformed);
}

TEST_F(SealedBox, UnknownVersionIsMalformed) {
  const std::string sealed = seal(*keys_, Purpose::session_id, "s", k_expiry);
  EXPECT_EQ(open_error(*keys_, Purpose::session_id, tampered(sealed, [](std::string& raw) { raw[0] = 2; })),
            OpenError::malformed);
}

TEST_F(SealedBox, ExpiresAtTheExpiryInstant) {
  const std::string sealed = seal(*keys_, Purpose::consent_cookie, "consent", k_expiry);
  EXPECT_TRUE(open(*keys_, Purpose::consent_cookie, sealed, k_expiry - 1s).has_value());
  EXPECT_EQ(open_error(*keys_, Purpose::consent_cookie, sealed, k_expiry), OpenError::expired);
  EXPECT_EQ(open_error(*keys_, Purpose::consent_cookie, sealed, k_expiry + 24h), OpenError::expired);
}

TEST_F(SealedBox, ExpiryIsRoundedDownToAWholeSecond) {
  // Rounding down means a value never outlives the expiry its sealer asked for.
  const std::string sealed = seal(*keys_, Purpose::csrf, "csrf", k_expiry + 900ms);
  EXPECT_TRUE(open(*keys_, Purpose::csrf, sealed, k_expiry - 1ms).has_value());
  EXPECT_EQ(open_error(*keys_, Purpose::csrf, sealed, k_expiry + 1ms), OpenError::expired);
}

TEST_F(SealedBox, ValueSealedWithAPastExpiryNeverOpens) {
  const std::string sealed = seal(*keys_, Purpose::upstream_state, "state", k_now - 1s);
  EXPECT_EQ(open_error(*keys_, Purpose::upstream_state, sealed), OpenError::expired);
  const std::string before_epoch = seal(*keys_, Purpose::upstream_state, "state", Clock::time_point(-5s));
  EXPECT_EQ(open_error(*keys_, Purpose::upstream_state, before_epoch), OpenError::expired);
}

TEST_F(SealedBox, ForgeryIsReportedBeforeExpiry) {
  const std::string sealed = seal(*keys_, Purpose::access_token, "t", k_now - 1s);
  const std::string forged = tampered(sealed, [](std::string& raw) { raw.back() ^= 0x80; });
  EXPECT_EQ(open_error(*keys_, Purpose::access_token, forged), OpenError::forged);
}

TEST(SealedBoxRotation, OlderKeyStillOpensAfterANewKeyIsAddedInFront) {
  const KeyRing::Key a = key_filled_with(0);
  const KeyRing::Key b = key_filled_with(100);
  ASSERT_NE(id_of(a), id_of(b));
  const std::string sealed = seal(*KeyRing::from_keys({a}), Purpose::client_registration, "client", k_expiry);

  auto opened = open(*KeyRing::from_keys({b, a}), Purpose::client_registration, sealed, k_now);
  ASSERT_TRUE(opened.has_value()) << to_string(opened.error());
  EXPECT_EQ(*opened, "client");
}

TEST(SealedBoxRotation, ValueFromARemovedKeyIsUnknownKey) {
  const KeyRing::Key a = key_filled_with(0);
  const KeyRing::Key b = key_filled_with(100);
  const std::string sealed = seal(*KeyRing::from_keys({a}), Purpose::client_registration, "client", k_expiry);
  EXPECT_EQ(open_error(*KeyRing::from_keys({b}), Purpose::client_registration, sealed), OpenError::unknown_key);
}

TEST(SealedBoxRotation, NewValuesAreSealedWithTheActiveKey) {
  const KeyRing::Key a = key_filled_with(0);
  const KeyRing::Key b = key_filled_with(100);
  const auto rotated = KeyRing::from_keys({b, a});
  const std::string sealed = seal(*rotated, Purpose::session_id, "s", k_expiry);
  EXPECT_EQ(static_cast<std::uint8_t>(base64url_decode(sealed)->at(1)), id_of(b));
  EXPECT_EQ(open_error(*KeyRing::from_keys({a}), Purpose::session_id, sealed), OpenError::unknown_key);
  EXPECT_TRUE(open(*KeyRing::from_keys({b}), Purpose::session_id, sealed, k_now).has_value());
}

TEST(SealedBoxRotation, ValueFromAnotherKeyWithTheSameIdIsForged) {
  // Find two masters whose 1-byte ids collide: the id selects the key, the tag still decides.
  std::array<int, 256> seed_by_id;
  seed_by_id.fill(-1);
  std::pair<KeyRing::Key, KeyRing::Key> pair;
  for (int seed = 0;; ++seed) {
    ASSERT_LT(seed, 256);
    const std::uint8_t id = id_of(key_filled_with(static_cast<unsigned char>(seed)));
    if (seed_by_id[id] >= 0) {
      pair = {key_filled_with(static_cast<unsigned char>(seed_by_id[id])),
              key_filled_with(static_cast<unsigned char>(seed))};
      break;
    }
    seed_by_id[id] = seed;
  }
  const std::string sealed = seal(*KeyRing::from_keys({pair.first}), Purpose::at_rest, "row", k_expiry);
  EXPECT_EQ(open_error(*KeyRing::from_keys({pair.second}), Purpose::at_rest, sealed), OpenError::forged);
}

TEST(OpenError, ToStringGivesShortWords) {
  EXPECT_STREQ(to_string(OpenError::malformed), "malformed");
  EXPECT_STREQ(to_string(OpenError::unknown_key), "unknown key");
  EXPECT_STREQ(to_string(OpenError::forged), "forged");
  EXPECT_STREQ(to_string(OpenError::expired), "expired");
}

}  // namespace
}  // namespace mcpedge::crypto
