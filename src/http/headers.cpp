// Reply builders and header/query helpers shared by every handler.
#include "http/message.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

namespace mcpedge::http {

Reply make_reply(Status status, std::string body, std::string_view content_type) {
  Reply reply;
  reply.head.result(status);
  reply.head.version(11);
  reply.head.set(Field::content_type, content_type);
  reply.head.body() = std::move(body);
  return reply;
}

Reply text_reply(Status status, std::string body) {
  return make_reply(status, std::move(body), "text/plain; charset=utf-8");
}

Reply json_reply(Status status, std::string body) { return make_reply(status, std::move(body), "application/json"); }

Reply error_reply(Status status, std::string_view reason) {
  std::string body = std::to_string(static_cast<unsigned>(status));
  body += ' ';
  body += bhttp::obsolete_reason(status);
  body += ": ";
  body += reason;
  body += '\n';
  return text_reply(status, std::move(body));
}

std::string_view header(const Request& req, std::string_view name) {
  auto it = req.find(name);
  if (it == req.end()) return {};
  return it->value();
}

std::string_view header(const Request& req, Field field) {
  auto it = req.find(field);
  if (it == req.end()) return {};
  return it->value();
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  if (query.empty()) return std::nullopt;
  // Boost.URL 1.81's parse_query reads its input up to a NUL byte whatever the view's length
  // (tests/unit/http/headers_test.cpp shows it), so it gets a NUL-terminated copy.
  const std::string terminated(query);
  auto parsed = boost::urls::parse_query(terminated);
  if (!parsed) return std::nullopt;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (auto param : *parsed) {
    if (param.key.decode(opts) == name) return param.value.decode(opts);
  }
  return std::nullopt;
}

std::optional<std::vector<std::pair<std::string, std::string>>> form_params(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  if (text.empty()) return out;
  const std::string terminated(text);  // see query_param
  auto parsed = boost::urls::parse_query(terminated);
  if (!parsed) return std::nullopt;
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (auto param : *parsed) {
    if (param.key.empty() && param.value.empty()) continue;
    out.emplace_back(param.key.decode(opts), param.has_value ? param.value.decode(opts) : std::string());
  }
  return out;
}

std::optional<std::string> cookie(const Request& req, std::string_view name) {
  for (const auto& field : req.base()) {
    if (field.name() != Field::cookie) continue;
    std::string_view rest(field.value().data(), field.value().size());
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      return std::string(value);
    }
  }
  return std::nullopt;
}

}  // namespace mcpedge::http
