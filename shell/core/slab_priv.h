/* SPDX-License-Identifier: GPL-3.0-or-later */
// Private to the slab layer (slab.c, slab_walk.c): the member layout of
// SLUB's structures resolved once from BTF, and the table.  Page frames and
// struct pages (which struct slab overlays) come from the page layer
// (include/kdive/page.h).
#ifndef KDIVE_SLAB_PRIV_H
#define KDIVE_SLAB_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/session.h>
#include <kdive/slab.h>
#include <kdive/types.h>

struct kd_slab_member {
	bool ok;
	struct kd_member_info m;
};

struct kd_slab_layout {
	// struct kmem_cache
	uint64_t kc_bytes; // bytes read of a kmem_cache (up to the node pointers)
	struct kd_slab_member kc_cpu_slab, kc_flags, kc_size, kc_object_size, kc_offset, kc_oo, kc_name,
		kc_list, kc_random, kc_red_left_pad, kc_node, kc_cpu_sheaves;
	uint64_t node_stride; // bytes between node pointers (per_node[] entries or 8)
	// struct kmem_cache_cpu
	uint64_t cc_bytes;
	struct kd_slab_member cc_freelist, cc_slab, cc_partial;
	// struct kmem_cache_node
	uint64_t kn_bytes;
	struct kd_slab_member kn_nr_partial, kn_partial, kn_nr_slabs, kn_total_objects, kn_full, kn_barn;
	// struct slab (5.17+) or struct page
	const char *slab_type;
	uint64_t slab_bytes;
	struct kd_slab_member sl_list, sl_next, sl_cache, sl_freelist, sl_inuse, sl_objects, sl_frozen;
	// sheaves (7.x)
	struct kd_slab_member ps_main, ps_spare, sh_size, sh_objects, sh_list, barn_full;
	// the kernel
	uint64_t slab_caches;   // &slab_caches
	unsigned ncpus, nnodes;
	uint64_t page_size, page_offset;
	int free_mode;          // freelist hardening: 0 unknown, 1 swab(addr), 2 plain addr
};

struct kd_slab_table {
	struct kd_slab_layout *l;
	struct kd_slab_cache *caches;
	size_t n, cap;
	char **lost;
	size_t nlost;
};

bool kd_slab_ok(struct kd_error *err);
uint64_t kd_slab_get(struct kd_session *s, const struct kd_slab_member *m, const void *buf, size_t len);
struct kd_error *kd_slab_layout_create(struct kd_session *s, struct kd_slab_layout **ret);
void kd_slab_layout_destroy(struct kd_slab_layout *l);

// Add a line to a walk's list of what could not be read (at most 256).
void kd_slab_lost_add(char ***lost, size_t *n, const char *fmt, ...) KD_PRINTF(3, 4);

#endif
