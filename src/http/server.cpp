// Server: accept loops, one coroutine per connection, limits, SSE streaming and graceful drain.
#include "http/server.hpp"

#include "http/sse_writer.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>

#include <sys/socket.h>

namespace mcpedge::http {

namespace {
using tcp = asio::ip::tcp;
constexpr auto k_use = asio::as_tuple(asio::use_awaitable);
using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
}  // namespace

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Worker& worker, const Handler& handler)
      : stream_(std::move(socket)), worker_(worker), handler_(handler) {
    beast::error_code ec;
    remote_ = stream_.socket().remote_endpoint(ec);
  }

  asio::awaitable<void> run();

  // Drain: a connection waiting for its next request is closed now; a busy one after its reply.
  void close_if_idle() {
    if (idle_) stream_.cancel();
  }

 private:
  asio::awaitable<bool> write_reply(Reply& reply, bool keep_alive);
  asio::awaitable<bool> write_stream(Reply& reply, bool keep_alive);
  asio::awaitable<bool> write_stream_head(const Response& reply_head, bool keep_alive);
  asio::awaitable<void> reject(Status status, std::string_view reason);
  static asio::awaitable<void> watch_peer(std::shared_ptr<Connection> self, std::shared_ptr<Mailbox> mailbox);

  // Reads get their own deadline: beast's stream timeout closes the socket, which would leave no
  // way to answer 408. This one only cancels the read.
  void arm_read_deadline(std::chrono::milliseconds after);
  void disarm_read_deadline() { read_deadline_.cancel(); }

  beast::tcp_stream stream_;
  Worker& worker_;
  const Handler& handler_;
  tcp::endpoint remote_;
  asio::steady_timer read_deadline_{stream_.get_executor()};
  bool read_timed_out_ = false;
  bool idle_ = true;
};

void Connection::arm_read_deadline(std::chrono::milliseconds after) {
  read_timed_out_ = false;
  read_deadline_.expires_after(after);
  read_deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    self->read_timed_out_ = true;
    beast::error_code ignored;
    self->stream_.socket().cancel(ignored);
  });
}

asio::awaitable<void> Connection::reject(Status status, std::string_view reason) {
  Reply reply = error_reply(status, reason);
  co_await write_reply(reply, false);
}

asio::awaitable<void> Connection::run() {
  auto self = shared_from_this();
  worker_.connections_.insert(this);
  const ServerLimits& limits = worker_.limits();
  beast::flat_buffer buffer;
  for (;;) {
    if (worker_.draining_) break;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    idle_ = buffer.size() == 0;
    arm_read_deadline(idle_ ? limits.idle_timeout : limits.read_timeout);
    auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer, parser, k_use);
    disarm_read_deadline();
    (void)n;
    idle_ = false;
    if (ec == bhttp::error::header_limit) {
      co_await reject(Status::request_header_fields_too_large,
                      "request headers exceed " + std::to_string(limits.max_header_bytes) + " bytes");
      break;
    }
    if (ec == bhttp::error::body_limit) {
      co_await reject(Status::payload_too_large,
                      "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes");
      break;
    }
    // A partial header stays unconsumed in `buffer`, which tells a stalled request from an idle
    // keep-alive connection (closed quietly).
    if (read_timed_out_ && buffer.size() > 0) {
      co_await reject(Status::request_timeout, "request headers did not arrive in time");
      break;
    }
    if (ec) {
      if (ec != bhttp::error::end_of_stream && ec != asio::error::eof && ec != asio::error::operation_aborted &&
          ec != asio::error::connection_reset) {
        co_await reject(Status::bad_request, "malformed HTTP request (" + ec.message() + ")");
      }
      break;
    }
    if (!parser.is_done()) {
      arm_read_deadline(limits.read_timeout);
      auto [ec2, n2] = co_await bhttp::async_read(stream_, buffer, parser, k_use);
      disarm_read_deadline();
      (void)n2;
      if (ec2 == bhttp::error::body_limit) {
        co_await reject(Status::payload_too_large,
                        "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes");
        break;
      }
      if (read_timed_out_) {
        co_await reject(Status::request_timeout, "request body did not arrive in time");
        break;
      }
      if (ec2) {
        if (ec2 != bhttp::error::end_of_stream && ec2 != asio::error::eof && ec2 != asio::error::connection_reset &&
            ec2 != asio::error::operation_aborted) {
          co_await reject(Status::bad_request, "malformed HTTP request body (" + ec2.message() + ")");
        }
        break;
      }
    }
    stream_.expires_never();

    Request request = parser.release();
    bool keep_alive = request.keep_alive();
    std::string_view target = request.target();
    auto q = target.find('?');
    Incoming incoming{request, remote_, worker_, target.substr(0, q),
                      q == std::string_view::npos ? std::string_view{} : target.substr(q + 1)};
    Reply reply;
    try {
      reply = co_await handler_(incoming);
    } catch (const std::exception& e) {
      spdlog::error("handler for {} {} failed: {}", std::string(request.method_string()), std::string(incoming.path),
                    e.what());
      reply = error_reply(Status::internal_server_error, "the server failed to handle this request; see its log");
    }
    if (worker_.draining_) keep_alive = false;
    bool ok = false;
    if (reply.stream) {
      // A stream may stay open for hours with nothing to send: give back what the request held
      // (stream bodies capture what they need by value).
      request = {};
      if (buffer.size() == 0) buffer.shrink_to_fit();
      ok = co_await write_stream(reply, keep_alive);
    } else {
      ok = co_await write_reply(reply, keep_alive);
    }
    if (!ok || !keep_alive) break;
  }
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.close();
  worker_.connection_closed(this);
}

asio::awaitable<bool> Connection::write_reply(Reply& reply, bool keep_alive) {
  reply.head.version(11);
  reply.head.keep_alive(keep_alive);
  reply.head.prepare_payload();
  stream_.expires_after(worker_.limits().write_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream_, reply.head, k_use);
  (void)n;
  stream_.expires_never();
  co_return !ec;
}

asio::awaitable<void> Connection::watch_peer(std::shared_ptr<Connection> self, std::shared_ptr<Mailbox> mailbox) {
  char byte = 0;
  auto [ec, n] = co_await self->stream_.socket().async_read_some(asio::buffer(&byte, 1), k_use);
  (void)n;
  // Data or EOF while we stream means the peer is done with us; an abort means we cancelled.
  if (ec != asio::error::operation_aborted) mailbox->close(Mailbox::CloseReason::peer_gone);
}

asio::awaitable<bool> Connection::write_stream_head(const Response& reply_head, bool keep_alive) {
  bhttp::response<bhttp::empty_body> head{reply_head.result(), 11};
  for (const auto& field : reply_head) head.set(field.name_string(), field.value());
  head.erase(Field::content_length);
  head.chunked(true);
  head.keep_alive(keep_alive);
  bhttp::response_serializer<bhttp::empty_body> serializer{head};
  stream_.expires_after(worker_.limits().write_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(stream_, serializer, k_use);
  (void)n;
  stream_.expires_never();
  co_return !ec;
}

asio::awaitable<bool> Connection::write_stream(Reply& reply, bool keep_alive) {
  // The head and its serializer live in their own coroutine frame, gone before the stream idles.
  if (!co_await write_stream_head(reply.head, keep_alive)) co_return false;
  reply.head = {};

  auto mailbox = worker_.open_stream();
  asio::co_spawn(stream_.get_executor(), watch_peer(shared_from_this(), mailbox), asio::detached);
  SseWriter writer(stream_, worker_, mailbox, worker_.limits().write_timeout);
  try {
    co_await reply.stream(writer);
  } catch (const std::exception& e) {
    spdlog::error("stream to {} failed: {}", remote_.address().to_string(), e.what());
  }
  if (auto relay = writer.take_relay()) {
    if (writer.ok() && mailbox->close_reason() != Mailbox::CloseReason::peer_gone) {
      // The socket moves to a relay (release_socket cancels watch_peer's read) and this connection,
      // its coroutines and its timers end here: an idle stream keeps only what SseRelay holds.
      worker_.streams_.erase(mailbox);
      SseRelay::start(stream_.release_socket(), worker_, mailbox, std::move(*relay));
      co_return false;
    }
    if (relay->on_end) relay->on_end();
  }
  worker_.close_stream(mailbox);
  if (!writer.ok() || mailbox->close_reason() == Mailbox::CloseReason::peer_gone) co_return false;
  if (worker_.draining_) co_await writer.retry(worker_.limits().stream_retry_hint);
  beast::error_code ignored;
  stream_.socket().cancel(ignored);  // stops watch_peer before the next read
  stream_.expires_after(worker_.limits().write_timeout);
  auto last = bhttp::make_chunk_last();
  auto [ec2, n2] = co_await asio::async_write(stream_, last, k_use);
  (void)n2;
  stream_.expires_never();
  co_return !ec2 && writer.ok();
}

Worker::Worker(std::size_t index, const ServerLimits& limits)
    : index_(index), limits_(limits), client_(std::make_unique<HttpClient>(loop_)) {}

Worker::~Worker() = default;

std::shared_ptr<Mailbox> Worker::open_stream() {
  auto mailbox = std::make_shared<Mailbox>(executor());
  if (draining_) mailbox->close(Mailbox::CloseReason::draining);
  streams_.insert(mailbox);
  return mailbox;
}

void Worker::close_stream(const std::shared_ptr<Mailbox>& mailbox) {
  mailbox->close(Mailbox::CloseReason::ended);
  streams_.erase(mailbox);
}

void Worker::begin_drain() {
  if (draining_) return;
  draining_ = true;
  if (acceptor_) {
    beast::error_code ignored;
    acceptor_->close(ignored);
  }
  for (auto* connection : connections_) connection->close_if_idle();
  for (const auto& mailbox : streams_) mailbox->close(Mailbox::CloseReason::draining);
  relays_.close_all(Mailbox::CloseReason::draining);
  drain_deadline_.emplace(loop_, limits_.drain_timeout);
  drain_deadline_->async_wait([this](beast::error_code ec) {
    if (ec) return;  // every connection ended in time
    spdlog::warn("drain deadline: closing {} connections and {} streams on worker {}", connections_.size(),
                 relays_.size(), index_);
    client_->cancel_all();
    loop_.stop();
  });
  finish_drain_if_done();
}

void Worker::connection_closed(Connection* connection) {
  connections_.erase(connection);
  finish_drain_if_done();
}

void Worker::relay_ended() { finish_drain_if_done(); }

void Worker::finish_drain_if_done() {
  if (draining_ && connections_.empty() && relays_.empty() && drain_deadline_) drain_deadline_->cancel();
}

Server::Server(ServerLimits limits, std::size_t threads, Handler handler)
    : limits_(limits), handler_(std::move(handler)) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>(i, limits_));
}

Server::~Server() = default;

tcp::endpoint Server::listen(const std::string& host, unsigned short port) {
  auto address = asio::ip::make_address(host);
  tcp::endpoint bound{address, port};
  for (auto& worker : workers_) {
    auto acceptor = std::make_unique<tcp::acceptor>(worker->loop());
    acceptor->open(bound.protocol());
    acceptor->set_option(tcp::acceptor::reuse_address(true));
    acceptor->set_option(reuse_port(true));
    acceptor->bind(bound);
    acceptor->listen(asio::socket_base::max_listen_connections);
    bound = acceptor->local_endpoint();  // port 0: the others join the port the first one got
    worker->acceptor_ = std::move(acceptor);
  }
  return bound;
}

asio::awaitable<void> Server::accept_loop(Worker& worker) {
  for (;;) {
    auto [ec, socket] = co_await worker.acceptor_->async_accept(k_use);
    if (ec) {
      if (worker.draining_ || ec == asio::error::operation_aborted) co_return;
      // EMFILE and friends: back off briefly instead of spinning.
      spdlog::warn("accept failed on worker {}: {}", worker.index(), ec.message());
      asio::steady_timer pause(worker.loop(), std::chrono::milliseconds(50));
      co_await pause.async_wait(k_use);
      continue;
    }
    socket.set_option(tcp::no_delay(true));
    auto connection = std::make_shared<Connection>(std::move(socket), worker, handler_);
    asio::co_spawn(worker.loop(), connection->run(), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("connection ended with an exception: {}", ex.what());
      }
    });
  }
}

void Server::stop() {
  if (draining_.exchange(true)) return;
  spdlog::info("draining: no new connections; in-flight calls get {} ms",
               static_cast<long long>(limits_.drain_timeout.count()));
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    asio::post(w->loop(), [w] { w->begin_drain(); });
  }
  // The signal wait is what keeps worker 0's loop alive once its connections are gone.
  asio::post(workers_[0]->loop(), [this] {
    if (signals_) signals_->cancel();
    for (auto& callback : drain_callbacks_) callback();
  });
}

void Server::run() {
  for (auto& worker : workers_) {
    if (!worker->acceptor_) throw std::logic_error("Server::run before listen");
    asio::co_spawn(worker->loop(), accept_loop(*worker), asio::detached);
  }
  signals_.emplace(workers_[0]->loop(), SIGTERM, SIGINT);
  signals_->async_wait([this](beast::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("received signal {}", sig);
    stop();
  });
  if (draining_) signals_->cancel();  // stop() came before run()

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers_.size(); ++i) {
    threads.emplace_back([w = workers_[i].get()] { w->loop().run(); });
  }
  workers_[0]->loop().run();
  for (auto& t : threads) t.join();
  spdlog::info("drained; exiting");
}

}  // namespace mcpedge::http
