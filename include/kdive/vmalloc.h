/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file vmalloc.h
 * The dumped kernel's vmalloc areas (mm/vmalloc.c): every busy struct
 * vmap_area with its struct vm_struct (address, size, flags, pages,
 * physical address, caller), and the lazily freed areas not purged yet, as
 * /proc/vmallocinfo shows them.  The areas come from the busy tree
 * (vmap_area_root, or each vmap_nodes[].busy.root since 6.9) walked in
 * address order, else from vmap_area_list; layouts from the dump's BTF.
 * The walk is bounded and goes on past what it cannot read (kd_vmalloc_lost()).
 * The table belongs to the caller.
 */
#ifndef KDIVE_VMALLOC_H
#define KDIVE_VMALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** vm_struct.flags bits /proc/vmallocinfo names (include/linux/vmalloc.h). */
enum kd_vm_flags {
	KD_VM_IOREMAP = 0x1,
	KD_VM_ALLOC = 0x2,
	KD_VM_MAP = 0x4,
	KD_VM_USERMAP = 0x8,
	KD_VM_DMA_COHERENT = 0x10,
	KD_VM_UNINITIALIZED = 0x20,
};

/** One vmalloc area. */
struct kd_vmalloc_area {
	uint64_t va;           /**< the struct vmap_area */
	uint64_t va_start;     /**< vmap_area.va_start */
	uint64_t va_end;       /**< vmap_area.va_end (exclusive) */
	uint64_t vm;           /**< the struct vm_struct, 0 for vm_map_ram areas and purge ones */
	uint64_t addr;         /**< vm_struct.addr (va_start without vm) */
	uint64_t size;         /**< vm_struct.size, guard page included (va_end - va_start without vm) */
	uint64_t flags;        /**< vm_struct.flags (enum kd_vm_flags) */
	uint64_t pages;        /**< vm_struct.pages (the array of struct page pointers) */
	uint64_t nr_pages;     /**< vm_struct.nr_pages */
	uint64_t phys_addr;    /**< vm_struct.phys_addr (ioremap) */
	uint64_t caller;       /**< vm_struct.caller: the code that asked for it */
	bool purge;            /**< lazily freed, waiting to be purged ("unpurged vm_area") */
	const char *incomplete;/**< NULL, or why its vm_struct could not be read */
};

struct kd_vmalloc_table;

/** Read the areas (sorted by address, purge ones after).  Needs symbols and types. */
KD_API struct kd_error *kd_vmalloc_read(struct kd_session *s, struct kd_vmalloc_table **ret);
KD_API void kd_vmalloc_destroy(struct kd_vmalloc_table *t);
KD_API size_t kd_vmalloc_count(const struct kd_vmalloc_table *t);
KD_API const struct kd_vmalloc_area *kd_vmalloc_get(const struct kd_vmalloc_table *t, size_t i);
/** The busy area whose [va_start, va_end) holds addr, or NULL. */
KD_API const struct kd_vmalloc_area *kd_vmalloc_find(const struct kd_vmalloc_table *t, uint64_t addr);
/** What the walk could not read, one message each; NULL past the end. */
KD_API const char *kd_vmalloc_lost(const struct kd_vmalloc_table *t, size_t i);

#endif
