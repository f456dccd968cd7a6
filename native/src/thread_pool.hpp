// A persistent pool: `size` workers, of which the calling thread is worker 0 and size - 1 are threads started once,
// in the constructor. run() hands one task to all of them and returns when all are done; it allocates nothing.
// Workers spin briefly after a task (the next call usually follows within microseconds during sampling), then
// sleep on a condition variable.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace nutmeg {

class ThreadPool {
 public:
  using Task = void (*)(void* context, unsigned worker, unsigned workers);

  explicit ThreadPool(unsigned size);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  unsigned size() const { return size_; }

  // Runs task(context, w, size()) for every worker w; w = 0 runs on the calling thread. Not reentrant: one run at a
  // time (the engine serialises calls).
  void run(Task task, void* context);

 private:
  void worker_loop(unsigned worker);
  bool wait_for_generation(std::uint64_t seen);

  unsigned size_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  Task task_ = nullptr;
  void* context_ = nullptr;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<unsigned> pending_{0};
  bool stop_ = false;
};

}  // namespace nutmeg
