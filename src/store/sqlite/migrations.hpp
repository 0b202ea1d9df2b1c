// The schema as an ordered list of migrations, applied at open; a newer database is refused.
#pragma once

#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <span>

namespace mcpedge::store::sqlite {

struct Migration {
  std::int64_t id;  // ascending; never renumbered or edited once released
  const char* name;
  const char* sql;
};

// The store's schema, oldest first.
std::span<const Migration> schema_migrations();

// Applies the migrations the database lacks, each in its own transaction together with its row in
// `schema_migrations`. Refuses (schema_too_new) a database that records a migration not in the
// list: it was written by a newer build, whose data this one could misread.
Result<Done> migrate(Connection& db, std::span<const Migration> migrations);

}  // namespace mcpedge::store::sqlite
