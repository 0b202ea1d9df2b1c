// Tests for base64 / base64url, hex, SHA-256 and constant-time comparison against RFC vectors.
#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace mcpedge::crypto {
namespace {

using namespace std::string_literals;

// RFC 4648 §10.
const std::vector<std::pair<std::string, std::string>> k_rfc4648_base64 = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

std::string without_padding(std::string s) {
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::string all_byte_values() {
  std::string s;
  for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
  return s;
}

TEST(Base64, EncodesRfc4648VectorsWithPadding) {
  for (const auto& [plain, encoded] : k_rfc4648_base64) {
    EXPECT_EQ(base64_encode(plain), encoded) << "input \"" << plain << "\"";
  }
}

TEST(Base64, DecodesRfc4648VectorsPaddedAndUnpadded) {
  for (const auto& [plain, encoded] : k_rfc4648_base64) {
    EXPECT_EQ(base64_decode(encoded), plain) << encoded;
    EXPECT_EQ(base64_decode(without_padding(encoded)), plain) << without_padding(encoded);
  }
}

TEST(Base64, UsesPlusAndSlashForTheLastTwoDigits) {
  EXPECT_EQ(base64_encode("\xfb\xff"s), "+/8=");
  EXPECT_EQ(base64_decode("+/8="), "\xfb\xff"s);
}

TEST(Base64, RejectsMalformedText) {
  EXPECT_EQ(base64_decode("Z"), std::nullopt) << "one character cannot carry a byte";
  EXPECT_EQ(base64_decode("Zg="), std::nullopt) << "padding that does not complete a group";
  EXPECT_EQ(base64_decode("Zg==="), std::nullopt);
  EXPECT_EQ(base64_decode("===="), std::nullopt);
  EXPECT_EQ(base64_decode("Zm=v"), std::nullopt) << "padding in the middle";
  EXPECT_EQ(base64_decode("Zm9v\n"), std::nullopt);
  EXPECT_EQ(base64_decode("Zm9-"), std::nullopt) << "base64url digit in base64";
}

TEST(Base64, RejectsNonZeroLeftoverBitsSoEveryValueHasOneSpelling) {
  ASSERT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zh=="), std::nullopt);
  EXPECT_EQ(base64_decode("Zm9="), std::nullopt);
}

TEST(Base64, RoundTripsEveryByteValueAtEveryLength) {
  const std::string bytes = all_byte_values();
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string in = bytes.substr(bytes.size() - n);
    EXPECT_EQ(base64_decode(base64_encode(in)), in) << "length " << n;
  }
}

TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  for (const auto& [plain, encoded] : k_rfc4648_base64) {
    EXPECT_EQ(base64url_encode(plain), without_padding(encoded)) << "input \"" << plain << "\"";
    EXPECT_EQ(base64url_decode(without_padding(encoded)), plain);
  }
}

TEST(Base64Url, UsesDashAndUnderscoreForTheLastTwoDigits) {
  EXPECT_EQ(base64url_encode("\xfb\xff"s), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff"s);
}

TEST(Base64Url, RejectsPlusSlashAndPadding) {
  EXPECT_EQ(base64url_decode("+_8"), std::nullopt);
  EXPECT_EQ(base64url_decode("-/8"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);
}

TEST(Base64Url, RejectsInvalidCharactersAndLengths) {
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm 9v"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v\0"s), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v!"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v\xc3\xa9"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt) << "non-zero leftover bits";
}

TEST(Base64Url, RejectsABadCharacterAtEveryPosition) {
  // Whole groups are checked four characters at a time, the tail one by one: a character outside the
  // alphabet must be caught in every slot of both.
  const std::string encoded = base64url_encode(all_byte_values().substr(0, 41));  // 14 groups and a tail of 3
  ASSERT_EQ(encoded.size() % 4, 3u);
  for (const char bad : {'=', '+', '/', '!', ' ', '\0', '\x80', '\xff'}) {
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      std::string text = encoded;
      text[i] = bad;
      EXPECT_EQ(base64url_decode(text), std::nullopt)
          << "character " << int(static_cast<unsigned char>(bad)) << " at " << i;
    }
  }
}

TEST(Base64Url, DecodesEmptyTextToEmptyBytes) { EXPECT_EQ(base64url_decode(""), ""); }

TEST(Base64Url, RoundTripsEveryByteValueAtEveryLength) {
  const std::string bytes = all_byte_values();
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string in = bytes.substr(0, n);
    const std::string encoded = base64url_encode(in);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos) << encoded;
    EXPECT_EQ(base64url_decode(encoded), in) << "length " << n;
  }
}

TEST(Hex, EncodesLowercaseTwoDigitsPerByte) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode("\x00\x01\x7f\x80\xab\xff"s), "00017f80abff");
  EXPECT_EQ(hex_encode("foobar"), "666f6f626172");
}

TEST(Sha256, MatchesFips180KnownAnswers) {
  EXPECT_EQ(hex_encode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_encode(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, ReturnsThirtyTwoRawBytesAndHashesEmbeddedNuls) {
  EXPECT_EQ(sha256("a\0b"s).size(), 32u);
  EXPECT_NE(sha256("a\0b"s), sha256("a"));
}

TEST(ConstantTimeEqual, ComparesContents) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret-token", "secret-token"));
  EXPECT_FALSE(constant_time_equal("secret-token", "secret-tokeN"));
  EXPECT_FALSE(constant_time_equal("Secret-token", "secret-token"));
  EXPECT_TRUE(constant_time_equal("a\0b"s, "a\0b"s));
  EXPECT_FALSE(constant_time_equal("a\0b"s, "a\0c"s));
}

TEST(ConstantTimeEqual, DifferentLengthsAreNeverEqual) {
  EXPECT_FALSE(constant_time_equal("secret", "secret-token"));
  EXPECT_FALSE(constant_time_equal("secret-token", "secret"));
  EXPECT_FALSE(constant_time_equal("", "x"));
}

}  // namespace
}  // namespace mcpedge::crypto
