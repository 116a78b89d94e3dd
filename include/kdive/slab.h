/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file slab.h
 * The dumped kernel's SLUB caches (mm/slub.c, mm/slab.h): the slab_caches
 * list read into a table of struct kd_slab_cache with the figures
 * /proc/slabinfo shows, every slab of one cache with the state of each of
 * its objects, and the cache, slab and object an address belongs to.
 *
 * Every layout comes from the dump's BTF (struct kmem_cache,
 * kmem_cache_cpu, kmem_cache_node, slab or page) and VMCOREINFO
 * (mem_section, PG_slab or PAGE_SLAB_MAPCOUNT_VALUE); where SLUB changed
 * shape the types say which shape the kernel has: struct slab (5.17+) or
 * struct page, per-CPU partial lists (CONFIG_SLUB_CPU_PARTIAL), per-CPU
 * sheaves (kmem_cache.cpu_sheaves), freelist pointer hardening
 * (kmem_cache.random, CONFIG_SLAB_FREELIST_HARDENED).  Walks are bounded,
 * interruptible, and go on past what they cannot read: the lost parts are
 * named in the table's or the walk's lost messages.
 *
 * The table belongs to the caller (kd_slab_table_destroy()); it is cheap to
 * build (one read per cache and node), so nothing is kept in the session.
 */
#ifndef KDIVE_SLAB_H
#define KDIVE_SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** struct kd_slab_cache.unknown bits: figures that could not be read. */
enum kd_slab_unknown {
	KD_SLAB_U_COUNTS = 1 << 0,  /**< nr_slabs, total_objects, active_objs */
	KD_SLAB_U_ACTIVE = 1 << 3,  /**< active_objs only (a node partial list is damaged) */
	KD_SLAB_U_LAYOUT = 1 << 1,  /**< size, object_size, offset, oo */
	KD_SLAB_U_NAME = 1 << 2,    /**< name */
};

/** One kmem_cache, with the figures of /proc/slabinfo (mm/slub.c get_slabinfo). */
struct kd_slab_cache {
	uint64_t addr;              /**< the struct kmem_cache */
	char name[64];              /**< its name ("?" when unreadable) */
	uint64_t size;              /**< bytes per object with metadata (kmem_cache.size) */
	uint64_t object_size;       /**< bytes the user asked for (kmem_cache.object_size) */
	uint64_t offset;            /**< free pointer offset in an object */
	uint64_t red_left_pad;      /**< bytes of left red zone before each object */
	uint64_t flags;             /**< kmem_cache.flags (SLAB_*) */
	uint64_t random;            /**< freelist hardening key (0: plain pointers) */
	unsigned objects_per_slab;  /**< oo's objects */
	unsigned order;             /**< oo's page order */
	uint64_t slab_bytes;        /**< page size << order */
	uint64_t nr_slabs;          /**< sum of kmem_cache_node.nr_slabs */
	uint64_t total_objects;     /**< sum of kmem_cache_node.total_objects */
	uint64_t partial_free;      /**< free objects on the node partial lists */
	uint64_t nr_partial;        /**< slabs on the node partial lists */
	/**
	 * total_objects - partial_free: /proc/slabinfo's active_objs (objects
	 * free in per-CPU slabs count as active there, as here).
	 */
	uint64_t active_objs;
	unsigned unknown;           /**< enum kd_slab_unknown bits */
	const char *incomplete;     /**< NULL, or why part of it could not be read */
};

/** The caches, in slab_caches list order. */
struct kd_slab_table;

/**
 * Read slab_caches and each cache's nodes.  A cache that cannot be listed,
 * or a link that cannot be followed, is recorded (kd_slab_lost()) and the
 * walk goes on (backwards from the list head).  Needs symbols and types.
 */
KD_API struct kd_error *kd_slab_table_read(struct kd_session *s, struct kd_slab_table **ret);
KD_API void kd_slab_table_destroy(struct kd_slab_table *t);
KD_API size_t kd_slab_cache_count(const struct kd_slab_table *t);
KD_API const struct kd_slab_cache *kd_slab_cache_get(const struct kd_slab_table *t, size_t i);
/** The cache with this name, or whose kmem_cache is at this address (name may be NULL). */
KD_API const struct kd_slab_cache *kd_slab_cache_find(const struct kd_slab_table *t, const char *name,
						     uint64_t addr);
/** What the read could not list, one message each ("kmem_cache at 0x...: why"); NULL past the end. */
KD_API const char *kd_slab_lost(const struct kd_slab_table *t, size_t i);

/** Where a slab was found. */
enum kd_slab_where {
	KD_SLAB_CPU = 0,       /**< a CPU's active slab (kmem_cache_cpu.slab) */
	KD_SLAB_CPU_PARTIAL,   /**< on a CPU's partial list */
	KD_SLAB_NODE_PARTIAL,  /**< on a node's partial list */
	KD_SLAB_NODE_FULL,     /**< on a node's full list (SLAB_STORE_USER debugging) */
	KD_SLAB_FULL,          /**< on no list: found in the page array */
};
/** A where's name: "cpu", "cpu-partial", "partial", "full-list", "full". */
KD_API const char *kd_slab_where_name(enum kd_slab_where w);

/** An object's state. */
enum kd_slab_obj_state {
	KD_SLAB_OBJ_ALLOCATED = 0,
	KD_SLAB_OBJ_FREE,      /**< on the slab's freelist */
	KD_SLAB_OBJ_CPU_FREE,  /**< on its CPU's lockless freelist (kmem_cache_cpu.freelist) */
	KD_SLAB_OBJ_SHEAF,     /**< free to users, held in a per-CPU or node sheaf */
};
/** A state's name: "allocated", "free", "cpu-free", "sheaf". */
KD_API const char *kd_slab_obj_state_name(enum kd_slab_obj_state st);

/** One slab of a cache, as kd_slab_foreach() reports it. */
struct kd_slab_info {
	uint64_t slab;          /**< the struct slab (the head struct page) */
	uint64_t pfn;           /**< its first page frame (~0 when unknown) */
	uint64_t base;          /**< the slab's memory: page_address() */
	uint64_t first;         /**< the first object: base + red_left_pad */
	enum kd_slab_where where;
	int cpu;                /**< CPU for KD_SLAB_CPU and KD_SLAB_CPU_PARTIAL, else -1 */
	int node;               /**< node for the node lists, else -1 */
	unsigned objects;       /**< slab.objects */
	unsigned inuse;         /**< slab.inuse */
	bool frozen;            /**< slab.frozen */
	unsigned nfree;         /**< objects not KD_SLAB_OBJ_ALLOCATED in state[] */
	/** state[i]: object i (at first + i * cache size); objects entries. */
	const unsigned char *state;
	/** NULL, or why the states may be wrong (an unreadable or damaged freelist). */
	const char *incomplete;
};

/** Called with each slab; return non-zero to stop. */
typedef int kd_slab_fn(const struct kd_slab_info *slab, void *arg);

/**
 * Every slab of the cache: each CPU's active slab and partial list, each
 * node's partial (and full) list, then the slabs on no list, found in the
 * page array (struct pages whose slab_cache is this cache).  Objects are
 * free when on the slab's freelist, on the CPU's freelist, or in a sheaf.
 * Unreadable or damaged elements are skipped and named in *lost_ret (a
 * NULL-terminated array for kd_slab_lost_free(), or NULL); the error is an
 * interrupt or a setup error only.
 */
KD_API struct kd_error *kd_slab_foreach(struct kd_session *s, const struct kd_slab_table *t,
					const struct kd_slab_cache *c, kd_slab_fn *fn, void *arg,
					char ***lost_ret);
/** Free a lost-message array kd_slab_foreach() returned (NULL-terminated). */
KD_API void kd_slab_lost_free(char **lost);

/** What kd_slab_find() learns about an address. */
struct kd_slab_addr {
	const struct kd_slab_cache *cache;
	/**
	 * The slab (state NULL), where it was found: a CPU's slab or partial
	 * chain, a node list, or KD_SLAB_FULL when on none of them.
	 */
	struct kd_slab_info slab;
	uint64_t object;            /**< the object's start */
	uint64_t index;             /**< its number in the slab */
	enum kd_slab_obj_state state;
	bool in_object;             /**< false: addr is in the slab's padding after the last object */
};

/**
 * Is addr in a slab page of one of the table's caches?  *found_ret false if
 * not (no error).  The state comes from the slab's and every CPU's freelist
 * and sheaves.
 */
KD_API struct kd_error *kd_slab_find(struct kd_session *s, const struct kd_slab_table *t, uint64_t addr,
				     struct kd_slab_addr *ret, bool *found_ret);

#endif
