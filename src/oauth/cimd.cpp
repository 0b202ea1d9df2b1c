// Client ID Metadata Documents: which client_ids are URLs, document validation, caching rules.
#include "oauth/cimd.hpp"
#include "base/ascii.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>

namespace mcpedge::oauth {

namespace json = boost::json;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Unexpected<ClientError> invalid_client(std::string description) {
  return Unexpected{ClientError{"invalid_client", std::move(description)}};
}

std::optional<std::chrono::seconds> parse_seconds(std::string_view text) {
  text = trim(text);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 10) return std::nullopt;
  long long n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return std::chrono::seconds(n);
}

// RFC 9110 §5.6.7 HTTP-date: IMF-fixdate, plus the obsolete RFC 850 and asctime forms.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y"}) {
    std::istringstream in{std::string(trim(text))};
    in.imbue(std::locale::classic());
    std::tm tm{};
    in >> std::get_time(&tm, format);
    if (in.fail()) continue;
    std::time_t t = timegm(&tm);
    if (t == static_cast<std::time_t>(-1)) continue;
    return std::chrono::system_clock::from_time_t(t);
  }
  return std::nullopt;
}

}  // namespace

bool is_cimd_client_id(std::string_view client_id) {
  auto parsed = boost::urls::parse_uri(client_id);
  if (!parsed || parsed->scheme() != "https" || parsed->encoded_host().empty()) return false;
  if (parsed->has_fragment() || parsed->has_userinfo()) return false;
  auto path = parsed->encoded_path();
  if (path.empty() || path == "/") return false;
  // Split by hand: Boost.URL's segment views hide a leading "." that it treats as a path prefix.
  std::string_view rest(path.data(), path.size());
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the '/'
    std::string_view segment = rest.substr(0, rest.find('/'));
    if (segment == "." || segment == "..") return false;
    rest.remove_prefix(segment.size());
  }
  return true;
}

Expected<RegisteredClient, ClientError> validate_cimd_document(std::string_view url, const json::value& document) {
  const std::string where = "the client metadata document at " + std::string(url);
  const json::object* doc = document.if_object();
  if (doc == nullptr) return invalid_client(where + " is not a JSON object");
  const json::value* id = doc->if_contains("client_id");
  if (id == nullptr || !id->is_string() || id->as_string() != url) {
    return invalid_client(where + " must have a \"client_id\" equal to that URL, byte for byte");
  }
  const json::value* name = doc->if_contains("client_name");
  if (name == nullptr || !name->is_string() || name->as_string().empty()) {
    return invalid_client(where + " must have a \"client_name\" to show on the consent page");
  }
  if (!doc->contains("redirect_uris")) return invalid_client(where + " must list its \"redirect_uris\"");
  if (doc->contains("client_secret") || doc->contains("client_secret_expires_at")) {
    return invalid_client(where + " must not contain a client_secret: the document is public");
  }
  if (const json::value* method = doc->if_contains("token_endpoint_auth_method")) {
    const json::string* m = method->if_string();
    if (m == nullptr || *m != "none") {
      std::string shown = m != nullptr ? "\"" + std::string(*m) + "\"" : "that value";
      return invalid_client(where + ": token_endpoint_auth_method " + shown +
                            " is not supported for metadata documents; use \"none\" (a public client with PKCE)");
    }
  }
  auto client = validate_client_metadata(*doc, TokenEndpointAuthMethod::none, RegistrationOptions{});
  if (!client) return invalid_client(where + ": " + client.error().error_description);
  client->client_id = std::string(url);
  client->kind = ClientKind::metadata_document;
  return std::move(*client);
}

std::chrono::seconds cache_lifetime(const http::HeaderList& headers, std::chrono::system_clock::time_point now,
                                    const CacheLimits& limits) {
  std::optional<std::chrono::seconds> max_age;
  std::optional<std::chrono::seconds> s_maxage;
  std::optional<std::chrono::system_clock::time_point> expires;
  std::optional<std::chrono::system_clock::time_point> date;
  std::chrono::seconds age{0};
  bool has_expires = false;
  for (const auto& [name, value] : headers) {
    if (name == "cache-control") {
      std::string_view rest(value);
      while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view directive = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        auto eq = directive.find('=');
        std::string key = ascii_lower(trim(directive.substr(0, eq)));
        std::string_view argument = eq == std::string_view::npos ? std::string_view() : directive.substr(eq + 1);
        if (key == "no-store" || key == "no-cache") return std::chrono::seconds(0);
        // RFC 9111 §4.2.1: an invalid max-age means the response is already stale.
        if (key == "max-age") max_age = parse_seconds(argument).value_or(std::chrono::seconds(0));
        if (key == "s-maxage") s_maxage = parse_seconds(argument).value_or(std::chrono::seconds(0));
      }
    } else if (name == "expires") {
      has_expires = true;
      expires = parse_http_date(value);
    } else if (name == "date") {
      date = parse_http_date(value);
    } else if (name == "age") {
      age = parse_seconds(value).value_or(std::chrono::seconds(0));
    }
  }
  std::chrono::seconds fresh = limits.fallback;
  if (s_maxage) {  // this cache serves many users, like a shared cache (RFC 9111 §5.2.2.10)
    fresh = *s_maxage - age;
  } else if (max_age) {
    fresh = *max_age - age;
  } else if (has_expires) {
    // §5.3: an Expires that does not parse (e.g. "0") means already expired.
    fresh = expires ? std::chrono::duration_cast<std::chrono::seconds>(*expires - date.value_or(now)) - age
                    : std::chrono::seconds(0);
  }
  return std::clamp(fresh, limits.floor, limits.ceiling);
}

std::optional<RegisteredClient> CimdCache::find(const std::string& url, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(url);
  if (it == entries_.end() || it->second.expires_at <= now) return std::nullopt;
  return it->second.client;
}

void CimdCache::store(const std::string& url, RegisteredClient client, std::chrono::seconds lifetime,
                      Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (lifetime <= std::chrono::seconds(0)) {
    entries_.erase(url);
    return;
  }
  if (entries_.size() >= capacity_ && !entries_.contains(url)) {
    std::erase_if(entries_, [now](const auto& entry) { return entry.second.expires_at <= now; });
  }
  if (entries_.size() >= capacity_ && !entries_.contains(url) && !entries_.empty()) {
    // Still full of live entries: drop the one closest to expiry.
    auto soonest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.expires_at < b.second.expires_at;
    });
    entries_.erase(soonest);
  }
  entries_.insert_or_assign(url, Entry{std::move(client), now + lifetime});
}

void CimdCache::erase(const std::string& url) {
  std::lock_guard lock(mutex_);
  entries_.erase(url);
}

std::size_t CimdCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace mcpedge::oauth
