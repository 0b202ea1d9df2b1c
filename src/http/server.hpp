// The HTTP server: one event loop and one listening socket (SO_REUSEPORT) per worker thread.
#pragma once

#include "http/client.hpp"
#include "http/mailbox.hpp"
#include "http/message.hpp"
#include "http/sse_writer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace mcpedge::http {

struct ServerLimits {
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds idle_timeout{60000};      // keep-alive wait for the next request
  std::chrono::milliseconds read_timeout{30000};      // a started request must arrive whole by then
  std::chrono::milliseconds write_timeout{30000};     // per write; slower readers are dropped
  std::chrono::milliseconds drain_timeout{10000};     // SIGTERM: in-flight calls get this long
  std::chrono::milliseconds stream_retry_hint{2000};  // `retry:` sent on streams closed by a drain
};

class Connection;

struct ListenInfo {
  boost::asio::ip::tcp::endpoint endpoint;
  bool loopback = false;
};

// One thread's share of the server: its loop, its acceptor, its connections and streams, and its
// outbound HTTP client. Everything here is touched only from this worker's loop.
class Worker {
 public:
  Worker(std::size_t index, const ServerLimits& limits);
  ~Worker();

  std::size_t index() const { return index_; }
  boost::asio::io_context& loop() { return loop_; }
  boost::asio::any_io_executor executor() { return loop_.get_executor(); }
  HttpClient& client() { return *client_; }
  const ServerLimits& limits() const { return limits_; }
  bool draining() const { return draining_; }

  // A mailbox for a new stream, closed by the server when it drains.
  std::shared_ptr<Mailbox> open_stream();
  void close_stream(const std::shared_ptr<Mailbox>& mailbox);
  std::size_t open_streams() const { return streams_.size() + relays_.size(); }

 private:
  friend class Server;
  friend class Connection;
  friend class SseRelay;

  struct ListenInfo {
    boost::asio::ip::tcp::endpoint endpoint;
    bool loopback = false;
  };
  void begin_drain();
  // A connection ended; the last one to end during a drain releases the drain deadline.
  void connection_closed(Connection* connection);
  // A relayed stream ended; like a connection, it may be the last thing a drain waits for.
  void relay_ended();
  void finish_drain_if_done();

  std::size_t index_;
  const ServerLimits& limits_;
  boost::asio::io_context loop_{1};
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::unique_ptr<HttpClient> client_;
  std::unordered_set<Connection*> connections_;
  std::unordered_set<std::shared_ptr<Mailbox>> streams_;  // streams with a coroutine of their own
  RelaySchedule relays_{loop_.get_executor()};            // streams handed over by SseWriter::relay
  bool draining_ = false;
  std::optional<boost::asio::steady_timer> drain_deadline_;
};

class Server {
 public:
  Server(ServerLimits limits, std::size_t threads, Handler handler);
  ~Server();

  // Binds every worker's acceptor to host:port (port 0 picks one); returns the bound endpoint.
  boost::asio::ip::tcp::endpoint listen(const std::string& host, unsigned short port);
  // Runs the workers until a drain completes; handles SIGTERM and SIGINT as stop().
  void run();
  // Thread-safe: stop accepting, close idle connections and streams, let in-flight calls finish.
  void stop();

  // Before run(): replaces the limits (e.g. once the config could be read after binding port 0).
  void set_limits(const ServerLimits& limits) { limits_ = limits; }
  // Before run(): the handler, when it can only be built after listen().
  void set_handler(Handler handler) { handler_ = std::move(handler); }
  // Before run(): called on worker 0's loop when the drain begins, to end background tasks (timers)
  // that would otherwise keep the loop running.
  void on_drain(std::function<void()> callback) { drain_callbacks_.push_back(std::move(callback)); }

  std::size_t worker_count() const { return workers_.size(); }
  Worker& worker(std::size_t i) { return *workers_[i]; }
  bool draining() const { return draining_.load(); }

 private:
  boost::asio::awaitable<void> accept_loop(Worker& worker);

  ServerLimits limits_;
  Handler handler_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<bool> draining_{false};
  std::vector<std::function<void()>> drain_callbacks_;
  std::optional<boost::asio::signal_set> signals_;  // worker 0's loop; cancelled by stop()
};

}  // namespace mcpedge::http
