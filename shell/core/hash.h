/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One string hash for the core's name indexes (symbols, types, DWARF
 * names): 32- and 64-bit FNV-1a (Fowler, Noll, Vo; the offset bases and
 * primes are the published ones).
 */
#ifndef KD_CORE_HASH_H
#define KD_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

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

#endif
