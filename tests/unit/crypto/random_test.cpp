// Tests for random bytes, nonces and tokens: requested sizes, base64url shape, no repeats (across
// threads and a fork for nonces).
#include "crypto/random.hpp"

#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mcpedge::crypto {
namespace {

TEST(RandomBytes, ReturnsExactlyTheRequestedNumberOfBytes) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(1).size(), 1u);
  EXPECT_EQ(random_bytes(32).size(), 32u);
  EXPECT_EQ(random_bytes(4097).size(), 4097u);
}

TEST(RandomBytes, SuccessiveCallsDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(seen.insert(random_bytes(16)).second) << "repeated 16-byte value at call " << i;
  }
}

TEST(RandomBytes, UsesTheWholeByteRange) {
  // 64 KiB from a uniform source hits every byte value (missing one has probability ~e^-250).
  const std::string bytes = random_bytes(64 * 1024);
  std::set<unsigned char> values(bytes.begin(), bytes.end());
  EXPECT_EQ(values.size(), 256u);
}

TEST(RandomToken, IsBase64UrlOfTheRequestedNumberOfBytes) {
  const std::string token = random_token();
  EXPECT_EQ(token.size(), 43u) << "32 bytes is 43 unpadded base64url characters";
  const auto decoded = base64url_decode(token);
  ASSERT_TRUE(decoded.has_value()) << token;
  EXPECT_EQ(decoded->size(), 32u);

  const auto short_token = base64url_decode(random_token(9));
  ASSERT_TRUE(short_token.has_value());
  EXPECT_EQ(short_token->size(), 9u);
}

TEST(RandomToken, SuccessiveTokensDiffer) { EXPECT_NE(random_token(), random_token()); }

TEST(RandomNonce, ReturnsTheRequestedSizeAndNeverRepeatsAcrossManyBlocks) {
  std::set<std::string> seen;
  for (int i = 0; i < 20'000; ++i) {  // 12 bytes each: ~230 refills of the per-thread block
    std::string nonce = random_nonce(12);
    ASSERT_EQ(nonce.size(), 12u);
    EXPECT_TRUE(seen.insert(std::move(nonce)).second) << "repeated at " << i;
  }
  EXPECT_EQ(random_nonce(0).size(), 0u);
  EXPECT_EQ(random_nonce(1000).size(), 1000u);  // larger than a block's share: drawn directly
}

TEST(RandomNonce, ThreadsNeverShareBytes) {
  std::mutex mutex;
  std::set<std::string> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < 2'000; ++i) mine.push_back(random_nonce(12));
      std::lock_guard lock(mutex);
      for (auto& nonce : mine) seen.insert(std::move(nonce));
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(seen.size(), 8'000u);
}

TEST(RandomNonce, AForkedChildDoesNotRepeatItsParentsNonces) {
  random_nonce(12);  // this thread's block is filled: what it hands out next is already in memory
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string nonce = random_nonce(12);
    const bool written = ::write(pipe_fds[1], nonce.data(), nonce.size()) == static_cast<ssize_t>(nonce.size());
    ::_exit(written ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  const std::string mine = random_nonce(12);
  std::string theirs(12, '\0');
  EXPECT_EQ(::read(pipe_fds[0], theirs.data(), theirs.size()), 12);
  ::close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(mine, theirs);
}

}  // namespace
}  // namespace mcpedge::crypto
