// CSIMD: the byte-classification kernel of the CSV structural scan (Ingest's CSVScanner).
// One header-only inline function, so Swift inlines it at the call site. x86-64 uses SSE2
// (the x86-64 baseline: no runtime CPU dispatch needed); other targets use the portable loop
// below. Ingest's tests compare the result against a Swift byte-at-a-time twin.
#ifndef CSIMD_H
#define CSIMD_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// The interesting bytes of one 64-byte block: bit k of `structural` is set when p[k] is ','
/// or '\n'; bit k of `special` when p[k] is '"' or '\\'.
typedef struct {
    uint64_t structural;
    uint64_t special;
} csimd_block_masks;

/// Classifies the 64 bytes at `p`. Contract: p[0..<64] is readable (no alignment needed);
/// nothing is written; no state.
static inline csimd_block_masks csimd_classify64(const uint8_t *p) {
    csimd_block_masks m = {0, 0};
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), nl = _mm_set1_epi8('\n');
    const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        uint64_t s = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, nl)));
        uint64_t q = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)));
        m.structural |= s << (16 * k);
        m.special |= q << (16 * k);
    }
#else
    for (int k = 0; k < 64; k++) {
        uint8_t c = p[k];
        m.structural |= (uint64_t)(c == ',' || c == '\n') << k;
        m.special |= (uint64_t)(c == '"' || c == '\\') << k;
    }
#endif
    return m;
}

/// Hints the CPU to fetch the cache line holding `p` (no fault on any address; no effect on
/// results). Used by Query's run cursors to read ahead in the columns of each sorted run.
static inline void csimd_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

#endif
