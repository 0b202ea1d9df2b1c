// The idle-RSS floor for bench/run.sh: a process that only loads the libraries mcpedge links, linked
// the same way (OpenSSL shared; SQLite and the C++ runtime static, as in a release build; libcurl not
// at all, because mcpedge loads it on its first outbound request), and initializes the C ones as
// mcpedge does at start-up, then waits. Its VmRSS is what any program built on these Debian libraries
// pays before it does anything; the harness prints it beside mcpedge's idle RSS. Prints "ready" once
// initialized; exits on SIGTERM.
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>

int main() {
  OPENSSL_init_crypto(0, nullptr);
  sqlite3_initialize();
  std::printf("ready\n");
  std::fflush(stdout);
  pause();
}
