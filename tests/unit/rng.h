/*
 * rng.h -- a small reproducible generator for unit tests (xorshift64).
 * Include once per test file; define RNG_SEED first to pick the sequence.
 */
#ifndef DL_TEST_RNG_H
#define DL_TEST_RNG_H

#include <stdint.h>

#ifndef RNG_SEED
#define RNG_SEED 0x9E3779B97F4A7C15ull
#endif

static uint64_t g_rng = RNG_SEED;

/* A number in [0, n), n > 0. */
static inline uint32_t rnd(uint32_t n)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (uint32_t)(g_rng % n);
}

#endif
