#pragma once
// A bounded pool of database connections shared by the server's threads.
// Connections are opened on demand up to `max`; a caller that finds all of
// them busy waits. A lease whose connection broke is discarded, not returned,
// so the next caller opens a fresh one (PostgreSQL restarts, network drops).
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "mamori/core/result.hpp"

namespace mamori::store {

template <class Conn>
class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<Conn>>()>;

  ConnectionPool(Factory factory, std::size_t max) : factory_(std::move(factory)), max_(max == 0 ? 1 : max) {}

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Conn> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)), broken_(other.broken_) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (pool_) pool_->give_back(std::move(conn_), broken_);
    }
    Conn* operator->() const noexcept { return conn_.get(); }
    Conn& operator*() const noexcept { return *conn_; }
    // The connection is unusable: close it instead of returning it.
    void discard() noexcept { broken_ = true; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Conn> conn_;
    bool broken_ = false;
  };

  Result<Lease> acquire() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;
    lock.unlock();
    auto conn = factory_();
    if (!conn) {
      lock.lock();
      --open_;
      cv_.notify_one();
      return tl::unexpected(conn.error());
    }
    return Lease(this, std::move(*conn));
  }

 private:
  void give_back(std::unique_ptr<Conn> conn, bool broken) {
    {
      std::lock_guard lock(mutex_);
      if (broken || !conn) --open_;
      else idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }

  Factory factory_;
  std::size_t max_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  std::size_t open_ = 0;
};

}  // namespace mamori::store
