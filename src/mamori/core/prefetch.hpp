#pragma once
// A software prefetch the compiler keeps. GCC 12 at -O2 deletes
// __builtin_prefetch from small functions such as a table's
// prefetch_slot(): its interprocedural analysis (pure-const, mod/ref) finds
// the function without side effects, since a prefetch changes no memory,
// and removes every call to it whose result is unused, which is every
// call. The batch prefetching of the detectors' tables compiled to nothing
// that way. The empty volatile asm that takes the address is an effect the
// compiler must keep; it emits no instruction of its own.
namespace mamori {

// Requests the cache line holding `p` into every cache level.
inline void prefetch_read(const void* p) noexcept {
  __builtin_prefetch(p, 0, 3);
  asm volatile("" : : "r"(p));
}

}  // namespace mamori
