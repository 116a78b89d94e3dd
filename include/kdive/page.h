/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file page.h
 * The kernel's page array (struct page, one per page frame): page frame
 * numbers to struct page addresses and back through SPARSEMEM's
 * mem_section table (include/linux/mmzone.h; SYMBOL(mem_section),
 * NUMBER(SECTION_SIZE_BITS) and NUMBER(MAX_PHYSMEM_BITS) from VMCOREINFO),
 * reading and decoding struct page (include/linux/mm_types.h) by the
 * members BTF shows, flag names from BTF's `enum pageflags`, page types
 * (buddy, slab, page table...) by whichever scheme the kernel's types show,
 * and compound pages (head, tail, order).  kmem and pagemap build on it.
 *
 *     err = kd_pages_load(s);
 *     err = kd_pfn_to_page(s, pfn, &page_addr);
 *     err = kd_page_read(s, page_addr, &pg);
 *     err = kd_page_walk(s, 0, kd_page_max_pfn(s), fn, arg);   // fast bulk reads
 *     err = kd_page_read_pfns(s, pfns, n, fn, arg);            // the same for a list
 */
#ifndef KDIVE_PAGE_H
#define KDIVE_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** Page types (struct kd_page.types bits), however the kernel encodes them. */
enum kd_page_type {
	KD_PT_BUDDY = 1 << 0,     /**< a free block's first page, in the buddy allocator */
	KD_PT_SLAB = 1 << 1,      /**< slab memory (PG_slab, or the slab page type) */
	KD_PT_OFFLINE = 1 << 2,   /**< logically offline (balloon, memory hot-unplug) */
	KD_PT_TABLE = 1 << 3,     /**< a page-table page */
	KD_PT_GUARD = 1 << 4,     /**< a debug guard page */
	KD_PT_HUGETLB = 1 << 5,   /**< part of a hugetlbfs page (head's compound type) */
	KD_PT_ZSMALLOC = 1 << 6,
	KD_PT_UNACCEPTED = 1 << 7,
	KD_PT_LARGE_KMALLOC = 1 << 8,
};

/** One struct page, decoded. */
struct kd_page {
	uint64_t addr;          /**< the struct page's kernel address */
	uint64_t pfn;
	uint64_t flags;         /**< page->flags, whole (zone/node/section bits included) */
	uint64_t mapping;       /**< page->mapping (low bits: PAGE_MAPPING_ANON...) */
	uint64_t index;         /**< page->index */
	uint64_t private_;      /**< page->private */
	int32_t refcount;       /**< page->_refcount */
	int32_t mapcount;       /**< page->_mapcount (-1: not mapped) */
	uint32_t page_type;     /**< page->page_type (the same word as _mapcount where they share it) */
	uint64_t head;          /**< the compound head's struct page; addr for a head or a plain page */
	bool compound;          /**< a head or tail page of a compound page */
	unsigned order;         /**< compound order (on the head; read from its first tail), or the
				     free block's order for a buddy page; 0 otherwise */
	unsigned types;         /**< enum kd_page_type bits */
	uint64_t memcg_data;    /**< page->memcg_data (page->mem_cgroup before 5.11): the memory
				     cgroup with flag bits; 0 without CONFIG_MEMCG */
};

/**
 * Set up the page layer: the mem_section table, the struct page layout
 * and the flag names.  Needs VMCOREINFO and the types; loads the types if
 * needed.  Done once; the first error is kept and returned again (as a copy).
 */
KD_API struct kd_error *kd_pages_load(struct kd_session *s);

/** One past the highest page frame number the section table can describe. */
KD_API uint64_t kd_page_max_pfn(struct kd_session *s);
/** Bytes of struct page. */
KD_API uint64_t kd_page_struct_size(struct kd_session *s);

/**
 * The struct page of a page frame.  KD_ERR_NOTFOUND when its section has
 * no memory map (a hole); KD_ERR_FAULT/NODATA when the table is unreadable.
 */
KD_API struct kd_error *kd_pfn_to_page(struct kd_session *s, uint64_t pfn, uint64_t *page_ret);
/**
 * The page frame a struct page address describes (it need not be the start
 * of the struct).  KD_ERR_NOTFOUND when addr is in no section's memory map.
 */
KD_API struct kd_error *kd_page_to_pfn(struct kd_session *s, uint64_t addr, uint64_t *pfn_ret);

/** Read and decode the struct page at addr (the start of one). */
KD_API struct kd_error *kd_page_read(struct kd_session *s, uint64_t addr, struct kd_page *ret);

/**
 * Called for each page frame of a walk in pfn order.  err is NULL for a page
 * that was read; otherwise only pg->pfn and pg->addr are set and err says
 * why (the walk keeps it).  Return non-zero to stop.
 */
typedef int kd_page_fn(const struct kd_page *pg, const struct kd_error *err, void *arg);
/**
 * Every page frame in [first, end) that has a memory map, read many struct
 * pages at a time; a chunk the dump does not hold is retried page by page
 * so a missing page of the map costs only the structs in it.  Returns
 * KD_ERR_INTERRUPTED on Ctrl-C, NULL otherwise (unless a setup error).
 */
KD_API struct kd_error *kd_page_walk(struct kd_session *s, uint64_t first, uint64_t end,
				     kd_page_fn *fn, void *arg);

/**
 * The struct pages of n page frames (pfns: any order, repeats allowed), fn
 * called for each in the order given.  Runs of consecutive frames are read
 * in one go as kd_page_walk() reads them (a process's memory is mostly
 * such runs), a lone frame with one read; a frame in a hole or whose struct
 * page the dump lacks is passed with its error (pg->pfn set).  Returns NULL
 * when fn stopped the walk or all were passed, else a setup error.
 */
KD_API struct kd_error *kd_page_read_pfns(struct kd_session *s, const uint64_t *pfns, size_t n,
					  kd_page_fn *fn, void *arg);

/* ---- flags ---------------------------------------------------------------- */

/** Number of page flag bits (__NR_PAGEFLAGS), 0 before kd_pages_load(). */
KD_API unsigned kd_page_flag_count(struct kd_session *s);
/** The kernel's name of a flag bit ("PG_locked"), or NULL. */
KD_API const char *kd_page_flag_name(struct kd_session *s, unsigned bit);
/**
 * The other names the kernel gives the same bit (enum pageflags' aliases:
 * "PG_checked,PG_swapcache,PG_pinned..." for PG_owner_priv_1), or NULL.
 */
KD_API const char *kd_page_flag_aliases(struct kd_session *s, unsigned bit);
/** The bit of a flag by name ("PG_lru" or "lru"); KD_ERR_NOTFOUND. */
KD_API struct kd_error *kd_page_flag_bit(struct kd_session *s, const char *name, unsigned *bit_ret);
/**
 * The names of the flag bits set in flags, crash style: lowercase, without
 * "PG_", separated by sep ("locked,uptodate,lru").  Returns buf.
 */
KD_API const char *kd_page_flags_str(struct kd_session *s, uint64_t flags, const char *sep,
				     char *buf, size_t size);
/** The names of the enum kd_page_type bits set in types ("buddy", "slab"...). */
KD_API const char *kd_page_types_str(unsigned types, const char *sep, char *buf, size_t size);

/* ---- sections --------------------------------------------------------------- */

/** One SPARSEMEM section. */
struct kd_mem_section {
	uint64_t nr;          /**< section number */
	uint64_t addr;        /**< the struct mem_section's address */
	uint64_t raw;         /**< section_mem_map as stored (encoded map | flag bits) */
	uint64_t mem_map;     /**< the struct page of the section's first pfn */
	uint64_t first_pfn;
	bool present;         /**< SECTION_MARKED_PRESENT */
	bool has_mem_map;     /**< SECTION_HAS_MEM_MAP */
	bool online;          /**< SECTION_IS_ONLINE (where the kernel has the bit) */
	bool early;           /**< SECTION_IS_EARLY */
};
/** Pages per section. */
KD_API uint64_t kd_mem_section_pages(struct kd_session *s);
/** Number of sections the table can hold (NR_MEM_SECTIONS). */
KD_API uint64_t kd_mem_section_count(struct kd_session *s);
/** Section nr; KD_ERR_NOTFOUND when its root is absent (ret->present false). */
KD_API struct kd_error *kd_mem_section_get(struct kd_session *s, uint64_t nr, struct kd_mem_section *ret);
/**
 * The first present section at or after nr, skipping absent roots without
 * cost.  KD_ERR_NOTFOUND past the last one.  When a root cannot be read,
 * its error is returned with ret->nr set to the root's last section, so a
 * loop goes on from ret->nr + 1.
 */
KD_API struct kd_error *kd_mem_section_next(struct kd_session *s, uint64_t nr, struct kd_mem_section *ret);

#endif
