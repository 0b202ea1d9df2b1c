// Fixed-rate (open-loop) HTTP/1.1 load: requests are due at evenly spaced instants, whatever the
// server does, and each latency is measured from the instant the request was due (a request that
// waits for a free connection counts its wait), so queueing is never hidden (no "coordinated
// omission"). wrk's pacing, by contrast, sleeps after each reply on millisecond timers, which sends
// requests in bursts and then measures the burst as the server's latency. Built by bench/run.sh.
//   paced URL RATE SECONDS CONNECTIONS [WARMUP_SECONDS]
// The request comes from the environment, as for wrk/post.lua: BENCH_METHOD (default POST),
// BENCH_BODY, BENCH_HEADERS ("Name: value" lines). Replies need a Content-Length.
// Prints one line: rate=… requests=… non2xx=… p50_us=… p90_us=… p99_us=… p999_us=… max_us=…
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Nanos = std::chrono::nanoseconds;

struct Target {
  std::string host = "127.0.0.1";
  unsigned short port = 80;
  std::string path = "/";
};

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "paced: %s\n", why.c_str());
  std::exit(2);
}

Target parse_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) die("only http:// URLs: " + std::string(url));
  url.remove_prefix(scheme.size());
  Target t;
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  t.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  auto colon = authority.rfind(':');
  t.host = std::string(authority.substr(0, colon));
  if (colon != std::string_view::npos)
    t.port = static_cast<unsigned short>(std::atoi(authority.substr(colon + 1).data()));
  return t;
}

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

std::string build_request(const Target& t) {
  std::string method = env_or("BENCH_METHOD", "POST");
  std::string body = env_or("BENCH_BODY", "");
  std::string req = method + " " + t.path + " HTTP/1.1\r\nHost: " + t.host + ":" + std::to_string(t.port) + "\r\n";
  std::string headers = env_or("BENCH_HEADERS", "");
  std::size_t start = 0;
  while (start < headers.size()) {
    std::size_t end = headers.find('\n', start);
    if (end == std::string::npos) end = headers.size();
    std::string line = headers.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) req += line + "\r\n";
    start = end + 1;
  }
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  return req;
}

struct Connection {
  int fd = -1;
  bool busy = false;
  Clock::time_point due;  // when the request in flight was due
  std::string in;
};

int open_connection(const Target& t) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(t.port);
  if (inet_pton(AF_INET, t.host.c_str(), &addr.sin_addr) != 1) die("the host must be an IPv4 address: " + t.host);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    die("connect " + t.host + ":" + std::to_string(t.port) + ": " + std::strerror(errno));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

// Bytes of one complete reply at the front of `in`, or 0 while incomplete; sets `status`.
std::size_t complete_reply(const std::string& in, int& status) {
  auto head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return 0;
  if (in.size() < 12 || in.compare(0, 5, "HTTP/") != 0) die("not an HTTP reply: " + in.substr(0, 40));
  status = std::atoi(in.c_str() + 9);
  std::size_t length = 0;
  bool have_length = false;
  std::size_t pos = in.find("\r\n") + 2;
  while (pos < head_end) {
    std::size_t eol = in.find("\r\n", pos);
    std::string_view line(in.data() + pos, eol - pos);
    if (line.size() > 15 && strncasecmp(line.data(), "content-length:", 15) == 0) {
      length = std::strtoul(line.data() + 15, nullptr, 10);
      have_length = true;
    }
    pos = eol + 2;
  }
  if (!have_length) die("a reply without Content-Length: " + in.substr(0, head_end));
  std::size_t total = head_end + 4 + length;
  return in.size() >= total ? total : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) die("usage: paced URL RATE SECONDS CONNECTIONS [WARMUP_SECONDS]");
  Target target = parse_url(argv[1]);
  double rate = std::atof(argv[2]);
  double seconds = std::atof(argv[3]);
  int connection_count = std::atoi(argv[4]);
  double warmup = argc > 5 ? std::atof(argv[5]) : 0;
  if (rate <= 0 || seconds <= 0 || connection_count <= 0) die("RATE, SECONDS and CONNECTIONS must be positive");
  const std::string request = build_request(target);

  // Sleeps end when the next request is due, not up to 50 µs later (the default timer slack).
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  int epoll = epoll_create1(0);
  std::vector<Connection> connections(static_cast<std::size_t>(connection_count));
  std::vector<Connection*> idle;
  for (std::size_t i = 0; i < connections.size(); ++i) {
    connections[i].fd = open_connection(target);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(epoll, EPOLL_CTL_ADD, connections[i].fd, &ev);
    idle.push_back(&connections[i]);
  }

  const auto interval = Nanos(static_cast<long long>(1e9 / rate));
  const auto start = Clock::now();
  const auto measured_from = start + Nanos(static_cast<long long>(warmup * 1e9));
  const auto end = measured_from + Nanos(static_cast<long long>(seconds * 1e9));
  auto next_due = start;
  std::deque<Clock::time_point> waiting;  // due but no connection free yet
  std::vector<std::uint32_t> latencies;
  latencies.reserve(static_cast<std::size_t>(rate * seconds * 1.1));
  long long non2xx = 0;
  std::size_t in_flight = 0;
  char buffer[65536];
  epoll_event events[256];

  while (true) {
    auto now = Clock::now();
    while (next_due <= now && next_due < end) {
      waiting.push_back(next_due);
      next_due += interval;
    }
    while (!waiting.empty() && !idle.empty()) {
      Connection* c = idle.back();
      idle.pop_back();
      c->busy = true;
      c->due = waiting.front();
      waiting.pop_front();
      ssize_t sent = send(c->fd, request.data(), request.size(), MSG_NOSIGNAL);
      if (sent != static_cast<ssize_t>(request.size())) die("send did not take the whole request");
      ++in_flight;
    }
    if (next_due >= end && waiting.empty() && in_flight == 0) break;
    // Sleep until the next request is due (nanosecond timeout), or a reply arrives.
    timespec timeout{};
    const timespec* wait_for = nullptr;
    if (next_due < end && waiting.empty()) {
      auto left = std::max(Nanos(0), std::chrono::duration_cast<Nanos>(next_due - Clock::now()));
      timeout.tv_sec = left.count() / 1'000'000'000;
      timeout.tv_nsec = left.count() % 1'000'000'000;
      wait_for = &timeout;
    }
    int n = epoll_pwait2(epoll, events, 256, wait_for, nullptr);
    if (n < 0 && errno != EINTR) die(std::string("epoll_pwait2: ") + std::strerror(errno));
    for (int i = 0; i < n; ++i) {
      Connection& c = connections[events[i].data.u64];
      while (true) {
        ssize_t got = recv(c.fd, buffer, sizeof buffer, 0);
        if (got > 0) {
          c.in.append(buffer, static_cast<std::size_t>(got));
          continue;
        }
        if (got == 0) die("the server closed a connection");
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        die(std::string("recv: ") + std::strerror(errno));
      }
      int status = 0;
      while (std::size_t used = complete_reply(c.in, status)) {
        c.in.erase(0, used);
        if (!c.busy) die("a reply nobody asked for");
        auto done = Clock::now();
        if (c.due >= measured_from) {
          latencies.push_back(
              static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(done - c.due).count()));
          if (status < 200 || status > 299) ++non2xx;
        }
        c.busy = false;
        --in_flight;
        idle.push_back(&c);
      }
    }
  }
  for (auto& c : connections) close(c.fd);
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) -> std::uint32_t {
    if (latencies.empty()) return 0;
    auto idx = static_cast<std::size_t>(p / 100.0 * static_cast<double>(latencies.size()));
    return latencies[std::min(idx, latencies.size() - 1)];
  };
  std::printf("rate=%.0f requests=%zu non2xx=%lld p50_us=%u p90_us=%u p99_us=%u p999_us=%u max_us=%u\n",
              static_cast<double>(latencies.size()) / seconds, latencies.size(), non2xx, pct(50), pct(90), pct(99),
              pct(99.9), latencies.empty() ? 0 : latencies.back());
  return 0;
}
