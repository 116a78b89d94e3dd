/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * String hashes for the core's name indexes: 32- and 64-bit FNV-1a
 * (Fowler, Noll, Vo; the offset bases and primes are the published ones),
 * used by the DWARF names, and a word-at-a-time hash for the two big
 * in-memory indexes (kallsyms names, BTF type names; never stored).
 */
#ifndef KD_CORE_HASH_H
#define KD_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* FNV-1a of len bytes, 32 bits. */
static inline uint32_t kd_hash32(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* FNV-1a of a NUL-terminated string, 32 bits. */
static inline uint32_t kd_hash32_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* FNV-1a of a NUL-terminated string, 64 bits. */
static inline uint64_t kd_hash64_str(const char *s)
{
	uint64_t h = 14695981039346656037ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}


/* A word read from memory, as little-endian (identity on x86-64 and arm64). */
static inline uint64_t kd_hash_le64(uint64_t w)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(w);
#else
	return w;
#endif
}

static inline uint64_t kd_hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ h >> 32;
}

static inline uint32_t kd_hash_end(uint64_t h)
{
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h ^ h >> 29);
}

/*
 * A 32-bit hash of len bytes, eight at a time (a multiply and a fold per
 * word): about four times fewer instructions than FNV-1a on kernel names.
 */
static inline uint32_t kd_hash32_fast(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
	for (; len >= 8; s += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = kd_hash_word(h, kd_hash_le64(w));
	}
	if (len) {
		uint64_t w = 0;
		for (size_t i = 0; i < len; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
		h = kd_hash_word(h, w);
	}
	return kd_hash_end(h);
}

/*
 * The same hash of len bytes that have at least 8 readable bytes from the
 * last word on (a buffer with slack): the tail is one masked load.
 */
static inline uint32_t kd_hash32_fast_padded(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
	for (; len >= 8; s += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = kd_hash_word(h, kd_hash_le64(w));
	}
	if (len) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = kd_hash_word(h, kd_hash_le64(w) & (~0ull >> (64 - 8 * len)));
	}
	return kd_hash_end(h);
}

#endif
