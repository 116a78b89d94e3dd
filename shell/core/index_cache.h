/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The per-kernel-build index cache (index_cache.c): the decoded kallsyms
 * table and the BTF name index of a kernel build, kept in files under $XDG_CACHE_HOME/kdive/index
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

/* The build's table from the cache into *ret (text with 8 bytes of slack); false: decode it. */
bool kd_index_cache_kallsyms_load(struct kd_session *s, const struct kd_kallsyms_layout *l,
				  struct kd_kallsyms_table *ret);

/* Keep a freshly decoded table for the next dump of this build (failures are silent). */
void kd_index_cache_kallsyms_store(struct kd_session *s, const struct kd_kallsyms_layout *l,
				   const struct kd_kallsyms_table *t);

/*
 * The BTF name index (types_index.c's hash of type ids) for the dump's BTF
 * of btf_size bytes and nids ids: true and *names_ret (malloc'd, ncap
 * entries) when the cache holds one built from these very bytes (checked by
 * a checksum, *btf_sum_ret, computed here either way when the build has a
 * cache file name).
 */
bool kd_index_cache_btf_load(struct kd_session *s, const void *btf, size_t btf_size, uint32_t nids,
			     uint32_t **names_ret, size_t *ncap_ret, uint64_t *btf_sum_ret);
void kd_index_cache_btf_store(struct kd_session *s, size_t btf_size, uint64_t btf_sum, uint32_t nids,
			      const uint32_t *names, size_t ncap);

#endif
