/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session's virtual-memory layer (shell/core/vm.c): the arch backend
 * chosen for the dump, its state, and the translation cache in front of it.
 */
#ifndef KD_CORE_VM_H
#define KD_CORE_VM_H

#include <stdbool.h>
#include <stdint.h>

#include <kdive/session.h>

struct kd_arch_ops;
struct kd_arch_ctx;

/* ---- the translation cache ---------------------------------------------------- */

enum { KD_TLB_SETS = 64, KD_TLB_SIZES = 4 };

struct kd_tlb_entry {
	bool valid;
	uint8_t as_kind;
	uint64_t as_root;   /* 0 for the kernel */
	uint64_t va;        /* page-aligned */
	uint64_t pa;        /* page-aligned */
};

/*
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

/* ---- the layer ------------------------------------------------------------------ */

/*
 * Embedded in struct kd_session; all zero until kd_vm_init() succeeds.  The
 * layer hooks kd_vm_init, kd_vm_post_symbols (the symbol loader calls it
 * after a load) and kd_vm_deinit are declared with the others in
 * session_priv.h.
 */
struct kd_vm {
	const struct kd_arch_ops *ops; /* NULL: no translation for this dump */
	void *be;                      /* the backend's state */
	struct kd_tlb tlb;
	int swap_layout;               /* ops->swap_layouts: the one found, -1 until found */
	bool segments;                 /* no backend: kernel addresses through the ELF segments */
};

/* The context an arch backend gets for this session (arch/arch.h). */
void kd_vm_ctx_init(struct kd_session *s, struct kd_arch_ctx *ret);

#endif
