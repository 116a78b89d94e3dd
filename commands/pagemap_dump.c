// SPDX-License-Identifier: GPL-3.0-or-later
// pagemap's dump sources: what the dumped kernel's /proc/PID/pagemap,
// /proc/kpageflags and /proc/kpagecount would have said.
//   -p PID   the task's VMAs (<kdive/vma.h>), each VMA's page tables walked
//            once (kd_walk_range: present, a swap entry, or nothing), each
//            present page's flags computed from its struct page as the
//            kernel's stable_page_flags() does (<kdive/kpf.h>), the struct
//            pages of BATCH pages read together, a run of consecutive
//            frames at a time (kd_page_read_pfns); the entry's
//            file bit (not anonymous) and exclusive bit (mapped once) as
//            fs/proc/task_mmu.c's pte_to_pagemap_entry() sets them, and
//            soft-dirty from the VMA or the entry (kd_pte_soft_dirty).
//   frames   every page frame below the kernel's max_pfn with a memory map,
//            read in bulk (kd_page_walk); a page inside a free buddy block
//            is known from the block's head met before it; the frames
//            without one are "nopage", as /proc/kpageflags has them.
// A struct page or page table the dump lacks costs that page: it is counted
// and named once at the end, and the command fails (exit 1).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/page.h>
#include <kdive/symbols.h>
#include <kdive/task.h>
#include <kdive/types.h>
#include <kdive/vma.h>

#include "pagemap.h"

struct lost {
	uint64_t n;
	char *first;
};

static void lost_add(struct lost *l, const char *what, uint64_t addr, const struct kd_error *why)
{
	if (!l->n++ && asprintf(&l->first, "%s 0x%" PRIx64 ": %s", what, addr, why->msg) < 0)
		l->first = NULL;
}

static struct kd_error *lost_end(struct pm_sink *k, struct lost *l, const char *what)
{
	struct kd_error *err = NULL;
	if (l->n) {
		kd_warn(k->s, "pagemap: %" PRIu64 " %s unreadable; the first: %s", l->n, what,
			l->first ? l->first : "?");
		err = kd_error_create(KD_ERR_NODATA, "%" PRIu64 " %s unreadable (named above)", l->n, what);
	}
	free(l->first);
	return err;
}

/* ---- every frame ---------------------------------------------------------- */

struct frames {
	struct pm_sink *k;
	uint64_t lo;            // the range's first pfn
	uint64_t next;          // the pfn after the last one reported
	struct kd_kpf_dump *d;
	uint64_t free_end;      // end of the free buddy block the walk is in
	struct lost lost;
	struct kd_error *err;
};

// The frames below pfn without a memory map (a hole before or between RAM:
// arm64's RAM starts at PHYS_OFFSET): /proc/kpageflags says KPF_NOPAGE for
// them (fs/proc/page.c: no online page).
static int holes(struct frames *f, uint64_t pfn)
{
	for (; f->next < pfn; f->next++) {
		struct pm_page p = { .vpn = f->next, .pfn = f->next, .flags = 1ull << KD_KPF_NOPAGE };
		if ((f->err = pm_add(f->k, &p)))
			return 1;
		if ((f->next & 0xffff) == 0 && (f->err = kd_check_interrupt(f->k->s)))
			return 1;
	}
	return 0;
}

static int frame(const struct kd_page *pg, const struct kd_error *err, void *arg)
{
	struct frames *f = arg;
	if (holes(f, pg->pfn))
		return 1;
	f->next = pg->pfn + 1;
	if (err) {
		lost_add(&f->lost, "struct page of pfn", pg->pfn, err);
		return 0;
	}
	if ((pg->types & KD_PT_BUDDY) && pg->pfn + (1ULL << pg->order) > f->free_end)
		f->free_end = pg->pfn + (1ULL << pg->order);
	struct pm_page p = { .vpn = pg->pfn, .pfn = pg->pfn };
	// Within the largest block's size of the range's start, a free block
	// may have begun before the range: look at the blocks around the page.
	int fb = pg->pfn < f->free_end ? 1 : pg->pfn - f->lo < 4096 ? KD_KPF_LOOKUP : 0;
	p.flags = kd_kpf_of_page(f->d, pg, fb, &p.count);
	if (f->k->cg)
		pm_cg_page(f->k->cg, pg, &p);
	if ((f->err = pm_add(f->k, &p)))
		return 1;
	if ((pg->pfn & 0xffff) == 0 && (f->err = kd_check_interrupt(f->k->s)))
		return 1;
	return 0;
}

struct kd_error *pm_dump_frames(struct pm_sink *k, const struct pm_range *r)
{
	struct frames f = { .k = k, .lo = r->lo, .next = r->lo };
	struct kd_error *err = kd_kpf_dump_create(k->s, &f.d);
	if (err)
		return err;
	// /proc/kpageflags covers [0, max_pfn rounded up to a whole section)
	// (fs/proc/page.c's get_max_dump_pfn() under SPARSEMEM).
	uint64_t end = kd_page_max_pfn(k->s), sym, v, sec = kd_mem_section_pages(k->s);
	bool pow2 = sec && !(sec & (sec - 1)), have_max = false;
	struct kd_error *e = kd_symbol_address(k->s, "max_pfn", &sym);
	if (!e)
		e = kd_read_kernel(k->s, sym, &v, 8);
	if (!e) {
		v = kd_dump_uint(k->s, &v, 8);
		if (pow2)
			v = (v + sec - 1) & ~(sec - 1);
		if (v && v < end) {
			end = v;
			have_max = true;
		}
	}
	kd_error_destroy(e);
	if (r->hi < end)
		end = r->hi;
	err = kd_page_walk(k->s, r->lo, end, frame, &f);
	// The frames after the last memory map up to max_pfn's section; without
	// max_pfn (a kernel without KALLSYMS_ALL), the last one's section.
	if (!err && !f.err && f.next > r->lo) {
		uint64_t last = have_max ? end : pow2 ? (f.next + sec - 1) & ~(sec - 1) : f.next;
		holes(&f, last < end ? last : end);
	}
	if (!err)
		err = f.err;
	struct kd_error *lerr = lost_end(k, &f.lost, "struct page(s)");
	kd_kpf_dump_destroy(f.d);
	if (err) {
		kd_error_destroy(lerr);
		return err;
	}
	return lerr;
}

/* ---- a process ------------------------------------------------------------ */

struct proc {
	struct pm_sink *k;
	struct kd_kpf_dump *d;
	struct kd_as as;
	const struct pm_range *r;
	uint64_t ps;
	struct lost lost;
	struct kd_error *err;
	uint64_t softdirty_flag;   // VM_SOFTDIRTY's value
	bool vma_softdirty;        // the current VMA has it
	uint64_t lo, hi;           // the current VMA's part in the range
	uint64_t seen;             // pages fed, for the interrupt check
	// Pages waiting for their struct pages, in address order: the present
	// ones' frames in pfns[], read in bulk by flush().
	struct pm_page *pend;
	uint64_t *pfns;
	size_t npend, npfn, next;  // next: the first page of pend not fed yet
};

enum { BATCH = 4096 };

// VM_SOFTDIRTY (include/linux/mm.h, CONFIG_MEM_SOFT_DIRTY): a VMA made
// since the soft-dirty bits were last cleared; every page of it counts as
// soft-dirty in /proc/PID/pagemap.  Newer kernels number their VMA flags in
// an enum (VM_SOFTDIRTY_BIT), which BTF then shows.
static uint64_t vm_softdirty(struct kd_session *s)
{
	int64_t bit;
	struct kd_error *err = kd_enum_value(s, NULL, "VM_SOFTDIRTY_BIT", &bit);
	if (!err && bit >= 0 && bit < 64)
		return 1ULL << bit;
	kd_error_destroy(err);
	return 0x08000000;
}

// Feed the pending pages up to (not including) pend[upto].
static struct kd_error *feed(struct proc *p, size_t upto)
{
	struct kd_error *err = NULL;
	for (; p->next < upto && !err; p->next++)
		err = pm_add(p->k, &p->pend[p->next]);
	return err;
}

// kd_page_read_pfns' callback: the next present page's struct page.
static int got_page(const struct kd_page *pg, const struct kd_error *why, void *arg)
{
	struct proc *p = arg;
	size_t i = p->next;
	while (i < p->npend && !(p->pend[i].pme & KD_PM_PRESENT))
		i++;
	if ((p->err = feed(p, i)) || i == p->npend)
		return 1;
	struct pm_page *q = &p->pend[i];
	p->next = i + 1;
	if (why) {
		lost_add(&p->lost, "struct page of pfn", q->pfn, why);
		return 0;
	}
	q->flags = kd_kpf_of_page(p->d, pg, KD_KPF_LOOKUP, &q->count);
	if (p->k->cg)
		pm_cg_page(p->k->cg, pg, q);
	if (!(q->flags & KD_KPF_BIT(ANON)))
		q->pme |= KD_PM_FILE;
	if (q->count == 1)
		q->pme |= KD_PM_MMAP_EXCLUSIVE;
	return (p->err = pm_add(p->k, q)) != NULL;
}

// The pending pages, their frames' struct pages read in runs.
static struct kd_error *flush(struct proc *p)
{
	struct kd_error *err = NULL;
	p->next = 0;
	if (p->npfn)
		err = kd_page_read_pfns(p->k->s, p->pfns, p->npfn, got_page, p);
	if (!err)
		err = p->err;
	if (!err)
		err = feed(p, p->npend);
	p->npend = p->npfn = 0;
	return err;
}

// One page for the sink, in address order (flush() fills a present
// page's flags from its struct page).
static struct kd_error *pend(struct proc *p, const struct pm_page *pg)
{
	if (p->npend == BATCH) {
		struct kd_error *err = flush(p);
		if (err)
			return err;
	}
	p->pend[p->npend++] = *pg;
	if (pg->pme & KD_PM_PRESENT)
		p->pfns[p->npfn++] = pg->pfn;
	return NULL;
}

// kd_walk_range's callback: one leaf entry over part of the current VMA, as
// fs/proc/task_mmu.c's pagemap_pmd_range()/pte_to_pagemap_entry() report it:
// each page of a large page with its own frame; a swap entry with its type
// and offset; nothing for an empty entry.
static struct kd_error *leaf(const struct kd_walk_level *lvl, void *arg)
{
	struct proc *p = arg;
	struct kd_session *s = p->k->s;
	uint64_t span = kd_walk_level_span(lvl);
	uint64_t lo = lvl->va > p->lo ? lvl->va : p->lo;
	uint64_t hi = lvl->va + span - 1 < p->hi - 1 ? lvl->va + span : p->hi;
	struct kd_error *err;
	if ((p->seen += (hi - lo) / p->ps) >= 1024) {
		p->seen = 0;
		if ((err = kd_check_interrupt(s)))
			return err;
	}
	switch (lvl->state) {
	case KD_WALK_PAGE: {
		struct pm_page pg = { .pme = KD_PM_PRESENT };
		if (p->vma_softdirty || kd_pte_soft_dirty(s, lvl->entry))
			pg.pme |= KD_PM_SOFT_DIRTY;
		uint64_t pme = pg.pme;
		for (uint64_t va = lo; va < hi; va += p->ps) {
			pg.vpn = va / p->ps;
			pg.pfn = (lvl->next + (va - lvl->va)) / p->ps;
			pg.pme = pme | pg.pfn;
			if ((err = pend(p, &pg)))
				return err;
		}
		return NULL;
	}
	case KD_WALK_NOT_PRESENT: {
		uint64_t type, off;
		if (span != p->ps || !kd_pte_swap(s, lvl->entry, &type, &off))
			return NULL;
		struct pm_page pg = { .vpn = lo / p->ps, .swapped = true, .pfn = off };
		pg.pme = KD_PM_SWAP | ((off << 5 | (type & 31)) & KD_PM_PFN_MASK);
		if (p->vma_softdirty || kd_pte_soft_dirty(s, lvl->entry))
			pg.pme |= KD_PM_SOFT_DIRTY;
		return pend(p, &pg);
	}
	case KD_WALK_UNREADABLE:
		err = kd_error_create(KD_ERR_NODATA, "the %s table at physical 0x%" PRIx64 " is not in the dump",
				      lvl->name, lvl->table);
		lost_add(&p->lost, "page table for", lo, err);
		kd_error_destroy(err);
		return NULL;
	default:
		return NULL;
	}
}

static int vma_pages(struct kd_session *s, const struct kd_vma *v, void *arg)
{
	struct proc *p = arg;
	p->lo = v->start;
	p->hi = v->end;
	p->vma_softdirty = v->flags & p->softdirty_flag;
	if (p->lo < p->r->lo * p->ps)
		p->lo = p->r->lo * p->ps;
	if (p->r->hi < UINT64_MAX / p->ps && p->hi > p->r->hi * p->ps)
		p->hi = p->r->hi * p->ps;
	if (p->lo >= p->hi)
		return 0;
	p->err = kd_walk_range(s, &p->as, p->lo, p->hi, leaf, p);
	return p->err != NULL;
}

static void vma_lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	(void)s;
	struct proc *p = arg;
	lost_add(&p->lost, "vm_area_struct", addr, why);
}

struct kd_error *pm_dump_pid(struct pm_sink *k, long pid, const struct pm_range *r)
{
	struct kd_session *s = k->s;
	struct proc p = { .k = k, .r = r, .ps = kd_page_size(s) };
	uint64_t task, mm;
	struct kd_error *err = kd_task_find_pid(s, pid, &task, &p.as);
	if (err)
		return err;
	if ((err = kd_read_member_u64(s, "task_struct", "mm", task, &mm)))
		return kd_error_prefix(err, "reading the mm of PID %ld", pid);
	if (!mm || p.as.kind != KD_AS_USER)
		return kd_error_create(KD_ERR_NOTFOUND, "PID %ld has no user address space (a kernel thread or exited)",
				       pid);
	if ((err = kd_kpf_dump_create(s, &p.d)))
		return err;
	p.pend = malloc(BATCH * sizeof(*p.pend));
	p.pfns = malloc(BATCH * sizeof(*p.pfns));
	if (!p.pend || !p.pfns) {
		err = kd_error_create(KD_ERR_NOMEM, "out of memory");
		goto out;
	}
	p.softdirty_flag = vm_softdirty(s);
	err = kd_vma_foreach(s, mm, vma_pages, vma_lost, &p, NULL);
	if (!err)
		err = p.err;
	if (!err)
		err = flush(&p);
out:
	free(p.pend);
	free(p.pfns);
	kd_kpf_dump_destroy(p.d);
	struct kd_error *lerr = lost_end(k, &p.lost, "page(s) or VMA(s)");
	if (err) {
		kd_error_destroy(lerr);
		return err;
	}
	return lerr;
}
