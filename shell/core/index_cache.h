/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The per-kernel-build index cache (index_cache.c): the decoded kallsyms
 * table and the BTF name and enumerator indexes of a kernel build, kept in files under $XDG_CACHE_HOME/kdive/index
 * (default ~/.cache/kdive/index) keyed by VMCOREINFO's BUILD-ID and
 * KERNELOFFSET, so that the next dump of the same build skips the decode.
 * A file is used only when its header, size and checksum hold and the dump
 * agrees with it (the kallsyms tables' addresses and count, the token index,
 * sampled symbol values read again); anything else is rebuilt, never
 * trusted.  The cache is never required: --no-cache, no home, a read-only
 * or full disk all mean a cold start.  KDIVE_CACHE_TRACE=1 in the
 * environment says on stderr what the cache did (for tests and users).
 */
#ifndef KD_CORE_INDEX_CACHE_H
#define KD_CORE_INDEX_CACHE_H

#include <stdbool.h>

#include "kallsyms.h"

struct kd_session;

/*
 * The cache's directory for sub ("index", "modules"): $XDG_CACHE_HOME/kdive/sub,
 * else ~/.cache/kdive/sub; false without either (then nothing is cached).
 */
bool kd_cache_dir(const char *sub, char *dir, size_t dsize);
/* KDIVE_CACHE_TRACE is set (and not 0): say on stderr what the caches did. */
bool kd_cache_tracing(void);
/* buf into file, through a temporary renamed into place, dir made first (mode 0700); false if not. */
bool kd_cache_write(char *dir, const char *file, const void *buf, size_t len);

/* A cache file mapped whole (base NULL: nothing mapped). */
struct kd_index_map {
	void *base;
	size_t size;
};
/* Frees tab: unmaps *m if it is mapped, else free(tab); *m is cleared. */
void kd_index_map_free(void *tab, struct kd_index_map *m);

/* The build's table from the cache into *ret (text with 8 bytes of slack); false: decode it. */
bool kd_index_cache_kallsyms_load(struct kd_session *s, const struct kd_kallsyms_layout *l,
				  struct kd_kallsyms_table *ret);

/* Keep a freshly decoded table for the next dump of this build (failures are silent). */
void kd_index_cache_kallsyms_store(struct kd_session *s, const struct kd_kallsyms_layout *l,
				   const struct kd_kallsyms_table *t);

/*
 * A hash table over the dump's own BTF (types_index.c's type names, what,
 * "btfnames", entry_size 4, or enumerators, "btfenums", entry_size 8), kept
 * for the BTF of btf_size bytes whose checksum (kd_index_cache_btf_sum) is
 * btf_sum: a file is used only when built from these very bytes.
 */
struct kd_btf_index {
	const char *what;
	size_t btf_size;
	uint64_t btf_sum;
	uint32_t nids;
	size_t entry_size;
};
uint64_t kd_index_cache_btf_sum(const void *btf, size_t btf_size);
/*
 * true and *tab_ret (*ncap_ret entries) when the cache has it: the table lies
 * in a private mapping of the file (writable, the file never changes), which
 * *map_ret holds; kd_index_map_free() frees a table either way.
 */
bool kd_index_cache_btf_load(struct kd_session *s, const struct kd_btf_index *x, void **tab_ret,
			     size_t *ncap_ret, struct kd_index_map *map_ret);
void kd_index_cache_btf_store(struct kd_session *s, const struct kd_btf_index *x, const void *tab,
			      size_t ncap);

#endif
