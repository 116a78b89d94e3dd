/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The architecture layer: address translation for one dumped machine.
 *
 * arch/arch.c is the generic half: it picks the backend for the dump's
 * e_machine, owns the translation cache (a small TLB) and implements the
 * public kd_translate / kd_read_virt / kd_walk / kd_vm_region_* API of
 * <kdive/session.h> on top of the backend's ops.  Each arch/<name>.c is one
 * backend.  A backend reads page tables only through the kd_phys_read_fn it
 * is given (the session's kd_read_phys, or a fake in the unit tests), takes
 * its parameters from VMCOREINFO (and symbols, in post_symbols), and never
 * sees the dump format.
 *
 * To add an architecture:
 *   1. Write arch/<name>.c defining `const struct kd_arch_ops kd_arch_<name>`:
 *      init() reads VMCOREINFO (page size, root table, layout bases) and
 *      allocates the private state; post_symbols() refines the layout from
 *      the symbol table when there is one; translate() and walk() implement
 *      the page-table walk (walk() calls the callback once per level, top
 *      first, with the level's name, the VA bits indexing it, the table and
 *      entry addresses and the raw entry); pte_flags() and pte_swap() decode
 *      entries for vtop; regions() describes the kernel virtual memory map
 *      for `layout` and `vtop -v`; fini() frees the state.
 *   2. List page_sizes (every size translate() can return, smallest first):
 *      the TLB keeps one set per size.
 *   3. Add the ops to the backends[] table in arch/arch.c, the file to
 *      libkdcore_la_SOURCES in Makefile.am, and give the backend a
 *      constructor taking a kd_phys_read_fn (as kd_x86_64_create does) so
 *      tests/unit/test_<name>.c can drive the walker on synthetic tables.
 *   4. Nothing else changes: commands see only <kdive/session.h>.
 */
#ifndef KD_ARCH_ARCH_H
#define KD_ARCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>
#include <kdive/session.h>

/** Read physical memory for the walker (the session's kd_read_phys, or a fake). */
typedef struct kd_error *kd_phys_read_fn(void *arg, uint64_t pa, void *buf, size_t len);

enum kd_xlat_mode { KD_XLAT_ANY, KD_XLAT_WALK, KD_XLAT_FAST };

struct kd_arch_ops {
	const char *name;
	unsigned e_machine;
	/** Page sizes translate() may return, smallest first, 0-terminated (at most 4). */
	const uint64_t *page_sizes;
	/** Set up from VMCOREINFO; *state_ret is the backend's private state. */
	struct kd_error *(*init)(struct kd_session *s, void **state_ret);
	/** Second stage, once symbols are loaded (may find layout variables). */
	struct kd_error *(*post_symbols)(struct kd_session *s, void *state);
	/**
	 * Translate va in as.  KD_XLAT_ANY: a linear fast path (kernel text,
	 * direct map) if one applies, else the walk; KD_XLAT_WALK: always
	 * walk; KD_XLAT_FAST: the fast path only (KD_ERR_NOTFOUND if none).
	 */
	struct kd_error *(*translate)(void *state, const struct kd_as *as, uint64_t va,
				      enum kd_xlat_mode mode, uint64_t *pa_ret, uint64_t *pagesize_ret);
	/** Walk the tables for va calling cb once per level (see kd_walk()). */
	struct kd_error *(*walk)(void *state, const struct kd_as *as, uint64_t va, kd_walk_fn *cb,
				 void *arg);
	/** Names of the flags set in entry, '|'-separated, into buf. */
	void (*pte_flags)(uint64_t entry, char *buf, size_t size);
	/** A not-present entry holding a swap entry: type and offset. */
	bool (*pte_swap)(uint64_t entry, uint64_t *type_ret, uint64_t *offset_ret);
	/** The kernel virtual memory map, sorted by start. */
	size_t (*regions)(void *state, const struct kd_vm_region **ret);
	/** Facts about the paging setup, for vtop and layout. */
	void (*info)(void *state, struct kd_vm_info *ret);
	/**
	 * Find the first mapped page at or above va and below end (exclusive,
	 * 0 = top of the address space): *va_ret, *pa_ret, *size_ret.
	 * KD_ERR_NOTFOUND when there is none.
	 */
	struct kd_error *(*next_mapped)(void *state, const struct kd_as *as, uint64_t va,
					uint64_t end, uint64_t *va_ret, uint64_t *pa_ret,
					uint64_t *size_ret);
	void (*fini)(void *state);
};

extern const struct kd_arch_ops kd_arch_x86_64;

/* ---- x86_64 without a dump (unit tests) ------------------------------------ */

/** What the x86_64 backend needs to know; kd_x86_64_create() takes it directly. */
struct kd_x86_64_params {
	bool la57;                  /**< 5-level paging */
	uint64_t kernel_root;       /**< physical address of init_top_pgt */
	uint64_t kernel_root_va;    /**< its virtual address (display only) */
	uint64_t phys_base;         /**< NUMBER(phys_base) */
	uint64_t kernel_offset;     /**< KERNELOFFSET */
	uint64_t kernel_image_size; /**< NUMBER(KERNEL_IMAGE_SIZE) */
	uint64_t sme_mask;          /**< NUMBER(sme_mask) */
	unsigned max_physmem_bits;  /**< NUMBER(MAX_PHYSMEM_BITS) */
	uint64_t stext;             /**< SYMBOL(_stext), 0 if unknown */
	uint64_t phys_end;          /**< end of physical memory (direct-map extent) */
	uint64_t page_offset;       /**< direct-map base, 0 = unknown */
	uint64_t vmalloc_base;      /**< 0 = unknown */
	uint64_t vmemmap_base;      /**< 0 = unknown */
	uint64_t struct_page_size;  /**< SIZE(page), 0 = unknown */
};

/** An x86_64 backend state without a session (reads through read/arg). */
struct kd_error *kd_x86_64_create(const struct kd_x86_64_params *p, kd_phys_read_fn *read,
				  void *arg, void **state_ret);
/** Set the layout bases after creation (page_offset etc.); where says how they were found. */
void kd_x86_64_set_bases(void *state, uint64_t page_offset, uint64_t vmalloc_base,
			 uint64_t vmemmap_base, const char *where);

/* ---- the translation cache ---------------------------------------------------- */

enum { KD_TLB_SETS = 64, KD_TLB_SIZES = 4 };

struct kd_tlb_entry {
	bool valid;
	uint8_t as_kind;
	uint64_t as_root;   /* 0 for the kernel */
	uint64_t va;        /* page-aligned */
	uint64_t pa;        /* page-aligned */
};

/**
 * A direct-mapped cache per page size, keyed by (address space, page).  A
 * dump does not change, so nothing is ever invalidated except by
 * kd_tlb_flush(); a live target would flush between commands.
 */
struct kd_tlb {
	uint64_t sizes[KD_TLB_SIZES];  /* the arch's page sizes, 0 = unused */
	struct kd_tlb_entry e[KD_TLB_SIZES][KD_TLB_SETS];
	uint64_t hits, misses;
};

void kd_tlb_init(struct kd_tlb *t, const uint64_t *page_sizes);
void kd_tlb_flush(struct kd_tlb *t);
bool kd_tlb_lookup(struct kd_tlb *t, const struct kd_as *as, uint64_t va, uint64_t *pa_ret,
		   uint64_t *pagesize_ret);
void kd_tlb_insert(struct kd_tlb *t, const struct kd_as *as, uint64_t va, uint64_t pa,
		   uint64_t pagesize);

#endif
