// Form bodies (application/x-www-form-urlencoded) and browser cookies, as the consent pages read them.
#include "http/message.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace mcpedge::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(FormParams, PlusIsASpaceAndPercentEscapesAreDecoded) {
  auto params = form_params("name=Ada+Lovelace&uri=https%3A%2F%2Fh%2Fcb%3Fx%3D1&plus=1%2B1&u=%C3%BC");
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(*params,
            (Pairs{{"name", "Ada Lovelace"}, {"uri", "https://h/cb?x=1"}, {"plus", "1+1"}, {"u", "\xC3\xBC"}}));
}

TEST(FormParams, RepeatsAreKeptInOrder) {
  auto params = form_params("scope=a&state=s&scope=b&scope=a");
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(*params, (Pairs{{"scope", "a"}, {"state", "s"}, {"scope", "b"}, {"scope", "a"}}));
}

TEST(FormParams, KeyWithoutValueAndEqualsInValue) {
  auto params = form_params("flag&empty=&eq=a=b");
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(*params, (Pairs{{"flag", ""}, {"empty", ""}, {"eq", "a=b"}}));
}

TEST(FormParams, EmptyPairsAreSkipped) {
  auto params = form_params("a=1&&b=2&");
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(*params, (Pairs{{"a", "1"}, {"b", "2"}}));
}

TEST(FormParams, EmptyTextHasNoParameters) {
  auto params = form_params("");
  ASSERT_TRUE(params.has_value());
  EXPECT_TRUE(params->empty());
  auto from_null = form_params(std::string_view{});
  ASSERT_TRUE(from_null.has_value());
  EXPECT_TRUE(from_null->empty());
}

TEST(FormParams, InvalidPercentEncodingIsRefused) {
  EXPECT_EQ(form_params("a=%zz"), std::nullopt);
  EXPECT_EQ(form_params("a=1&b=%4"), std::nullopt);
  EXPECT_EQ(form_params("a%=1"), std::nullopt);
}

TEST(FormParams, ReadsOnlyTheGivenBytesOfALargerBuffer) {
  std::string body = "decision=approve&state=xyz%zz-not-part-of-the-view";
  auto params = form_params(std::string_view(body).substr(0, 26));  // "decision=approve&state=xyz"
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(*params, (Pairs{{"decision", "approve"}, {"state", "xyz"}}));
}

Request with_cookies(std::initializer_list<std::string_view> headers) {
  Request request{Verb::post, "/consent", 11};
  for (auto value : headers) request.insert(Field::cookie, value);
  return request;
}

TEST(Cookie, FindsEachOfSeveralInOneHeader) {
  auto request = with_cookies({"theme=dark; mcpedge_session=abc.def; lang=en"});
  EXPECT_EQ(cookie(request, "theme"), "dark");
  EXPECT_EQ(cookie(request, "mcpedge_session"), "abc.def");
  EXPECT_EQ(cookie(request, "lang"), "en");
}

TEST(Cookie, FindsCookiesInLaterCookieHeaders) {
  auto request = with_cookies({"a=1", "b=2; c=3"});
  EXPECT_EQ(cookie(request, "a"), "1");
  EXPECT_EQ(cookie(request, "b"), "2");
  EXPECT_EQ(cookie(request, "c"), "3");
}

TEST(Cookie, AbsentCookieOrHeaderIsNullopt) {
  EXPECT_EQ(cookie(with_cookies({}), "sid"), std::nullopt);
  EXPECT_EQ(cookie(with_cookies({"other=1"}), "sid"), std::nullopt);
  Request set_cookie_only{Verb::get, "/", 11};
  set_cookie_only.set(Field::set_cookie, "sid=1");
  EXPECT_EQ(cookie(set_cookie_only, "sid"), std::nullopt);
}

TEST(Cookie, NameMustMatchExactly) {
  auto request = with_cookies({"sid2=x; xsid=y; sid=z"});
  EXPECT_EQ(cookie(request, "sid"), "z");
  EXPECT_EQ(cookie(request, "si"), std::nullopt);
}

TEST(Cookie, ToleratesMissingAndExtraSpaces) {
  auto request = with_cookies({"a=1;b=2;   c=3  ; d="});
  EXPECT_EQ(cookie(request, "a"), "1");
  EXPECT_EQ(cookie(request, "b"), "2");
  EXPECT_EQ(cookie(request, "c"), "3");
  EXPECT_EQ(cookie(request, "d"), "");
}

TEST(Cookie, ValueMayContainEquals) { EXPECT_EQ(cookie(with_cookies({"tok=YWJj=="}), "tok"), "YWJj=="); }

}  // namespace
}  // namespace mcpedge::http
