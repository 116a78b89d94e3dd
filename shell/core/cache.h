/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The page cache (shell/core/cache.c): an LRU of decoded pages keyed by pfn,
 * shared by all formats.  The core (shell/core/core.c) creates it on first
 * use and never uses it for live dumps (KD_FMT_LIVE); format backends never
 * see it.
 */
#ifndef KD_CORE_CACHE_H
#define KD_CORE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_cache_stats {
	uint64_t hits, misses, decompressions, evictions;
	size_t capacity, used;
};
struct kd_cache;
struct kd_error *kd_cache_create(size_t npages, size_t page_size, struct kd_cache **ret);
void kd_cache_destroy(struct kd_cache *cache);
/* The cached page for pfn or NULL; a hit moves it to the front. */
const void *kd_cache_lookup(struct kd_cache *cache, uint64_t pfn);
/* A buffer to fill for pfn (evicting the least recently used page); call
 * kd_cache_commit() when it is filled, kd_cache_abort() on failure. */
void *kd_cache_slot(struct kd_cache *cache, uint64_t pfn);
void kd_cache_commit(struct kd_cache *cache);
void kd_cache_abort(struct kd_cache *cache);
/* Drop everything and resize (0 disables). */
struct kd_error *kd_cache_resize(struct kd_cache *cache, size_t npages);
void kd_cache_get_stats(const struct kd_cache *cache, struct kd_cache_stats *st);
/* Default size: $KDIVE_CACHE_PAGES, else 1024 pages. */
size_t kd_cache_default_pages(void);

#endif
