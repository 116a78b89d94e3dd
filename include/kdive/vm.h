/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file vm.h
 * Virtual memory: address spaces, translation, virtual reads, the
 * page-table walk level by level, and the kernel's virtual memory map.
 * The arch backend for the dump's machine (arch/) does the walking; this is
 * what commands see.  Part of <kdive/session.h>.
 */
#ifndef KDIVE_VM_H
#define KDIVE_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** Which address space a virtual address belongs to. */
enum kd_as_kind {
	KD_AS_KERNEL = 0, /**< the kernel's page tables (init_top_pgt / swapper_pg_dir) */
	KD_AS_USER,       /**< a process: pgd is the physical address of its top table */
};
struct kd_as {
	enum kd_as_kind kind;
	uint64_t pgd;     /**< KD_AS_USER: physical address of the top-level table; a CR3 value
			       works too (x86_64 ignores its PCID bits 0-11 and bit 63) */
};

/**
 * Translate a virtual address; *pagesize_ret (may be NULL) gets the size of
 * the page that maps it.  Unmapped: KD_ERR_FAULT naming the address and the
 * level where the walk stopped.  as NULL means the kernel.
 */
KD_API struct kd_error *kd_translate(struct kd_session *s, const struct kd_as *as, uint64_t va,
				     uint64_t *pa_ret, uint64_t *pagesize_ret);
/** Read virtual memory (page by page through kd_translate and kd_read_phys). */
KD_API struct kd_error *kd_read_virt(struct kd_session *s, const struct kd_as *as, uint64_t va,
				     void *buf, size_t len);
/** kd_read_virt() in the kernel's address space. */
KD_API struct kd_error *kd_read_kernel(struct kd_session *s, uint64_t va, void *buf, size_t len);
/**
 * Called by kd_read_kernel_partial() for each page-sized piece it could not
 * read: bytes [off, off + len) of the buffer (left zero-filled) and why.
 * Return false to stop the read (it then fails with KD_ERR_NOMEM).
 */
typedef bool kd_read_hole_fn(uint64_t off, uint64_t len, const struct kd_error *why, void *arg);
/**
 * kd_read_kernel() page by page for a partial dump: a page that cannot be
 * read is zero-filled and reported to hole (NULL: ignored), and the read goes
 * on.  Fails only on an interrupt or when out of memory.
 */
KD_API struct kd_error *kd_read_kernel_partial(struct kd_session *s, uint64_t va, void *buf, size_t len,
					       kd_read_hole_fn *hole, void *arg);

/** How a page-table walk ended at one level. */
enum kd_walk_state {
	KD_WALK_TABLE = 0,    /**< the entry points to the next level's table */
	KD_WALK_PAGE,         /**< the entry maps a page (a leaf: PTE or large page) */
	KD_WALK_NOT_PRESENT,  /**< the entry is not present: the walk stops here */
	KD_WALK_UNREADABLE,   /**< the table itself could not be read from the dump */
};

/** One level of a page-table walk, as kd_walk() reports it (top level first). */
struct kd_walk_level {
	const char *name;      /**< the kernel's name for the level: "PGD", "P4D", "PUD", "PMD", "PTE" */
	unsigned depth;        /**< 0 for the top-level table */
	unsigned va_hi, va_lo; /**< the virtual-address bits that index this table */
	uint64_t table;        /**< physical address of the table */
	unsigned index;        /**< the entry's number in the table */
	uint64_t entry_addr;   /**< physical address of the entry (table + index * entry size) */
	uint64_t entry;        /**< the raw entry (memory-encryption bit removed) */
	enum kd_walk_state state;
	uint64_t next;         /**< TABLE: next table; PAGE: page frame (physical) */
	uint64_t page_size;    /**< PAGE: the page size */
	uint64_t pa;           /**< PAGE: the translated address (next + offset in page) */
	uint64_t va;           /**< kd_walk: the address walked; kd_walk_range: where the entry's span starts */
};
/** Called once per level; an error stops the walk and is returned by kd_walk(). */
typedef struct kd_error *kd_walk_fn(const struct kd_walk_level *lvl, void *arg);

/**
 * Walk the page tables for va, calling cb for every level visited (no fast
 * paths, no cache).  Returns NULL when the walk ran (whatever it found) and
 * the callback's error or a setup error otherwise.
 */
KD_API struct kd_error *kd_walk(struct kd_session *s, const struct kd_as *as, uint64_t va,
				kd_walk_fn *cb, void *arg);
/**
 * Walk the page tables over [lo, hi) reading each table once, calling cb for
 * every leaf entry that covers part of the range: a page (state PAGE, any
 * size, lvl->va where it starts), a non-zero entry that is not present
 * (NOT_PRESENT: a swap or migration entry, lvl->entry), or a table that could
 * not be read (UNREADABLE, covering 1 << (lvl->va_lo + index bits) bytes from
 * lvl->va).  Empty entries are skipped.  cb's error stops the walk and is
 * returned.  Machines without a range walker fall back to one walk a page.
 */
KD_API struct kd_error *kd_walk_range(struct kd_session *s, const struct kd_as *as, uint64_t lo,
				      uint64_t hi, kd_walk_fn *cb, void *arg);
/**
 * The bytes a kd_walk_range() leaf covers from lvl->va: a page's size, the
 * whole reach of a table that could not be read, else one entry's span.
 */
static inline uint64_t kd_walk_level_span(const struct kd_walk_level *lvl)
{
	if (lvl->state == KD_WALK_PAGE && lvl->page_size)
		return lvl->page_size;
	unsigned bit = lvl->state == KD_WALK_UNREADABLE ? lvl->va_hi + 1 : lvl->va_lo;
	return bit < 64 ? 1ULL << bit : UINT64_MAX;
}
/** Whether a leaf entry (present, or a swap entry) has the machine's soft-dirty bit. */
KD_API bool kd_pte_soft_dirty(struct kd_session *s, uint64_t entry);
/** kd_translate() by the full walk only: no fast path, no cache (for cross-checks). */
KD_API struct kd_error *kd_translate_walk(struct kd_session *s, const struct kd_as *as, uint64_t va,
					  uint64_t *pa_ret, uint64_t *pagesize_ret);
/** kd_translate() by a linear fast path only (kernel text, direct map); NOTFOUND if none applies. */
KD_API struct kd_error *kd_translate_fast(struct kd_session *s, const struct kd_as *as, uint64_t va,
					  uint64_t *pa_ret, uint64_t *pagesize_ret);
/**
 * The first mapped page at or above va and below end (0: the top of the
 * address space), by the page tables: its address, physical address and
 * size (a large page is one).  KD_ERR_NOTFOUND when nothing more is mapped,
 * KD_ERR_UNSUPPORTED when the machine's backend cannot scan.
 */
KD_API struct kd_error *kd_next_mapped(struct kd_session *s, const struct kd_as *as, uint64_t va,
				       uint64_t end, uint64_t *va_ret, uint64_t *pa_ret,
				       uint64_t *size_ret);
/** Names of the flags set in a page-table entry ("PRESENT|RW|NX") into buf. */
KD_API const char *kd_pte_flags(struct kd_session *s, uint64_t entry, char *buf, size_t size);
/** If entry is a not-present entry holding a swap entry, its type and offset. */
KD_API bool kd_pte_swap(struct kd_session *s, uint64_t entry, uint64_t *type_ret,
			uint64_t *offset_ret);
/** Translation cache counters (since the session opened). */
KD_API void kd_tlb_stats(struct kd_session *s, uint64_t *hits_ret, uint64_t *misses_ret);

/** Facts about the dumped machine's paging, for vtop and layout. */
struct kd_vm_info {
	const char *arch;          /**< "x86_64"; NULL when there is no translation */
	unsigned levels;           /**< paging levels (4 or 5 on x86_64) */
	unsigned va_bits;          /**< significant virtual-address bits (48, 57) */
	uint64_t kernel_root;      /**< physical address of the kernel's top-level table */
	uint64_t kernel_root_va;   /**< its virtual address */
	const char *kernel_root_name; /**< "init_top_pgt" */
	uint64_t user_end;         /**< addresses below this are user space */
	uint64_t phys_base;        /**< physical load offset of the kernel (x86_64 phys_base) */
	uint64_t kernel_offset;    /**< KASLR offset of the kernel text (KERNELOFFSET) */
	uint64_t page_offset;      /**< direct-map base, 0 if unknown */
	const char *bases_source;  /**< how the direct-map/vmalloc/vmemmap bases were found */
	/** The same three bases as derived from the page tables alone (0 = not found). */
	uint64_t pt_page_offset, pt_vmalloc_base, pt_vmemmap_base;
	/**
	 * Bytes from this offset to the end of a top-level table are shared by
	 * every process (the kernel half on x86_64); 0 if not so.
	 */
	unsigned root_shared_offset;
	uint64_t root_table_size;  /**< bytes in the top-level table */
	uint64_t entry_addr_mask;  /**< bits of an entry holding the next table's address */
	const char *level_names[8]; /**< names of the levels, top first */
	/* How `vtop -v` explains the walk; 0/NULL: x86_64's words. */
	unsigned page_shift;       /**< the base page (granule): 12, 14 or 16; 0 = 12 */
	const char *root_reg;      /**< the register a process's top table is in ("TTBR0_EL1"); NULL: "CR3" */
	const char *kernel_root_reg; /**< the kernel's ("TTBR1_EL1"); NULL: root_reg */
	uint64_t image_voffset;    /**< the kernel image's va - pa when that is the rule (kimage_voffset) */
	const char *block_desc;    /**< why an upper entry maps a block ("bit 1 is clear"); NULL: "PSE is set" */
	const char *sign_desc;     /**< what the bits above va_bits do; NULL: canonical sign extension */
	const char *swap_desc;     /**< a swap entry's fields ("type = bits 7..3, offset = bits 57..8") */
};
/** Fill *ret (all zero and arch NULL when translation is unavailable). */
KD_API void kd_vm_info_get(struct kd_session *s, struct kd_vm_info *ret);

/** One region of the kernel's virtual memory map. */
struct kd_vm_region {
	const char *name;    /**< short name: "direct map", "vmalloc", "kernel text" ... */
	const char *desc;    /**< one line, as in the kernel's mm documentation */
	uint64_t start;
	uint64_t last;       /**< last address (inclusive) */
	const char *base;    /**< where start comes from: "page_offset_base", "fixed", ... */
	bool hole;           /**< unused / guard / non-canonical */
};
/** The kernel virtual memory map, sorted by start (NULL/0 if unavailable). */
KD_API size_t kd_vm_regions(struct kd_session *s, const struct kd_vm_region **ret);
/** The region containing va, or NULL. */
KD_API const struct kd_vm_region *kd_vm_region_find(struct kd_session *s, uint64_t va);

#endif
