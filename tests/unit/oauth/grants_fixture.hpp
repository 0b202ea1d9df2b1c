// Test fixture for the resource server's parts: a fresh SQLite store, a key ring, upstream grants and
// personal access tokens over them (no IdP behind them), and a worker whose loop runs the requests.
#pragma once

#include "../store/store_fixture.hpp"
#include "http/server.hpp"
#include "oauth/personal_tokens.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

namespace mcpedge::oauth::testing {

class GrantsFixture : public ::testing::Test {
 protected:
  GrantsFixture()
      : keys_(*crypto::KeyRing::parse(crypto::KeyRing::generate_key())),
        store_(open_store(dir_.path() / "store.db")),
        idp_(config::IdpConfig{}, "http://127.0.0.1/oauth/callback"),
        grants_(keys_, *store_, idp_, auth_.credential),
        personal_(*store_, grants_),
        worker_(0, limits_) {}

  static std::unique_ptr<store::sqlite::SqliteStore> open_store(const std::filesystem::path& file) {
    auto opened = store::sqlite::SqliteStore::open(file);
    if (!opened) throw std::runtime_error(opened.error().message);
    return std::move(*opened);
  }

  store::testing::TempDir dir_;
  std::shared_ptr<const crypto::KeyRing> keys_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  config::AuthConfig auth_;  // its credential strategy is the grants' (idp_token by default)
  identity::UpstreamIdp idp_;
  UpstreamGrants grants_;
  PersonalTokens personal_;
  http::ServerLimits limits_;
  http::Worker worker_;
};

}  // namespace mcpedge::oauth::testing
