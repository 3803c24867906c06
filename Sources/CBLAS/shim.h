#ifndef MARQUEE_CBLAS_SHIM_H
#define MARQUEE_CBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>

/// Hints the CPU to bring the cache line at `p` into all cache levels (read, high temporal locality).
/// Swift has no prefetch intrinsic; this static inline function is inlined into Swift callers.
static inline void marquee_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }
#endif
