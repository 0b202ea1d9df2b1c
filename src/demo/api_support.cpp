// The sample API's shared helpers: errors as HTTP replies, ISO 8601 time, ids and encodings, request parsing.
#include "demo/api_support.hpp"

#include <openssl/rand.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <system_error>

namespace mcpedge::demo::detail {

namespace {

// Reads `digits` digits at text[pos]; false if they are not all there.
bool read_number(string_view text, std::size_t pos, std::size_t digits, int& out) {
  if (pos + digits > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

// --- Errors: the one place where API failures become HTTP --------------------------------------

Unexpected<ApiError> failure(Status status, std::string error, std::string hint) {
  return Unexpected{ApiError{status, std::move(error), std::move(hint)}};
}
Unexpected<ApiError> bad_request(std::string error, std::string hint) {
  return failure(Status::bad_request, std::move(error), std::move(hint));
}
Unexpected<ApiError> not_found(string_view kind, string_view id, std::string hint) {
  return failure(Status::not_found, std::string(kind) + " " + std::string(id) + " not found", std::move(hint));
}

Reply reply_json(Status status, const json::object& body) { return http::json_reply(status, json::serialize(body)); }

Reply reply_error(const ApiError& e) {
  json::object body{{"error", e.error}};
  if (!e.hint.empty()) body["hint"] = e.hint;
  return reply_json(e.status, body);
}

Reply reply_error(Status status, std::string error, std::string hint) {
  return reply_error(ApiError{status, std::move(error), std::move(hint)});
}

// --- Time: milliseconds since the epoch inside, ISO 8601 UTC on the wire -----------------------

std::string iso(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf, n);
  if (ms % 1000 != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms % 1000));
    out += frac;
  }
  return out + "Z";
}

json::value iso_or_null(std::optional<std::int64_t> ms) { return ms ? json::value(iso(*ms)) : json::value(nullptr); }

// "2025-05-01", "2025-05-01T09:30", "2025-05-01T09:30:00", optional ".fff" and "Z" or "+02:00".
std::optional<std::int64_t> parse_iso(string_view text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!read_number(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !read_number(text, 5, 2, month) ||
      text[7] != '-' || !read_number(text, 8, 2, day))
    return std::nullopt;
  std::size_t pos = 10;
  std::int64_t offset_s = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    if (!read_number(text, pos + 1, 2, hour) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_number(text, pos + 4, 2, minute))
      return std::nullopt;
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      if (!read_number(text, pos + 1, 2, second)) return std::nullopt;
      pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        std::size_t start = ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
          if (pos - start < 3) millis = millis * 10 + (text[pos] - '0');
          ++pos;
        }
        if (pos == start) return std::nullopt;
        for (std::size_t d = std::min<std::size_t>(pos - start, 3); d < 3; ++d) millis *= 10;
      }
    }
    if (pos < text.size()) {
      if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
        pos += 1;
      } else if (text[pos] == '+' || text[pos] == '-') {
        int oh = 0, om = 0;
        if (!read_number(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !read_number(text, pos + 4, 2, om) || pos + 6 != text.size() || oh > 23 || om > 59)
          return std::nullopt;
        offset_s = (text[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        pos += 6;
      } else {
        return std::nullopt;
      }
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t secs = timegm(&tm);
  return (static_cast<std::int64_t>(secs) - offset_s) * 1000 + millis;
}

// --- Randomness, encodings ---------------------------------------------------------------------

std::string base64url(string_view bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(k_alphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(k_alphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::optional<std::string> base64url_decode(string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  return out;
}

// "wf_" + 10 characters of [a-z0-9]; the alphabet has 36 letters, so reject bytes >= 252 to stay uniform.
std::string new_id(string_view prefix) {
  static constexpr char k_alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id(prefix);
  while (id.size() < prefix.size() + 10) {
    for (unsigned char c : random_bytes(16)) {
      if (c < 252 && id.size() < prefix.size() + 10) id.push_back(k_alphabet[c % 36]);
    }
  }
  return id;
}

// RFC 3986 percent-decoding; with `plus_is_space`, '+' is a space (HTML form / query encoding).
std::string percent_decode(string_view text, bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (plus_is_space && text[i] == '+') {
      out.push_back(' ');
      continue;
    }
    if (text[i] == '%' && i + 2 < text.size()) {
      int value = 0;
      auto [p, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec == std::errc() && p == text.data() + i + 3) {
        out.push_back(static_cast<char>(value));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// --- The request as the handlers see it --------------------------------------------------------

// The query's name/value pairs, decoded, in order. Parsed here rather than with Boost.URL: the
// parse_query of the installed Boost 1.81 reads a view up to a NUL instead of its size (past the
// end of a request target, or strlen(nullptr) for an empty view).
std::vector<std::pair<std::string, std::string>> query_pairs(string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t end = query.find('&', pos);
    if (end == string_view::npos) end = query.size();
    const string_view item = query.substr(pos, end - pos);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      pairs.emplace_back(percent_decode(item.substr(0, eq), true),
                         eq == string_view::npos ? std::string() : percent_decode(item.substr(eq + 1), true));
    }
    pos = end + 1;
  }
  return pairs;
}

json::object caller_json(const Caller& caller) {
  auto or_null = [](const std::string& v) { return v.empty() ? json::value(nullptr) : json::value(v); };
  return json::object{{"key_kind", to_string(caller.kind)},
                      {"api_key_id", or_null(caller.api_key_id)},
                      {"user_id", or_null(caller.user_id)},
                      {"org_id", or_null(caller.org_id)},
                      {"key_prefix", caller.key_prefix}};
}

std::optional<std::string> query_arg(const Call& c, string_view name) {
  for (auto& [key, value] : query_pairs(c.in.query))
    if (key == name) return std::move(value);
  return std::nullopt;
}

// An integer query parameter within [min, max], or `fallback` when absent.
Result<std::int64_t> int_param(const Call& c, string_view name, std::int64_t fallback, std::int64_t min,
                               std::int64_t max) {
  auto text = query_arg(c, name);
  if (!text || text->empty()) return fallback;
  std::int64_t value = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || p != text->data() + text->size() || value < min || value > max)
    return bad_request(std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", got \"" + *text + "\"",
                       "pass ?" + std::string(name) + "=" + std::to_string(fallback) + " or leave it out");
  return value;
}

// The body as JSON; an empty body counts as {}.
Result<json::value> json_body(const Call& c) {
  const std::string& body = c.in.request.body();
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::value(json::object());
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec)
    return bad_request("request body is not valid JSON: " + ec.message(),
                       "send a JSON object with Content-Type: application/json");
  return value;
}

Result<json::object> object_body(const Call& c) {
  auto value = json_body(c);
  if (!value) return Unexpected{value.error()};
  if (!value->is_object())
    return bad_request("request body must be a JSON object", "send a JSON object such as {\"name\": \"...\"}");
  return std::move(value->as_object());
}

// A string field: nullopt when absent; 400 when present but not a string of 1..max characters
// (0..max when `may_be_empty`).
Result<std::optional<std::string>> string_field(const json::object& body, string_view name, std::size_t max,
                                                bool may_be_empty) {
  auto it = body.find(name);
  if (it == body.end()) return std::optional<std::string>();
  if (!it->value().is_string())
    return bad_request(
        "field \"" + std::string(name) + "\" must be a string, got " + json::serialize(it->value()).substr(0, 40),
        "send \"" + std::string(name) + "\": \"...\"");
  std::string value(it->value().as_string());
  if (value.empty() && !may_be_empty)
    return bad_request("field \"" + std::string(name) + "\" must not be empty", "send a non-empty string");
  if (value.size() > max)
    return bad_request("field \"" + std::string(name) + "\" is longer than " + std::to_string(max) + " characters",
                       "shorten it");
  return std::optional<std::string>(std::move(value));
}

}  // namespace mcpedge::demo::detail
