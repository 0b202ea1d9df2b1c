// Tests for the key ring: MCPEDGE_KEYS parsing and its errors, key ids, HKDF subkeys.
#include "crypto/key_ring.hpp"

#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

namespace mcpedge::crypto {
namespace {

::testing::AssertionResult has_substr(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

KeyRing::Key key_filled_with(unsigned char seed) {
  KeyRing::Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(seed + i);
  return key;
}

std::string encode(const KeyRing::Key& key) {
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

std::uint8_t expected_id(const KeyRing::Key& key) {
  return static_cast<std::uint8_t>(sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()))[0]);
}

// Two distinct keys whose SHA-256 starts with the same byte (found by search; the birthday
// bound makes this take a few dozen tries).
std::pair<KeyRing::Key, KeyRing::Key> keys_with_colliding_ids() {
  std::array<int, 256> seed_by_id;
  seed_by_id.fill(-1);
  for (int seed = 0; seed < 256; ++seed) {
    const std::uint8_t id = expected_id(key_filled_with(static_cast<unsigned char>(seed)));
    if (seed_by_id[id] >= 0) {
      return {key_filled_with(static_cast<unsigned char>(seed_by_id[id])),
              key_filled_with(static_cast<unsigned char>(seed))};
    }
    seed_by_id[id] = seed;
  }
  throw std::logic_error("no colliding key ids among 256 keys");
}

std::string parse_error(std::string_view spec) {
  auto ring = KeyRing::parse(spec);
  EXPECT_FALSE(ring.has_value()) << "spec \"" << spec << "\" parsed";
  return ring.has_value() ? std::string() : ring.error().message;
}

TEST(KeyRing, GeneratedKeyIsBase64UrlOfThirtyTwoBytesAndParses) {
  const std::string key = KeyRing::generate_key();
  EXPECT_EQ(key.size(), 43u);
  EXPECT_EQ(base64url_decode(key)->size(), 32u);
  auto ring = KeyRing::parse(key);
  ASSERT_TRUE(ring.has_value()) << ring.error().message;
  EXPECT_EQ((*ring)->size(), 1u);
  EXPECT_NE(KeyRing::generate_key(), key);
}

TEST(KeyRing, ParsesCommaSeparatedKeysActiveFirstAndTrimsWhitespace) {
  const KeyRing::Key a = key_filled_with(0);
  const KeyRing::Key b = key_filled_with(100);
  auto ring = KeyRing::parse(" " + encode(a) + " ,\n\t" + encode(b) + "\n");
  ASSERT_TRUE(ring.has_value()) << ring.error().message;
  EXPECT_EQ((*ring)->size(), 2u);
  EXPECT_EQ((*ring)->active_id(), expected_id(a));
  EXPECT_NE((*ring)->subkey(expected_id(b), Purpose::session_id), nullptr);
}

TEST(KeyRing, KeyIdIsTheFirstByteOfTheMasterKeysSha256) {
  const KeyRing::Key a = key_filled_with(0);
  ASSERT_EQ(expected_id(a), 0x63);  // SHA-256(00 01 … 1f) = 630dcd29…
  EXPECT_EQ(KeyRing::from_keys({a})->active_id(), 0x63);
}

TEST(KeyRing, EmptySpecIsAnError) {
  EXPECT_TRUE(has_substr(parse_error(""), "MCPEDGE_KEYS is empty"));
  EXPECT_TRUE(has_substr(parse_error("  \n"), "mcpedge keys generate"));
}

TEST(KeyRing, ErrorNamesTheEntryThatIsNotBase64Url) {
  const std::string good = encode(key_filled_with(0));
  const std::string message = parse_error(good + ",not*base64url");
  EXPECT_TRUE(has_substr(message, "MCPEDGE_KEYS entry 2: not 32 bytes of base64url"));
  EXPECT_TRUE(has_substr(message, "run `mcpedge keys generate`"));
}

TEST(KeyRing, ErrorSaysHowManyBytesAWrongSizedKeyHas) {
  const std::string sixteen = base64url_encode(std::string(16, 'k'));
  const std::string message = parse_error(sixteen);
  EXPECT_TRUE(has_substr(message, "MCPEDGE_KEYS entry 1: not 32 bytes of base64url"));
  EXPECT_TRUE(has_substr(message, "16 bytes"));
  EXPECT_TRUE(has_substr(parse_error(base64url_encode(std::string(33, 'k'))), "33 bytes"));
}

TEST(KeyRing, RejectsStandardBase64AndPaddedKeys) {
  const std::string raw = std::string(31, '\xff') + '\xfe';
  EXPECT_TRUE(has_substr(parse_error(base64_encode(raw)), "entry 1: not 32 bytes of base64url"));
  EXPECT_TRUE(has_substr(parse_error(encode(key_filled_with(0)) + "="), "entry 1"));
}

TEST(KeyRing, EmptyEntryBetweenCommasIsAnError) {
  const std::string good = encode(key_filled_with(0));
  EXPECT_TRUE(has_substr(parse_error(good + ","), "MCPEDGE_KEYS entry 2: empty"));
  EXPECT_TRUE(has_substr(parse_error(good + ", ," + good), "MCPEDGE_KEYS entry 2: empty"));
}

TEST(KeyRing, DuplicateKeyIsAnErrorNamingBothEntries) {
  const std::string a = encode(key_filled_with(0));
  const std::string b = encode(key_filled_with(100));
  const std::string message = parse_error(a + "," + b + "," + a);
  EXPECT_TRUE(has_substr(message, "entry 3"));
  EXPECT_TRUE(has_substr(message, "same key as entry 1"));
}

TEST(KeyRing, KeysWhoseIdsCollideAreAnError) {
  const auto [first, second] = keys_with_colliding_ids();
  ASSERT_NE(first, second);
  ASSERT_EQ(expected_id(first), expected_id(second));
  const std::string message = parse_error(encode(first) + "," + encode(second));
  EXPECT_TRUE(has_substr(message, "MCPEDGE_KEYS entry 2: key id"));
  EXPECT_TRUE(has_substr(message, "entry 1"));
  EXPECT_THROW(KeyRing::from_keys({first, second}), std::invalid_argument);
}

TEST(KeyRing, FromKeysNeedsAtLeastOneKey) { EXPECT_THROW(KeyRing::from_keys({}), std::invalid_argument); }

TEST(KeyRing, SubkeysAreHkdfSha256WithThePurposeAsInfo) {
  // Computed independently (`openssl kdf … HKDF`, Python hmac): HKDF-SHA256, no salt,
  // info "mcpedge/1" and "mcpedge/9". Pinning them keeps sealed values readable across releases.
  const auto ring = KeyRing::from_keys({key_filled_with(0)});
  const KeyRing::Key& session = ring->active_subkey(Purpose::session_id);
  const KeyRing::Key& at_rest = ring->active_subkey(Purpose::at_rest);
  EXPECT_EQ(hex_encode(std::string_view(reinterpret_cast<const char*>(session.data()), session.size())),
            "00131a5c4479e4c5f4b8d1166bd8bd4f5a4a90f5a80bd1f0ce3e47a41be60289");
  EXPECT_EQ(hex_encode(std::string_view(reinterpret_cast<const char*>(at_rest.data()), at_rest.size())),
            "2aa95441d5af2a8f7978c778fb98d6ef73ce33d7177a0e6527d787e3db373687");
}

TEST(KeyRing, EveryPurposeHasItsOwnSubkeyDistinctFromTheMaster) {
  const KeyRing::Key master = key_filled_with(0);
  const auto ring = KeyRing::from_keys({master});
  std::set<KeyRing::Key> seen{master};
  for (int p = 1; p <= 9; ++p) {
    const auto purpose = static_cast<Purpose>(p);
    const KeyRing::Key* key = ring->subkey(ring->active_id(), purpose);
    ASSERT_NE(key, nullptr) << "purpose " << p;
    EXPECT_EQ(key, &ring->active_subkey(purpose));
    EXPECT_TRUE(seen.insert(*key).second) << "purpose " << p << " repeats another key";
  }
}

TEST(KeyRing, SameMasterAlwaysDerivesTheSameSubkeys) {
  const std::string spec = encode(key_filled_with(7));
  const auto first = KeyRing::parse(spec);
  const auto second = KeyRing::parse(spec);
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ((*first)->active_subkey(Purpose::csrf), (*second)->active_subkey(Purpose::csrf));
}

TEST(KeyRing, OlderKeysAreFoundByIdAndUnknownIdsAreNot) {
  const KeyRing::Key a = key_filled_with(0);
  const KeyRing::Key b = key_filled_with(100);
  ASSERT_NE(expected_id(a), expected_id(b));
  const auto ring = KeyRing::from_keys({b, a});
  const auto only_a = KeyRing::from_keys({a});
  EXPECT_EQ(ring->active_id(), expected_id(b));
  const KeyRing::Key* older = ring->subkey(expected_id(a), Purpose::access_token);
  ASSERT_NE(older, nullptr);
  EXPECT_EQ(*older, only_a->active_subkey(Purpose::access_token));

  std::uint8_t unknown = 0;
  while (unknown == expected_id(a) || unknown == expected_id(b)) ++unknown;
  EXPECT_EQ(ring->subkey(unknown, Purpose::access_token), nullptr);
}

}  // namespace
}  // namespace mcpedge::crypto
