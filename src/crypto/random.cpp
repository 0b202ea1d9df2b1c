// Cryptographically secure random bytes and tokens (OpenSSL's CSPRNG).
#include "crypto/random.hpp"

#include "crypto/encoding.hpp"

#include <openssl/rand.h>
#include <pthread.h>

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>

namespace mcpedge::crypto {

namespace {

void fill_random(unsigned char* p, std::size_t n) {
  // RAND_bytes takes an int; a request larger than INT_MAX is served in chunks.
  for (std::size_t done = 0; done < n;) {
    const std::size_t chunk = std::min<std::size_t>(n - done, INT_MAX);
    // A CSPRNG failure leaves no safe way to mint keys, nonces or tokens: fail loudly.
    if (RAND_bytes(p + done, static_cast<int>(chunk)) != 1) {
      throw std::runtime_error("OpenSSL RAND_bytes failed: the system random source is unavailable");
    }
    done += chunk;
  }
}

constexpr std::size_t k_nonce_block = 1024;

struct NonceBlock {
  std::array<unsigned char, k_nonce_block> bytes{};
  std::size_t used = k_nonce_block;  // nothing left: the first nonce fills it
};

thread_local NonceBlock t_nonces;

// Runs in a child process right after fork(), on the one thread it has (the one that forked).
void forget_nonces() { t_nonces.used = k_nonce_block; }

}  // namespace

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  fill_random(reinterpret_cast<unsigned char*>(out.data()), n);
  return out;
}

std::string random_nonce(std::size_t n) {
  static const bool registered = pthread_atfork(nullptr, nullptr, forget_nonces) == 0;
  if (!registered) throw std::runtime_error("pthread_atfork failed: nonces would repeat in a child process");
  if (n > k_nonce_block / 4) return random_bytes(n);
  NonceBlock& block = t_nonces;
  if (k_nonce_block - block.used < n) {
    fill_random(block.bytes.data(), block.bytes.size());
    block.used = 0;
  }
  std::string out(reinterpret_cast<const char*>(block.bytes.data() + block.used), n);
  block.used += n;
  return out;
}

std::string random_token(std::size_t n) { return base64url_encode(random_bytes(n)); }

}  // namespace mcpedge::crypto
