/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file walk.h
 * Walkers over the kernel's containers in the dump's memory: list_head and
 * hlist_head lists (include/linux/list.h), red-black trees (rb_root,
 * rb_root_cached: include/linux/rbtree_types.h), xarrays and radix trees
 * (include/linux/xarray.h, lib/xarray.c), IDRs (include/linux/idr.h) and
 * maple trees (include/linux/maple_tree.h, lib/maple_tree.c).  Every layout
 * comes from the dump's BTF (struct members, array lengths, enum maple_type),
 * none is compiled in.
 *
 * A walk calls fn once per element, in the container's order, with the
 * element's address (a list or tree node, or the entry stored in an
 * xarray/maple tree) and where it sits (index, range, position).  fn returns
 * non-zero to stop the walk.  A node that cannot be read (a page the dump
 * left out, a corrupted pointer) goes to lost with its address and why; the
 * walk skips it and goes on (a list is then walked backwards from its head
 * to recover its tail).  Walks are bounded (cycles, depth, count) and
 * Ctrl-C stops them.
 *
 *     static int each(struct kd_session *s, const struct kd_walk_item *it, void *arg)
 *     { ... it->addr ... return 0; }
 *     struct kd_walk w = { .fn = each, .arg = &state };
 *     err = kd_walk_maple(s, mm + mm_mt_offset, &w);
 */
#ifndef KDIVE_WALK_H
#define KDIVE_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** One element of a walk. */
struct kd_walk_item {
	/**
	 * list: the struct list_head / hlist_node; rbtree: the struct rb_node
	 * (subtract the member's offset for the containing object);
	 * xarray, idr, maple: the entry stored (a pointer, or a value entry).
	 */
	uint64_t addr;
	/**
	 * xarray: the index (first == last); idr: the id; maple: the range
	 * of indexes the entry covers; list, rbtree: the element's number
	 * from 0.
	 */
	uint64_t first, last;
	unsigned depth;   /**< trees: levels below the root (0 = the root node) */
	/**
	 * With KD_WALK_PATH: the position, "root/l/r" for a red-black tree,
	 * "root/3/12" (slot numbers) for an xarray or maple tree; else NULL.
	 */
	const char *path;
};

/** Called per element; return non-zero to stop the walk. */
typedef int kd_walk_item_fn(struct kd_session *s, const struct kd_walk_item *it, void *arg);

/** Called once per element or link that could not be read: its address and why. */
typedef void kd_walk_lost_fn(struct kd_session *s, uint64_t addr, const struct kd_error *why,
			     void *arg);

/** Walk options. */
enum kd_walk_flags {
	KD_WALK_PATH = 1 << 0,  /**< fill kd_walk_item.path */
	/**
	 * The start address is a node, not the root: an rb_node, an xa_node,
	 * a maple node (its address; the maple type is then read from the
	 * enode pointer the parent holds, so pass the encoded enode), or a
	 * list_head that is itself an element (the walk stops when it comes back).
	 */
	KD_WALK_START_NODE = 1 << 1,
};

/** What a walk calls and how. */
struct kd_walk {
	kd_walk_item_fn *fn;
	/**
	 * NULL: each lost element is a warning (kd_warn) naming its address
	 * and why, and the walk returns KD_ERR_NODATA saying how many were lost.
	 */
	kd_walk_lost_fn *lost;
	void *arg;
	unsigned flags;      /**< enum kd_walk_flags */
	size_t nlost;        /**< out: elements or links lost */
	size_t count;        /**< out: elements visited */
};

/*
 * Each walker returns NULL when the walk ran to its end or fn stopped it,
 * KD_ERR_INTERRUPTED on Ctrl-C, an error when the container's layout is not
 * in the types or its root cannot be read, and (with lost NULL) KD_ERR_NODATA
 * after the walk when something was lost.
 */

/** A list through struct list_head: head is the list's head (not an element). */
KD_API struct kd_error *kd_walk_list(struct kd_session *s, uint64_t head, struct kd_walk *w);
/** A list through struct hlist_node from its struct hlist_head. */
KD_API struct kd_error *kd_walk_hlist(struct kd_session *s, uint64_t head, struct kd_walk *w);
/** A red-black tree in order (struct rb_root or rb_root_cached at root). */
KD_API struct kd_error *kd_walk_rbtree(struct kd_session *s, uint64_t root, struct kd_walk *w);
/** The present entries of an xarray (struct xarray; a radix_tree_root since 4.20) by index. */
KD_API struct kd_error *kd_walk_xarray(struct kd_session *s, uint64_t xa, struct kd_walk *w);
/** The entries of an IDR (struct idr) by id (idr_base added). */
KD_API struct kd_error *kd_walk_idr(struct kd_session *s, uint64_t idr, struct kd_walk *w);
/** The entries of a maple tree (struct maple_tree) with their index ranges. */
KD_API struct kd_error *kd_walk_maple(struct kd_session *s, uint64_t mt, struct kd_walk *w);

/** The address of a per-cpu variable (a per-cpu symbol's address) on one CPU. */
KD_API struct kd_error *kd_percpu_ptr(struct kd_session *s, uint64_t pcp, unsigned cpu,
				      uint64_t *ret);

#endif
