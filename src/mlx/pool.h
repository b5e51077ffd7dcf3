// Free lists for the small objects every op creates (graph nodes, data handles, wrappers).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace mlx::core {

// Recycles the memory of graph nodes. Eager code creates and frees millions of small
// descriptors, often in bursts (one GC frees thousands), which glibc's malloc handles
// poorly: coalescing and consolidation dominated the profile of tiny ops.
class BlockPool {
 public:
  void* get(size_t size) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        void* p = free_.back();
        free_.pop_back();
        return p;
      }
    }
    return ::operator new(size);
  }
  void put(void* p) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (free_.size() < kMaxFree) {
        free_.push_back(p);
        return;
      }
    }
    ::operator delete(p);
  }

 private:
  static constexpr size_t kMaxFree = size_t(1) << 16;
  std::mutex mu_;
  std::vector<void*> free_;
};

// An std::allocator-compatible allocator drawing single objects from a BlockPool per type.
template <typename T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <typename U>
  PoolAllocator(const PoolAllocator<U>&) {}
  static BlockPool& pool() {
    static BlockPool* p = new BlockPool();  // never destroyed: nodes may die during exit
    return *p;
  }
  T* allocate(size_t n) {
    if (n != 1) return static_cast<T*>(::operator new(n * sizeof(T)));
    return static_cast<T*>(pool().get(sizeof(T)));
  }
  void deallocate(T* p, size_t n) {
    if (n != 1) ::operator delete(p);
    else pool().put(p);
  }
  template <typename U>
  bool operator==(const PoolAllocator<U>&) const { return true; }
  template <typename U>
  bool operator!=(const PoolAllocator<U>&) const { return false; }
};

template <typename T, typename... Args>
std::shared_ptr<T> make_pooled(Args&&... args) {
  return std::allocate_shared<T>(PoolAllocator<T>(), std::forward<Args>(args)...);
}

}  // namespace mlx::core
