// Tests of the connect section: defaults from the server section, every field, the logo file, and the
// errors an operator sees (file:line: key).
#include "config/config.hpp"

#include "../temp_dir.hpp"
#include "config_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace mcpedge::config {
namespace {

constexpr std::string_view k_base = "server: { name: acme-mcp, title: Acme }\nupstream: { base_url: http://u }\n";

// The base config plus `rest` (append, not operator+: g++ 12 warns falsely on the latter at -O2).
std::string with(std::string_view rest) {
  std::string text(k_base);
  text.append(rest);
  return text;
}

// Every error of `text`, one per line; empty when it loads.
std::string errors_of(const std::string& text, const std::string& file = "test.yaml") {
  auto result = load_text(text, file);
  return result ? "" : testing::all_errors(result.error());
}

TEST(ConnectSection, DefaultsComeFromTheServerSection) {
  auto config = load_text(std::string(k_base), "test.yaml");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->connect.enabled);
  EXPECT_EQ(config->connect.product, "Acme");
  EXPECT_EQ(config->connect.server_key, "acme-mcp");
  EXPECT_EQ(config->connect.clients, known_connect_clients());
  EXPECT_TRUE(config->connect.personal_tokens);
  EXPECT_EQ(config->connect.max_token_days, 365);
  EXPECT_FALSE(config->connect.allow_tokens_without_expiry);
  EXPECT_TRUE(config->connect.logo_bytes.empty());
}

TEST(ConnectSection, EveryFieldIsRead) {
  mcpedge::testing::TempDir dir;
  std::ofstream(dir.path() / "logo.svg") << "<svg xmlns='http://www.w3.org/2000/svg'/>";
  std::string file = (dir.path() / "gateway.yaml").string();
  std::string text = with(R"(connect:
  product: Acme Cloud
  intro: Connect your assistant.
  help_url: https://docs.acme.example/mcp
  server_key: acme
  logo: logo.svg
  clients: [cursor, vscode, cursor]
  personal_tokens: { enabled: false, max_days: 30, allow_no_expiry: true }
)");
  auto config = load_text(text, file);
  ASSERT_TRUE(config) << errors_of(text, file);
  const ConnectConfig& c = config->connect;
  EXPECT_EQ(c.product, "Acme Cloud");
  EXPECT_EQ(c.intro, "Connect your assistant.");
  EXPECT_EQ(c.help_url, "https://docs.acme.example/mcp");
  EXPECT_EQ(c.server_key, "acme");
  EXPECT_EQ(c.logo_type, "image/svg+xml");
  EXPECT_EQ(c.logo_bytes, "<svg xmlns='http://www.w3.org/2000/svg'/>");
  EXPECT_EQ(c.clients, (std::vector<std::string>{"cursor", "vscode"}));
  EXPECT_FALSE(c.personal_tokens);
  EXPECT_EQ(c.max_token_days, 30);
  EXPECT_TRUE(c.allow_tokens_without_expiry);
}

TEST(ConnectSection, ErrorsNameLineKeyAndWhatToDo) {
  std::string errors = errors_of(with(R"(connect:
  help_url: ftp://docs
  server_key: "has space"
  logo: logo.gif
  clients: [cursr]
  personal_tokens: { max_days: 0 }
  colour: blue
)"));
  EXPECT_NE(errors.find("test.yaml:4: connect.help_url: must be an absolute http(s) URL"), std::string::npos) << errors;
  EXPECT_NE(errors.find("test.yaml:5: connect.server_key: use 1 to 64 letters"), std::string::npos) << errors;
  EXPECT_NE(errors.find("test.yaml:6: connect.logo: the logo must be an .svg, .png, .jpg or .webp file"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("test.yaml:7: connect.clients: unknown client \"cursr\"; did you mean \"cursor\"?"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("connect.personal_tokens.max_days"), std::string::npos) << errors;
  EXPECT_NE(errors.find("connect.colour"), std::string::npos) << errors;
}

TEST(ConnectSection, MissingLogoNamesThePath) {
  std::string errors = errors_of(with("connect: { logo: missing.png }\n"), "/nowhere/gw.yaml");
  EXPECT_NE(errors.find("connect.logo: cannot read the logo \"/nowhere/missing.png\""), std::string::npos) << errors;
}

}  // namespace
}  // namespace mcpedge::config
