// Cryptographically secure random bytes and tokens (OpenSSL's CSPRNG).
#include "crypto/random.hpp"

#include "crypto/encoding.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace mcpedge::crypto {

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  // RAND_bytes takes an int; a request larger than INT_MAX is served in chunks.
  for (std::size_t done = 0; done < n;) {
    const std::size_t chunk = std::min<std::size_t>(n - done, INT_MAX);
    // A CSPRNG failure leaves no safe way to mint keys, nonces or tokens: fail loudly.
    if (RAND_bytes(p + done, static_cast<int>(chunk)) != 1) {
      throw std::runtime_error("OpenSSL RAND_bytes failed: the system random source is unavailable");
    }
    done += chunk;
  }
  return out;
}

std::string random_token(std::size_t n) { return base64url_encode(random_bytes(n)); }

}  // namespace mcpedge::crypto
