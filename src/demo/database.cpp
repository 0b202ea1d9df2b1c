// The sample API's database thread: the shared SQLite connection, opened and used on it only.
#include "demo/database.hpp"

#include <stdexcept>

namespace mcpedge::demo {

Database::~Database() {
  pool_.join();  // finish queued work; afterwards no other thread touches the connection
  sql_.reset();
}

std::unique_ptr<Database> Database::open(const std::filesystem::path& file) {
  std::unique_ptr<Database> database(new Database(file));
  try {
    // The connection is opened and used by the pool thread only, from the first statement on.
    Database* self = database.get();
    auto task =
        std::make_shared<std::packaged_task<void()>>([self] { self->sql_ = std::make_unique<Sql>(self->file_); });
    auto opened = task->get_future();
    asio::post(database->pool_, [task] { (*task)(); });
    opened.get();
  } catch (const std::exception& e) {
    throw std::runtime_error("SQLite database " + file.string() + ": " + e.what());
  }
  return database;
}

}  // namespace mcpedge::demo
