#include "thread_pool.hpp"

#include <chrono>

namespace nutmeg {

namespace {
// How long an idle worker polls for the next task before it sleeps.
constexpr auto kSpin = std::chrono::microseconds(200);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}
}  // namespace

ThreadPool::ThreadPool(unsigned size) : size_(size == 0 ? 1 : size) {
  threads_.reserve(size_ - 1);
  for (unsigned w = 1; w < size_; w++) threads_.emplace_back([this, w] { worker_loop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    generation_.fetch_add(1, std::memory_order_release);
  }
  start_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ThreadPool::run(Task task, void* context) {
  if (size_ == 1) {
    task(context, 0, 1);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = task;
    context_ = context;
    pending_.store(size_ - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  start_.notify_all();
  task(context, 0, size_);
  const auto until = std::chrono::steady_clock::now() + kSpin;
  while (pending_.load(std::memory_order_acquire) != 0 && std::chrono::steady_clock::now() < until) cpu_relax();
  if (pending_.load(std::memory_order_acquire) != 0) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
  }
}

// Returns false when the pool is stopping. Polls first, then sleeps.
bool ThreadPool::wait_for_generation(std::uint64_t seen) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) {
    cpu_relax();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  start_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
  return !stop_;
}

void ThreadPool::worker_loop(unsigned worker) {
  std::uint64_t seen = 0;
  for (;;) {
    if (!wait_for_generation(seen)) return;
    Task task;
    void* context;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen = generation_.load(std::memory_order_acquire);
      task = task_;
      context = context_;
    }
    task(context, worker, size_);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

}  // namespace nutmeg
