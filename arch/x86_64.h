/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The x86_64 backend's own interface, beyond struct kd_arch_ops: its
 * parameters and a constructor that takes them directly, for the unit
 * tests and fuzz target (synthetic page tables, no dump) and for deriving
 * VMCOREINFO from a saved CR3 (the core's derive.c).
 */
#ifndef KD_ARCH_X86_64_H
#define KD_ARCH_X86_64_H

#include "arch.h"

/** The backend's ops (also in arch/arch.c's table). */
extern const struct kd_arch_ops kd_arch_x86_64;

/** The ORC / frame-pointer unwinder (arch/x86_64_unwind.c). */
extern const struct kd_arch_unwinder kd_x86_64_unwinder;

/** __START_KERNEL_map: where the kernel image is mapped (page_64_types.h). */
#define KD_X86_64_START_KERNEL_MAP 0xffffffff80000000ull

/** What the x86_64 backend needs to know; kd_x86_64_create() takes it directly. */
struct kd_x86_64_params {
	bool la57;                  /**< 5-level paging */
	uint64_t kernel_root;       /**< physical address of init_top_pgt (or a CR3's table) */
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

#endif
