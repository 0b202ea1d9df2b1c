// HttpClient: libcurl's multi-socket API on an Asio loop. curl tells us which sockets to watch
// and when to wake it; Asio waits on those sockets and timers and hands readiness back to curl.
#include "http/client.hpp"
#include "base/ascii.hpp"
#include "http/libcurl.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include <sys/socket.h>
#include <unistd.h>

namespace mcpedge::http {

namespace asio = boost::asio;

const char* to_string(OutboundErrorKind kind) {
  switch (kind) {
    case OutboundErrorKind::timeout:
      return "timeout";
    case OutboundErrorKind::connect:
      return "connection failed";
    case OutboundErrorKind::resolve:
      return "name resolution failed";
    case OutboundErrorKind::tls:
      return "TLS failure";
    case OutboundErrorKind::protocol:
      return "invalid reply";
    case OutboundErrorKind::cancelled:
      return "cancelled";
    case OutboundErrorKind::other:
      return "failure";
  }
  return "failure";
}

std::string_view OutboundResponse::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

namespace {

OutboundErrorKind classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return OutboundErrorKind::timeout;
    case CURLE_COULDNT_CONNECT:
      return OutboundErrorKind::connect;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return OutboundErrorKind::resolve;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return OutboundErrorKind::tls;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
      return OutboundErrorKind::protocol;
    case CURLE_ABORTED_BY_CALLBACK:
      return OutboundErrorKind::cancelled;
    default:
      return OutboundErrorKind::other;
  }
}

}  // namespace

struct HttpClient::Impl {
  // A socket curl asked us to watch. Sockets curl connects itself go through on_open/on_close, so
  // they stay registered with the loop for their whole life: curl stops watching a connection
  // after each transfer and watches it again on the next, and re-registering it every time cost
  // two epoll_ctl calls and an allocation per tool call. Sockets curl makes elsewhere (its
  // resolver's wake-up pipe) are only borrowed while watched.
  struct Socket {
    explicit Socket(asio::io_context& loop, curl_socket_t fd, bool owned) : descriptor(loop), fd(fd), owned(owned) {}
    asio::posix::stream_descriptor descriptor;
    curl_socket_t fd;
    bool owned;      // opened by on_open: closed by on_close, not released when curl stops watching
    int wanted = 0;  // CURL_POLL_IN / OUT / INOUT; 0 while curl does not watch it
    bool reading = false;
    bool writing = false;
    bool removed = false;  // closed or released: no more waits
  };

  struct Transfer {
    explicit Transfer(asio::io_context& loop) : done(loop) {}
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    curl_slist* resolve = nullptr;
    OutboundResponse response;
    std::size_t limit = 0;
    char error[CURL_ERROR_SIZE] = {};
    asio::steady_timer done;
    bool finished = false;
    bool cancelled = false;
    CURLcode result = CURLE_OK;
  };

  Impl(asio::io_context& l, const Libcurl& api) : curl(api), loop(l), timer(l) {
    multi = curl.multi_init();
    curl.multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
    curl.multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl.multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
    curl.multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    curl.multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
    curl.multi_setopt(multi, CURLMOPT_MAXCONNECTS, 256L);
  }

  ~Impl() {
    for (auto& [easy, transfer] : transfers) {
      curl.multi_remove_handle(multi, easy);
      release(*transfer);
    }
    transfers.clear();
    for (auto& [fd, socket] : sockets) {
      socket->removed = true;
      socket->descriptor.release();
    }
    sockets.clear();
    curl.multi_cleanup(multi);
    for (CURL* easy : idle_easy) curl.easy_cleanup(easy);
  }

  // curl: "watch this socket for `what`" (or stop watching it).
  static int on_socket(CURL*, curl_socket_t fd, int what, void* userp, void*) {
    auto* self = static_cast<Impl*>(userp);
    auto it = self->sockets.find(fd);
    if (what == CURL_POLL_REMOVE) {
      if (it == self->sockets.end()) return 0;
      Socket& socket = *it->second;
      socket.wanted = 0;
      boost::system::error_code ignored;
      if (socket.owned) {
        socket.descriptor.cancel(ignored);  // pending waits end as aborted; the registration stays
      } else {
        socket.removed = true;
        socket.descriptor.release();  // curl owns the fd; pending waits end as aborted
        self->sockets.erase(it);
      }
      return 0;
    }
    if (it == self->sockets.end()) {
      auto borrowed = std::make_shared<Socket>(self->loop, fd, false);
      boost::system::error_code ec;
      borrowed->descriptor.assign(fd, ec);
      if (ec) {
        spdlog::error("outbound HTTP: cannot watch socket {}: {}", fd, ec.message());
        return -1;  // curl fails the transfers on this socket
      }
      it = self->sockets.emplace(fd, std::move(borrowed)).first;
    }
    it->second->wanted = what;
    self->arm(it->second);
    return 0;
  }

  // curl: "open a socket for this connection" (CURLOPT_OPENSOCKETFUNCTION).
  static curl_socket_t on_open(void* userp, curlsocktype, curl_sockaddr* address) {
    auto* self = static_cast<Impl*>(userp);
    int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd < 0) return CURL_SOCKET_BAD;
    auto socket = std::make_shared<Socket>(self->loop, fd, true);
    boost::system::error_code ec;
    socket->descriptor.assign(fd, ec);
    if (ec) {
      spdlog::error("outbound HTTP: cannot register a new socket: {}", ec.message());
      ::close(fd);
      return CURL_SOCKET_BAD;
    }
    self->sockets[fd] = std::move(socket);
    return fd;
  }

  // curl: "close this socket" (CURLOPT_CLOSESOCKETFUNCTION); also for sockets of cached
  // connections closed by curl_multi_cleanup after the loop's sockets were released.
  static int on_close(void* userp, curl_socket_t fd) {
    auto* self = static_cast<Impl*>(userp);
    auto it = self->sockets.find(fd);
    if (it == self->sockets.end() || !it->second->owned) return ::close(fd);
    it->second->removed = true;
    boost::system::error_code ec;
    it->second->descriptor.close(ec);  // deregisters, closes, and ends pending waits as aborted
    self->sockets.erase(it);
    return ec ? -1 : 0;
  }

  // curl: "call me back in `timeout_ms`" (-1: never mind). curl asks on every transfer, usually for
  // "now" and then for the transfer's own timeout. Moving the loop's earliest timer costs a
  // timerfd_settime syscall, which dominated tools/call in the benchmarks, so "now" is a post, and a
  // wake-up already due sooner is kept: when it fires, curl finds nothing due and asks again.
  static int on_timer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    if (timeout_ms < 0) return 0;  // an armed wake-up that finds nothing to do is harmless
    if (timeout_ms == 0) {
      asio::post(self->loop, [self] { self->action(CURL_SOCKET_TIMEOUT, 0); });
      return 0;
    }
    auto deadline = asio::steady_timer::clock_type::now() + std::chrono::milliseconds(timeout_ms);
    if (self->timer_armed && self->timer.expiry() <= deadline) return 0;
    self->timer_armed = true;
    self->timer.expires_at(deadline);
    self->timer.async_wait([self](boost::system::error_code ec) {
      if (ec) return;  // replaced by an earlier wake-up, which is armed
      self->timer_armed = false;
      self->action(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }

  void arm(const std::shared_ptr<Socket>& socket) {
    if ((socket->wanted & CURL_POLL_IN) && !socket->reading) {
      socket->reading = true;
      socket->descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                                    [this, socket](boost::system::error_code ec) {
                                      socket->reading = false;
                                      ready(socket, CURL_POLL_IN, CURL_CSELECT_IN, ec);
                                    });
    }
    if ((socket->wanted & CURL_POLL_OUT) && !socket->writing) {
      socket->writing = true;
      socket->descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                                    [this, socket](boost::system::error_code ec) {
                                      socket->writing = false;
                                      ready(socket, CURL_POLL_OUT, CURL_CSELECT_OUT, ec);
                                    });
    }
  }

  void ready(const std::shared_ptr<Socket>& socket, int poll_flag, int select_flag, boost::system::error_code ec) {
    if (socket->removed) return;
    // Aborted: curl stopped watching (a cancel). If it asked again before this handler ran, the
    // wait it asked for was not started (this one was still pending): start it now.
    if (ec != asio::error::operation_aborted) action(socket->fd, ec ? CURL_CSELECT_ERR : select_flag);
    if (!socket->removed && (socket->wanted & poll_flag)) arm(socket);
  }

  void action(curl_socket_t fd, int flags) {
    int running = 0;
    curl.multi_socket_action(multi, fd, flags, &running);
    collect_finished();
  }

  void collect_finished() {
    int pending = 0;
    while (CURLMsg* msg = curl.multi_info_read(multi, &pending)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      auto it = transfers.find(easy);
      if (it == transfers.end()) continue;
      auto transfer = it->second;
      transfer->result = msg->data.result;
      curl.multi_remove_handle(multi, easy);
      transfers.erase(it);
      finish(*transfer);
    }
  }

  void finish(Transfer& transfer) {
    char* url = nullptr;
    curl.easy_getinfo(transfer.easy, CURLINFO_EFFECTIVE_URL, &url);
    if (url) transfer.response.effective_url = url;
    curl.easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    release(transfer);
    transfer.finished = true;
    transfer.done.cancel();
  }

  void release(Transfer& transfer) {
    if (transfer.headers) curl.slist_free_all(transfer.headers);
    transfer.headers = nullptr;
    if (transfer.resolve) curl.slist_free_all(transfer.resolve);
    transfer.resolve = nullptr;
    if (transfer.easy) {
      curl.easy_reset(transfer.easy);
      if (idle_easy.size() < 64) {
        idle_easy.push_back(transfer.easy);
      } else {
        curl.easy_cleanup(transfer.easy);
      }
    }
    transfer.easy = nullptr;
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* userp) {
    auto* transfer = static_cast<Transfer*>(userp);
    std::size_t n = size * count;
    std::string& body = transfer->response.body;
    if (body.size() + n > transfer->limit) {
      body.append(data, transfer->limit - body.size());
      transfer->response.truncated = true;
      return 0;  // stop reading: the rest is not wanted
    }
    body.append(data, n);
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* userp) {
    auto* transfer = static_cast<Transfer*>(userp);
    std::size_t n = size * count;
    std::string_view line(data, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.starts_with("HTTP/")) {
      transfer->response.headers.clear();  // a new status line (after 1xx): start over
      return n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string name(line.substr(0, colon));
    ascii_lower_in_place(name);
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    transfer->response.headers.emplace_back(std::move(name), std::string(value));
    return n;
  }

  const Libcurl& curl;
  asio::io_context& loop;
  CURLM* multi = nullptr;
  asio::steady_timer timer;
  bool timer_armed = false;  // a wait on `timer` is pending
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets;
  std::unordered_map<CURL*, std::shared_ptr<Transfer>> transfers;
  std::vector<CURL*> idle_easy;
};

HttpClient::HttpClient(asio::io_context& loop) : loop_(loop) {}
HttpClient::~HttpClient() = default;

void HttpClient::cancel_all() {
  if (!impl_) return;  // nothing was ever fetched
  const Libcurl& curl = impl_->curl;
  auto transfers = impl_->transfers;
  for (auto& [easy, transfer] : transfers) {
    curl.multi_remove_handle(impl_->multi, easy);
    impl_->transfers.erase(easy);
    transfer->cancelled = true;
    transfer->result = CURLE_ABORTED_BY_CALLBACK;
    impl_->finish(*transfer);
  }
}

asio::awaitable<Expected<OutboundResponse, OutboundError>> HttpClient::fetch(OutboundRequest request) {
  if (!impl_) {
    const auto& loaded = libcurl();
    if (!loaded) co_return Unexpected{OutboundError{OutboundErrorKind::other, loaded.error()}};
    impl_ = std::make_unique<Impl>(loop_, *loaded);
  }
  const Libcurl& curl = impl_->curl;
  auto transfer = std::make_shared<Impl::Transfer>(impl_->loop);
  if (!impl_->idle_easy.empty()) {
    transfer->easy = impl_->idle_easy.back();
    impl_->idle_easy.pop_back();
  } else {
    transfer->easy = curl.easy_init();
  }
  CURL* easy = transfer->easy;
  transfer->limit = request.max_response_bytes;

  curl.easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
  curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
  curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::on_body);
  curl.easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
  curl.easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::on_header);
  curl.easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
  curl.easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  curl.easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl.easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open);
  curl.easy_setopt(easy, CURLOPT_OPENSOCKETDATA, impl_.get());
  curl.easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close);
  curl.easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, impl_.get());
  curl.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, request.https_only ? "https" : "http,https");
  if (!request.resolve_pin.empty()) {
    transfer->resolve = curl.slist_append(transfer->resolve, request.resolve_pin.c_str());
    curl.easy_setopt(easy, CURLOPT_RESOLVE, transfer->resolve);
  }
  if (request.method == "HEAD") {
    curl.easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
    curl.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl.easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    if (request.method != "POST") curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  transfer->headers = curl.slist_append(transfer->headers, "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    transfer->headers = curl.slist_append(transfer->headers, line.c_str());
  }
  curl.easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);

  impl_->transfers.emplace(easy, transfer);
  CURLMcode added = curl.multi_add_handle(impl_->multi, easy);
  if (added != CURLM_OK) {
    impl_->transfers.erase(easy);
    impl_->release(*transfer);
    co_return Unexpected{OutboundError{OutboundErrorKind::other, curl.multi_strerror(added)}};
  }
  while (!transfer->finished) {
    transfer->done.expires_at(asio::steady_timer::time_point::max());
    auto [ec] = co_await transfer->done.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;
  }
  CURLcode result = transfer->result;
  if (result == CURLE_WRITE_ERROR && transfer->response.truncated) result = CURLE_OK;
  if (result != CURLE_OK) {
    std::string message = transfer->error[0] ? transfer->error : curl.easy_strerror(result);
    if (transfer->cancelled) message = "the server is shutting down";
    co_return Unexpected{OutboundError{classify(result), std::move(message)}};
  }
  co_return std::move(transfer->response);
}

}  // namespace mcpedge::http
