/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file vma.h
 * A process's virtual memory areas (struct vm_area_struct,
 * include/linux/mm_types.h) in address order, from its mm_struct: the maple
 * tree mm_mt (Linux 6.1+), the rbtree mm_rb or the vm_next list before,
 * chosen by the members BTF shows.  The walk degrades as every walk does: an
 * unreadable VMA is reported to the caller and skipped.
 *
 *     err = kd_vma_foreach(s, mm, each, &state);
 */
#ifndef KDIVE_VMA_H
#define KDIVE_VMA_H

#include <stdbool.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** One VMA. */
struct kd_vma {
	uint64_t addr;       /**< the struct vm_area_struct */
	uint64_t start, end; /**< [vm_start, vm_end) */
	uint64_t flags;      /**< vm_flags (VM_READ 0x1, VM_WRITE 0x2, VM_EXEC 0x4, VM_SHARED 0x8...) */
	uint64_t pgoff;      /**< vm_pgoff: offset in the file, in pages */
	uint64_t file;       /**< vm_file (struct file *), 0 for anonymous memory */
	uint64_t anon_vma;   /**< anon_vma, 0 if none */
};

/** Called per VMA, in address order; return non-zero to stop. */
typedef int kd_vma_fn(struct kd_session *s, const struct kd_vma *v, void *arg);
/** Called per VMA (or link) that could not be read. */
typedef void kd_vma_lost_fn(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg);

/**
 * Each VMA of the mm_struct at mm.  lost may be NULL (a warning per lost
 * VMA, and KD_ERR_NODATA at the end).  *count_ret (may be NULL): VMAs seen.
 */
KD_API struct kd_error *kd_vma_foreach(struct kd_session *s, uint64_t mm, kd_vma_fn *fn,
				       kd_vma_lost_fn *lost, void *arg, size_t *count_ret);

#endif
