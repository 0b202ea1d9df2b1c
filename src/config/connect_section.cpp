// Reads the connect section: the onboarding page's texts, logo, client cards and personal access tokens.
#include "config/checks.hpp"
#include "config/sections.hpp"
#include "config/text.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mcpedge::config::detail {

namespace {

constexpr std::size_t k_max_logo_bytes = 256 * 1024;

std::optional<std::string> image_type(std::string extension) {
  extension = ascii_lower(extension);
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".jpg" || extension == ".jpeg") return "image/jpeg";
  if (extension == ".webp") return "image/webp";
  return std::nullopt;
}

void read_logo(Reader& r, const Field& f, ConnectConfig& out) {
  auto path = r.string(f);
  if (!path) return;
  std::filesystem::path file(*path);
  if (file.is_relative()) file = std::filesystem::path(r.file()).parent_path() / file;
  auto type = image_type(file.extension().string());
  if (!type) {
    r.error(f, "the logo must be an .svg, .png, .jpg or .webp file, got " + config::detail::quoted(*path));
    return;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in || bytes.str().empty()) {
    r.error(f, "cannot read the logo " + config::detail::quoted(file.string()) +
                   "; the path is relative to the config file");
    return;
  }
  if (bytes.str().size() > k_max_logo_bytes) {
    r.error(f, "the logo is " + std::to_string(bytes.str().size()) + " bytes; keep it under " +
                   std::to_string(k_max_logo_bytes / 1024) + " KiB");
    return;
  }
  out.logo = *path;
  out.logo_bytes = bytes.str();
  out.logo_type = *type;
}

// Client configs carry the key as a JSON key and a command-line argument: keep it plain.
bool valid_server_key(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  return std::all_of(key.begin(), key.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

}  // namespace

void read_connect(Reader& r, const Section& s, ConnectConfig& out) {
  if (!s.present()) return;
  s.read("enabled", out.enabled);
  s.read("product", out.product);
  s.read("intro", out.intro);
  if (auto f = s.get("help_url")) {
    if (auto v = r.string(*f)) {
      auto url = boost::urls::parse_absolute_uri(*v);
      std::string scheme = url ? ascii_lower(url->scheme()) : std::string();
      if (scheme != "https" && scheme != "http")
        r.error(*f, "must be an absolute http(s) URL such as https://docs.example.com/mcp, got " +
                        config::detail::quoted(*v));
      else
        out.help_url = *v;
    }
  }
  if (auto f = s.get("server_key")) {
    if (auto v = r.string(*f)) {
      if (!valid_server_key(*v))
        r.error(*f, "use 1 to 64 letters, digits, '-', '_' or '.', got " + config::detail::quoted(*v));
      else
        out.server_key = *v;
    }
  }
  if (auto f = s.get("logo")) read_logo(r, *f, out);
  if (auto f = s.get("clients")) {
    if (auto list = r.strings(*f)) {
      const auto& known = known_connect_clients();
      std::vector<std::string> chosen;
      for (const auto& client : *list) {
        if (std::find(known.begin(), known.end(), client) == known.end()) {
          std::string hint;
          if (auto near = closest(client, known)) hint = "; did you mean " + config::detail::quoted(*near) + "?";
          std::string all;
          for (const auto& k : known) all += (all.empty() ? "" : ", ") + k;
          r.error(*f, "unknown client " + config::detail::quoted(client) + hint + " (known: " + all + ")");
        } else if (std::find(chosen.begin(), chosen.end(), client) == chosen.end()) {
          chosen.push_back(client);
        }
      }
      if (!chosen.empty()) out.clients = std::move(chosen);
    }
  }
  auto tokens = s.section("personal_tokens", {"enabled", "max_days", "allow_no_expiry"});
  tokens.read("enabled", out.personal_tokens);
  tokens.read("max_days", out.max_token_days, 1, 3650);
  tokens.read("allow_no_expiry", out.allow_tokens_without_expiry);
}

}  // namespace mcpedge::config::detail
