// Cold start probe: starts a server, polls it as fast as it can with one HTTP request until the
// reply is 200, then reports the time from exec to that reply and the server's RSS after it has
// sat idle for a while. Built by bench/run.sh (g++ -O2); no dependencies beyond POSIX.
//   coldstart PORT REQUEST_FILE IDLE_MS -- PROGRAM ARGS...
// Prints: ready_us=N idle_rss_kb=N
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// One attempt: connect, send, read the status line. True on "HTTP/1.1 200".
bool attempt(unsigned short port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char status[16] = {};
    std::size_t got = 0;
    while (got < 12) {
      ssize_t n = recv(fd, status + got, 12 - got, 0);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    ok = got == 12 && std::strncmp(status, "HTTP/1.1 200", 12) == 0;
  }
  close(fd);
  return ok;
}

long rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6 || std::string(argv[4]) != "--") {
    std::cerr << "usage: coldstart PORT REQUEST_FILE IDLE_MS -- PROGRAM ARGS...\n";
    return 2;
  }
  auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  std::ifstream file(argv[2], std::ios::binary);
  std::stringstream request;
  request << file.rdbuf();
  int idle_ms = std::atoi(argv[3]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  auto start = Clock::now();
  if (posix_spawn(&pid, argv[5], &actions, nullptr, argv + 5, environ) != 0) {
    std::perror("posix_spawn");
    return 1;
  }
  auto deadline = start + std::chrono::seconds(10);
  bool ready = false;
  while (!ready && Clock::now() < deadline) {
    ready = attempt(port, request.str());
    if (!ready) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        std::cerr << "coldstart: the server exited before answering\n";
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  auto ready_us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  if (!ready) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    std::cerr << "coldstart: no 200 reply within 10 s\n";
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(idle_ms));
  long rss = rss_kb(pid);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::cout << "ready_us=" << ready_us << " idle_rss_kb=" << rss << '\n';
  return 0;
}
