/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The container walkers' core (walk.c: lists and red-black trees, the
 * layouts from BTF and the public entry points; walk_tree.c: xarrays, IDRs
 * and maple trees).  The core takes the layouts as plain numbers and reads
 * memory through a callback, so that unit tests and the fuzz target run it
 * on synthetic memory without a dump or types (s may then be NULL).
 */
#ifndef KD_CORE_WALK_PRIV_H
#define KD_CORE_WALK_PRIV_H

#include <kdive/walk.h>

typedef struct kd_error *kd_walk_read_fn(struct kd_session *s, uint64_t addr, void *buf, size_t len);

/* struct list_head / hlist_head + hlist_node (include/linux/types.h). */
struct kd_list_layout {
	uint32_t next, prev;    /* list_head members; hlist: hlist_node.next, hlist_head.first in prev */
};

/* struct rb_root.rb_node, rb_node.rb_left/rb_right (include/linux/rbtree_types.h). */
struct kd_rb_layout {
	uint32_t root, left, right;
};

/* struct xarray.xa_head, xa_node.shift/slots (include/linux/xarray.h). */
struct kd_xa_layout {
	uint32_t head;          /* in struct xarray */
	uint32_t shift, slots;  /* in struct xa_node */
	uint32_t nslots;        /* XA_CHUNK_SIZE: the length of xa_node.slots */
	uint32_t chunk_shift;   /* log2(nslots) */
	uint32_t idr_rt, idr_base; /* struct idr */
};

/* The maple tree (include/linux/maple_tree.h). */
enum { KD_MT_DENSE, KD_MT_LEAF64, KD_MT_RANGE64, KD_MT_ARANGE64, KD_MT_NTYPES };
struct kd_maple_layout {
	uint32_t root;          /* maple_tree.ma_root */
	uint32_t node_size;     /* sizeof(struct maple_node): nodes are aligned to it */
	int64_t type[KD_MT_NTYPES]; /* enum maple_type values, -1 if absent */
	struct {
		uint32_t slot, nslots;   /* offset and length of the slot array */
		uint32_t pivot, npivots; /* offset and length of the pivot array (0 for dense) */
		uint32_t meta_end;       /* offset of meta.end, 0 if none */
	} t[KD_MT_NTYPES];
};

/* One walk in progress. */
struct kd_walk_ctx {
	struct kd_session *s;
	kd_walk_read_fn *read;
	bool big_endian;
	struct kd_walk *w;
	char path[1024];
	size_t plen;
	uint64_t limit;         /* most elements visited (bounds a corrupted walk) */
	bool stop;              /* fn asked to stop */
	struct kd_addr_set { uint64_t *slot; size_t cap, n; } seen; /* tree nodes met */
	struct kd_error *err;   /* interrupted */
};

/* Start a walk over memory read by read (kd_read_kernel when NULL). */
void kd_walk_ctx_init(struct kd_walk_ctx *c, struct kd_session *s, kd_walk_read_fn *read,
		      struct kd_walk *w);
/* The result once the walk ran (the lost summary when w->lost is NULL); frees the context. */
struct kd_error *kd_walk_ctx_finish(struct kd_walk_ctx *c, const char *what);
/*
 * A tree node is met: false (and reported lost) if it was met before, so
 * that a corrupted tree pointing back into itself is walked once.
 */
bool kd_walk_first_visit(struct kd_walk_ctx *c, uint64_t node);
/* Report one lost element (takes err). */
void kd_walk_lose(struct kd_walk_ctx *c, uint64_t addr, struct kd_error *err);
/* Hand one element to fn; false when the walk must stop. */
bool kd_walk_emit(struct kd_walk_ctx *c, uint64_t addr, uint64_t first, uint64_t last, unsigned depth);
/* A word out of a buffer in the dump's byte order. */
uint64_t kd_walk_u64(const struct kd_walk_ctx *c, const void *p);
/* Position path: append name ("/l", "/12"); returns the old length to pop back to. */
size_t kd_walk_path_push(struct kd_walk_ctx *c, const char *name);
void kd_walk_path_pop(struct kd_walk_ctx *c, size_t len);

void kd_walk_list_core(struct kd_walk_ctx *c, const struct kd_list_layout *l, uint64_t head,
		       bool start_node);
void kd_walk_hlist_core(struct kd_walk_ctx *c, const struct kd_list_layout *l, uint64_t head);
void kd_walk_rbtree_core(struct kd_walk_ctx *c, const struct kd_rb_layout *l, uint64_t root,
			 bool start_node);
/* base is added to each index (the IDR's idr_base). */
void kd_walk_xarray_core(struct kd_walk_ctx *c, const struct kd_xa_layout *l, uint64_t xa,
			 bool start_node, uint64_t base);
void kd_walk_maple_core(struct kd_walk_ctx *c, const struct kd_maple_layout *l, uint64_t mt,
			bool start_node);

#endif
