/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The aarch64 backend's own interface, beyond struct kd_arch_ops: its
 * parameters and a constructor that takes them directly, for the unit tests
 * (synthetic page tables, no dump).
 */
#ifndef KD_ARCH_AARCH64_H
#define KD_ARCH_AARCH64_H

#include "arch.h"

/** The backend's ops (also in arch/arch.c's table). */
extern const struct kd_arch_ops kd_arch_aarch64;
/** Its unwinder (arch/aarch64_unwind.c). */
extern const struct kd_arch_unwinder kd_aarch64_unwinder;

/** What the aarch64 backend needs to know; kd_aarch64_create() takes it directly. */
struct kd_aarch64_params {
	unsigned page_shift;        /**< 12, 14 or 16 (PAGESIZE) */
	unsigned va_bits;           /**< NUMBER(VA_BITS): CONFIG_ARM64_VA_BITS */
	unsigned va_bits_actual;    /**< 64 - NUMBER(TCR_EL1_T1SZ); 0 = va_bits */
	unsigned max_physmem_bits;  /**< NUMBER(MAX_PHYSMEM_BITS); 52 with 64 KiB pages uses LPA */
	uint64_t kernel_root;       /**< physical address of swapper_pg_dir */
	uint64_t kernel_root_va;    /**< its virtual address (display only) */
	uint64_t kimage_voffset;    /**< NUMBER(kimage_voffset): kernel image va - pa */
	uint64_t phys_offset;       /**< NUMBER(PHYS_OFFSET): memstart_addr */
	uint64_t kernel_offset;     /**< KERNELOFFSET */
	uint64_t pac_mask;          /**< NUMBER(KERNELPACMASK): pointer-authentication bits */
	uint64_t page_offset;       /**< start of the linear map; 0 = -(1 << va_bits) */
	uint64_t phys_end;          /**< end of RAM (linear-map fast path); 0 = none */
	uint64_t stext;             /**< SYMBOL(_stext), 0 if unknown (no image fast path) */
	/** NUMBER(MODULES_VADDR) ... (0 = unknown: computed as the kernel's memory.h does) */
	uint64_t modules_vaddr, modules_end, vmalloc_start, vmalloc_end, vmemmap_start, vmemmap_end;
};

/** An aarch64 backend state without a session (reads through read/arg). */
struct kd_error *kd_aarch64_create(const struct kd_aarch64_params *p, kd_phys_read_fn *read,
				   void *arg, void **state_ret);

#endif
