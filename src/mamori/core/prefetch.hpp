#pragma once
// A software prefetch the compiler keeps. GCC 12 at -O2 deletes
// __builtin_prefetch from small functions such as a table's
// prefetch_slot(): its interprocedural analysis (pure-const, mod/ref) finds
// the function without side effects, since a prefetch changes no memory,
// and removes every call to it whose result is unused, which is every
// call. The batch prefetching of the detectors' tables compiled to nothing
// that way. The empty volatile asm that takes the address is an effect the
// compiler must keep; it emits no instruction of its own.
#include <cstddef>
#include <cstdint>

namespace mamori {

// Requests the cache line holding `p` into every cache level.
inline void prefetch_read(const void* p) noexcept {
  __builtin_prefetch(p, 0, 3);
  asm volatile("" : : "r"(p));
}

// Requests every cache line that [p, p + bytes) touches, wherever it starts
// within its first line (a table entry need not be line-aligned).
inline void prefetch_range(const void* p, std::size_t bytes) noexcept {
  const auto first = reinterpret_cast<std::uintptr_t>(p) & ~std::uintptr_t{63};
  const auto last = reinterpret_cast<std::uintptr_t>(p) + bytes - 1;
  for (std::uintptr_t line = first; line <= last; line += 64)
    prefetch_read(reinterpret_cast<const void*>(line));
}

}  // namespace mamori
