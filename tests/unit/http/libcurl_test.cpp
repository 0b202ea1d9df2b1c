// Loading libcurl on first use: the real library, a missing one, and one that is not libcurl.
#include "http/libcurl.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mcpedge::http {
namespace {

TEST(Libcurl, LoadsTheSystemLibraryWithEveryFunction) {
  auto loaded = load_libcurl(k_libcurl_soname);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_GE(loaded->version_info(CURLVERSION_NOW)->version_num, k_libcurl_min_version);
  CURL* easy = loaded->easy_init();
  ASSERT_NE(easy, nullptr);
  EXPECT_EQ(loaded->easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "https"), CURLE_OK);
  loaded->easy_cleanup(easy);
  EXPECT_STREQ(loaded->multi_strerror(CURLM_BAD_HANDLE), "Invalid multi handle");
}

TEST(Libcurl, IsLoadedOnceForTheProcess) {
  const auto& first = libcurl();
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(&first, &libcurl());
  EXPECT_EQ(first->easy_init, libcurl()->easy_init);
}

TEST(Libcurl, AMissingLibraryIsNamedInTheError) {
  auto loaded = load_libcurl("libmcpedge-no-such-library.so.1");
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(loaded.error().starts_with("cannot load libmcpedge-no-such-library.so.1: ")) << loaded.error();
  EXPECT_NE(loaded.error().find("No such file"), std::string::npos) << loaded.error();
}

TEST(Libcurl, ALibraryThatIsNotLibcurlListsTheFunctionsItLacks) {
  auto loaded = load_libcurl("libz.so.1");
  ASSERT_FALSE(loaded);
  EXPECT_TRUE(loaded.error().starts_with("libz.so.1 lacks curl_global_init, curl_version_info, curl_easy_init"))
      << loaded.error();
  EXPECT_TRUE(loaded.error().ends_with("curl_multi_cleanup, curl_multi_strerror")) << loaded.error();
}

}  // namespace
}  // namespace mcpedge::http
