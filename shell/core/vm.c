// SPDX-License-Identifier: GPL-3.0-or-later
// Virtual memory in the core: picks the arch backend for the dump's machine
// (arch/arch.c's table), gives it a narrow context (physical reads,
// VMCOREINFO, symbols, physical ranges, warnings) instead of the session,
// keeps the translation cache in front of it, and implements the
// virtual-memory API of <kdive/session.h> (kd_translate, kd_read_virt,
// kd_walk, kd_vm_regions ...) and the machine facts of <kdive/arch.h>.  A
// `rd` of kernel memory goes command -> core -> arch -> core (physical read).
//
// A machine with no arch backend (s390x, ppc64, ...) has no page-table
// walker; its kernel virtual addresses are translated through the ELF
// program headers instead (seg_translate below): kexec writes /proc/vmcore's
// PT_LOADs with the kernel image and the direct map at their virtual
// addresses (p_vaddr -> p_paddr), and an address inside one of them is
// p_paddr + (va - p_vaddr), the later segment winning where two overlap (the
// rule of the physical ranges).  An address outside every segment (vmalloc,
// modules, vmemmap on most machines) is KD_ERR_FAULT "not mapped by any ELF
// segment"; user address spaces, vtop's walk and the memory map need a
// walker and say so.  kdump-compressed dumps record no virtual addresses, so
// there only physical reads work.  x86_64 and arm64 always use their walker.
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/arch.h>
#include <kdive/dump.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "../../arch/arch.h"
#include "session_priv.h"

/* ---- TLB ------------------------------------------------------------------------ */

void kd_tlb_init(struct kd_tlb *t, const uint64_t *page_sizes)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < KD_TLB_SIZES && page_sizes && page_sizes[i]; i++)
		t->sizes[i] = page_sizes[i];
}

void kd_tlb_flush(struct kd_tlb *t)
{
	memset(t->e, 0, sizeof(t->e));
}

static uint64_t as_key(const struct kd_as *as)
{
	return as && as->kind != KD_AS_KERNEL ? as->pgd : 0;
}

static unsigned tlb_set(uint64_t va, uint64_t size)
{
	uint64_t vpn = va / size;
	return (unsigned)((vpn ^ (vpn >> 6) ^ (vpn >> 12)) % KD_TLB_SETS);
}

bool kd_tlb_lookup(struct kd_tlb *t, const struct kd_as *as, uint64_t va, uint64_t *pa_ret,
		   uint64_t *pagesize_ret)
{
	uint8_t kind = as ? (uint8_t)as->kind : KD_AS_KERNEL;
	uint64_t root = as_key(as);
	for (int i = 0; i < KD_TLB_SIZES && t->sizes[i]; i++) {
		uint64_t size = t->sizes[i];
		uint64_t base = va & ~(size - 1);
		struct kd_tlb_entry *e = &t->e[i][tlb_set(va, size)];
		if (e->valid && e->va == base && e->as_kind == kind && e->as_root == root) {
			*pa_ret = e->pa + (va - base);
			if (pagesize_ret)
				*pagesize_ret = size;
			t->hits++;
			return true;
		}
	}
	t->misses++;
	return false;
}

void kd_tlb_insert(struct kd_tlb *t, const struct kd_as *as, uint64_t va, uint64_t pa,
		   uint64_t pagesize)
{
	for (int i = 0; i < KD_TLB_SIZES && t->sizes[i]; i++) {
		if (t->sizes[i] != pagesize)
			continue;
		struct kd_tlb_entry *e = &t->e[i][tlb_set(va, pagesize)];
		*e = (struct kd_tlb_entry){
			.valid = true,
			.as_kind = as ? (uint8_t)as->kind : KD_AS_KERNEL,
			.as_root = as_key(as),
			.va = va & ~(pagesize - 1),
			.pa = pa & ~(pagesize - 1),
		};
		return;
	}
}

/* ---- the context a backend gets -------------------------------------------------- */

static struct kd_error *ctx_read_phys(void *arg, uint64_t pa, void *buf, size_t len)
{
	return kd_read_phys(arg, pa, buf, len);
}

static const char *ctx_vmcoreinfo(void *arg, const char *key)
{
	return kd_vmcoreinfo_get(arg, key);
}

static struct kd_error *ctx_vmcoreinfo_number(void *arg, const char *key, uint64_t *ret)
{
	return kd_vmcoreinfo_number(arg, key, ret);
}

static struct kd_error *ctx_symbol_address(void *arg, const char *name, uint64_t *ret)
{
	return kd_symbol_address(arg, name, ret);
}

static size_t ctx_phys_range_count(void *arg)
{
	return kd_phys_range_count(arg);
}

static const struct kd_phys_range *ctx_phys_range(void *arg, size_t i)
{
	return kd_phys_range_get(arg, i);
}

static size_t ctx_note_count(void *arg)
{
	return kd_note_count(arg);
}

static const struct kd_note *ctx_note(void *arg, size_t i)
{
	return kd_note_get(arg, i);
}

KD_PRINTF(2, 3) static void ctx_warn(void *arg, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	kd_warn(arg, "%s", n >= 0 && msg ? msg : fmt);
	if (n >= 0)
		free(msg);
}

void kd_vm_ctx_init(struct kd_session *s, struct kd_arch_ctx *ret)
{
	*ret = (struct kd_arch_ctx){
		.arg = s,
		.read_phys = ctx_read_phys,
		.vmcoreinfo = ctx_vmcoreinfo,
		.vmcoreinfo_number = ctx_vmcoreinfo_number,
		.symbol_address = ctx_symbol_address,
		.phys_range_count = ctx_phys_range_count,
		.phys_range = ctx_phys_range,
		.note_count = ctx_note_count,
		.note = ctx_note,
		.warn = ctx_warn,
	};
}

/* ---- layer hooks -------------------------------------------------------------- */

// Why a dump of a machine without a walker has no kernel translation.
static const char *no_vaddr_why(const struct kd_session *s)
{
	if (strcmp(kd_dump_format(s), "kdump") == 0)
		return "a kdump-compressed dump records no virtual addresses";
	if (strcmp(kd_dump_format(s), "elf") == 0)
		return "the dump's ELF segments record no virtual addresses (every p_vaddr is 0)";
	return "the dump records no virtual addresses";
}

struct kd_error *kd_vm_init(struct kd_session *s)
{
	unsigned m = kd_dump_machine(s);
	if (!s->core)
		return NULL;
	const struct kd_arch_ops *ops = kd_arch_find(m);
	if (!ops || !ops->init) {
		if (s->core->nvsegs) {
			s->vm.segments = true;
			return NULL;
		}
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "no page-table walker for %s, and %s: only physical reads (rd -p)",
				       kd_dump_machine_name(s), no_vaddr_why(s));
	}
	if (!kd_vmcoreinfo_count(s))
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "no VMCOREINFO: cannot find the page tables (use --vmcoreinfo FILE)");
	struct kd_arch_ctx ctx;
	kd_vm_ctx_init(s, &ctx);
	void *be = NULL;
	struct kd_error *err = ops->init(&ctx, &be);
	if (err)
		return err;
	kd_tlb_init(&s->vm.tlb, ops->page_sizes);
	s->vm.swap_layout = -1;
	s->vm.ops = ops;
	s->vm.be = be;
	return NULL;
}

struct kd_error *kd_vm_post_symbols(struct kd_session *s)
{
	// Runs after the symbol load (kd_symbols_load); until then translation
	// uses the full walk and the kernel-text shortcut only.
	if (!s->vm.ops || !s->vm.ops->post_symbols)
		return NULL;
	struct kd_arch_ctx ctx;
	kd_vm_ctx_init(s, &ctx);
	struct kd_error *err = s->vm.ops->post_symbols(&ctx, s->vm.be);
	kd_tlb_flush(&s->vm.tlb); // the fast paths may have changed
	return err;
}

void kd_vm_deinit(struct kd_session *s)
{
	if (s->vm.ops)
		s->vm.ops->fini(s->vm.be);
	s->vm.ops = NULL;
	s->vm.be = NULL;
	s->vm.segments = false;
}

static struct kd_error *no_arch(struct kd_session *s, uint64_t va)
{
	if (!s->core)
		return kd_error_create(KD_ERR_USAGE, "no dump is open");
	if (s->vm.segments)
		return kd_error_addr(KD_ERR_UNSUPPORTED, va,
				     "cannot walk the page tables for 0x%" PRIx64 ": no page-table walker for %s (kernel addresses are translated through the ELF segments)",
				     va, kd_dump_machine_name(s));
	if (!kd_arch_find(kd_dump_machine(s)))
		return kd_error_addr(KD_ERR_UNSUPPORTED, va,
				     "cannot translate 0x%" PRIx64 ": no page-table walker for %s, and %s",
				     va, kd_dump_machine_name(s), no_vaddr_why(s));
	return kd_error_addr(KD_ERR_UNSUPPORTED, va,
			     "cannot translate 0x%" PRIx64 ": no address translation for this dump (%s)",
			     va, kd_vmcoreinfo_count(s) ? kd_dump_machine_name(s) : "no VMCOREINFO");
}

/* ---- no page-table walker: the ELF segments (top of file) ------------------------ */

static const struct kd_vseg *seg_find(const struct kd_core *c, uint64_t va)
{
	for (size_t i = c->nvsegs; i-- > 0;) { // the later segment wins
		const struct kd_vseg *v = &c->vsegs[i];
		if (va >= v->vaddr && va - v->vaddr < v->size)
			return v;
	}
	return NULL;
}

static struct kd_error *seg_translate(struct kd_session *s, const struct kd_as *as, uint64_t va,
				      uint64_t *pa_ret, uint64_t *pagesize_ret)
{
	if (as && as->kind != KD_AS_KERNEL)
		return kd_error_addr(KD_ERR_UNSUPPORTED, va,
				     "cannot translate user address 0x%" PRIx64 ": no page-table walker for %s",
				     va, kd_dump_machine_name(s));
	const struct kd_vseg *v = seg_find(s->core, va);
	if (!v)
		return kd_error_addr(KD_ERR_FAULT, va,
				     "0x%" PRIx64 " is not mapped by any ELF segment (no page-table walker for %s)",
				     va, kd_dump_machine_name(s));
	*pa_ret = v->paddr + (va - v->vaddr);
	if (pagesize_ret)
		*pagesize_ret = kd_page_size(s) ? kd_page_size(s) : 4096;
	return NULL;
}

// kd_next_mapped() over the segments: the lowest mapped page in [va, end)
// (end 0: the top of the address space).
static struct kd_error *seg_next_mapped(struct kd_session *s, uint64_t va, uint64_t end, uint64_t *va_ret,
					uint64_t *pa_ret, uint64_t *size_ret)
{
	const struct kd_core *c = s->core;
	uint64_t ps = kd_page_size(s) ? kd_page_size(s) : 4096;
	uint64_t lim = end ? end - 1 : UINT64_MAX, best = 0;
	bool found = false;
	for (size_t i = 0; i < c->nvsegs; i++) {
		const struct kd_vseg *v = &c->vsegs[i];
		uint64_t last = v->vaddr + (v->size - 1);
		uint64_t at = v->vaddr > va ? v->vaddr : va;
		if (last < va || at > lim || (found && at >= best))
			continue;
		best = at;
		found = true;
	}
	if (!found)
		return kd_error_addr(KD_ERR_NOTFOUND, va, "nothing mapped from 0x%" PRIx64 " to 0x%" PRIx64, va,
				     lim);
	*va_ret = best & ~(ps - 1);
	if (size_ret)
		*size_ret = ps;
	struct kd_error *err = seg_translate(s, NULL, best, pa_ret, NULL);
	if (!err)
		*pa_ret -= best - *va_ret;
	return err;
}

/* ---- public API ---------------------------------------------------------------- */

struct kd_error *kd_translate(struct kd_session *s, const struct kd_as *as, uint64_t va,
			      uint64_t *pa_ret, uint64_t *pagesize_ret)
{
	struct kd_vm *vm = &s->vm;
	if (vm->segments)
		return seg_translate(s, as, va, pa_ret, pagesize_ret);
	if (!vm->ops)
		return no_arch(s, va);
	if (kd_tlb_lookup(&vm->tlb, as, va, pa_ret, pagesize_ret))
		return NULL;
	uint64_t pa, size;
	struct kd_error *err = vm->ops->translate(vm->be, as, va, KD_XLAT_ANY, &pa, &size);
	if (err)
		return err;
	kd_tlb_insert(&vm->tlb, as, va, pa, size);
	*pa_ret = pa;
	if (pagesize_ret)
		*pagesize_ret = size;
	return NULL;
}

struct kd_error *kd_translate_walk(struct kd_session *s, const struct kd_as *as, uint64_t va,
				   uint64_t *pa_ret, uint64_t *pagesize_ret)
{
	if (s->vm.segments)
		return seg_translate(s, as, va, pa_ret, pagesize_ret);
	if (!s->vm.ops)
		return no_arch(s, va);
	return s->vm.ops->translate(s->vm.be, as, va, KD_XLAT_WALK, pa_ret, pagesize_ret);
}

struct kd_error *kd_translate_fast(struct kd_session *s, const struct kd_as *as, uint64_t va,
				   uint64_t *pa_ret, uint64_t *pagesize_ret)
{
	if (s->vm.segments)
		return seg_translate(s, as, va, pa_ret, pagesize_ret);
	if (!s->vm.ops)
		return no_arch(s, va);
	return s->vm.ops->translate(s->vm.be, as, va, KD_XLAT_FAST, pa_ret, pagesize_ret);
}

struct kd_error *kd_next_mapped(struct kd_session *s, const struct kd_as *as, uint64_t va,
				uint64_t end, uint64_t *va_ret, uint64_t *pa_ret, uint64_t *size_ret)
{
	if (s->vm.segments && (!as || as->kind == KD_AS_KERNEL))
		return seg_next_mapped(s, va, end, va_ret, pa_ret, size_ret);
	if (!s->vm.ops)
		return no_arch(s, va);
	if (!s->vm.ops->next_mapped)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: no page-table scan", s->vm.ops->info->name);
	return s->vm.ops->next_mapped(s->vm.be, as, va, end, va_ret, pa_ret, size_ret);
}

struct virt_xlat {
	struct kd_session *s;
	const struct kd_as *as;
};

static struct kd_error *virt_xlat(void *arg, uint64_t va, uint64_t *pa_ret)
{
	const struct virt_xlat *x = arg;
	return kd_translate(x->s, x->as, va, pa_ret, NULL);
}

struct kd_error *kd_read_virt(struct kd_session *s, const struct kd_as *as, uint64_t va, void *buf,
			      size_t len)
{
	struct virt_xlat x = { s, as };
	return kd_arch_read_virt(virt_xlat, &x, ctx_read_phys, s, s->page_size, va, buf, len);
}

struct kd_error *kd_read_kernel(struct kd_session *s, uint64_t va, void *buf, size_t len)
{
	return kd_read_virt(s, NULL, va, buf, len);
}

struct kd_error *kd_read_kernel_partial(struct kd_session *s, uint64_t va, void *buf, size_t len,
					kd_read_hole_fn *hole, void *arg)
{
	uint64_t ps = kd_page_size(s);
	if (!ps)
		ps = 4096;
	unsigned char *b = buf;
	for (uint64_t done = 0; done < len;) {
		uint64_t chunk = ps - (va + done) % ps;
		if (chunk > len - done)
			chunk = len - done;
		struct kd_error *err = kd_read_kernel(s, va + done, b + done, chunk);
		if (err) {
			if (err->code == KD_ERR_INTERRUPTED || err->code == KD_ERR_NOMEM)
				return err;
			memset(b + done, 0, chunk);
			bool go_on = !hole || hole(done, chunk, err, arg);
			kd_error_destroy(err);
			if (!go_on)
				return &kd_enomem;
		}
		done += chunk;
	}
	return NULL;
}

struct kd_error *kd_walk(struct kd_session *s, const struct kd_as *as, uint64_t va, kd_walk_fn *cb,
			 void *arg)
{
	if (!s->vm.ops)
		return no_arch(s, va);
	return s->vm.ops->walk(s->vm.be, as, va, cb, arg);
}

struct range_leaf {
	struct kd_walk_level lvl;
	bool any;
};

static struct kd_error *keep_leaf(const struct kd_walk_level *lvl, void *arg)
{
	struct range_leaf *l = arg;
	l->lvl = *lvl;
	l->any = true;
	return NULL;
}

// kd_walk_range() for a machine without a range walker: one walk a page,
// skipping what an empty upper-level entry covers.
static struct kd_error *walk_range_paged(struct kd_session *s, const struct kd_as *as, uint64_t lo,
					 uint64_t hi, kd_walk_fn *cb, void *arg)
{
	uint64_t ps = kd_page_size(s) ? kd_page_size(s) : 4096;
	for (uint64_t va = lo & ~(ps - 1); va < hi;) {
		struct range_leaf l = { .any = false };
		struct kd_error *err = kd_walk(s, as, va, keep_leaf, &l);
		if (err)
			return err;
		uint64_t span = l.any ? kd_walk_level_span(&l.lvl) : ps;
		if (span < ps)
			span = ps;
		l.lvl.va = va & ~(span - 1);
		if (l.any && (l.lvl.state == KD_WALK_PAGE || l.lvl.state == KD_WALK_UNREADABLE ||
			      (l.lvl.state == KD_WALK_NOT_PRESENT && l.lvl.entry)))
			if ((err = cb(&l.lvl, arg)))
				return err;
		uint64_t next = l.lvl.va + span;
		if (next <= va)
			break;
		va = next;
	}
	return NULL;
}

struct kd_error *kd_walk_range(struct kd_session *s, const struct kd_as *as, uint64_t lo, uint64_t hi,
			       kd_walk_fn *cb, void *arg)
{
	if (!s->vm.ops)
		return no_arch(s, lo);
	if (hi <= lo)
		return NULL;
	if (s->vm.ops->walk_range)
		return s->vm.ops->walk_range(s->vm.be, as, lo, hi, cb, arg);
	return walk_range_paged(s, as, lo, hi, cb, arg);
}

bool kd_pte_soft_dirty(struct kd_session *s, uint64_t entry)
{
	return s->vm.ops && s->vm.ops->pte_soft_dirty && s->vm.ops->pte_soft_dirty(entry);
}

const char *kd_pte_flags(struct kd_session *s, uint64_t entry, char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	if (s->vm.ops)
		s->vm.ops->pte_flags(entry, buf, size);
	return buf;
}

/*
 * Is swap slot (type, offset) in use: swap_info[type]->swap_map[offset]
 * nonzero, offset below the device's max (mm/swapfile.c,
 * include/linux/swap.h)?
 */
static bool swap_slot_used(struct kd_session *s, uint64_t type, uint64_t off)
{
	uint64_t nr_at, info, si, max, map;
	uint8_t b[8], used = 0;
	struct kd_member_info m_max, m_map;
	struct kd_error *err = kd_symbol_address(s, "nr_swapfiles", &nr_at);
	if (!err)
		err = kd_symbol_address(s, "swap_info", &info);
	if (!err)
		err = kd_type_member(s, "swap_info_struct", "max", &m_max);
	if (!err)
		err = kd_type_member(s, "swap_info_struct", "swap_map", &m_map);
	if (!err)
		err = kd_read_kernel(s, nr_at, b, 4);
	if (!err && type >= kd_dump_u32(s, b))
		err = kd_error_create(KD_ERR_NOTFOUND, "no such swap type");
	if (!err && !(err = kd_read_kernel(s, info + 8 * type, b, 8)))
		si = kd_dump_u64(s, b);
	if (!err && !(err = kd_read_kernel(s, si + m_max.offset, b, 8)))
		max = m_max.size == 4 ? kd_dump_u32(s, b) : kd_dump_u64(s, b);
	if (!err && !(err = kd_read_kernel(s, si + m_map.offset, b, 8)))
		map = kd_dump_u64(s, b);
	if (!err && off < max)
		err = kd_read_kernel(s, map + off, &used, 1);
	bool ok = !err && off < max && used;
	kd_error_destroy(err);
	return ok;
}

bool kd_pte_swap(struct kd_session *s, uint64_t entry, uint64_t *type_ret, uint64_t *offset_ret)
{
	const struct kd_arch_ops *ops = s->vm.ops;
	if (!ops)
		return false;
	if (ops->swap_layouts < 2 || !ops->pte_swap_layout)
		return ops->pte_swap(entry, type_ret, offset_ret);
	if (s->vm.swap_layout >= 0)
		return ops->pte_swap_layout(entry, (unsigned)s->vm.swap_layout, type_ret, offset_ret);
	// Not known yet: the layout whose slot is in use, if only one is.
	int found = -1;
	uint64_t t, o;
	for (unsigned l = 0; l < ops->swap_layouts; l++) {
		if (!ops->pte_swap_layout(entry, l, &t, &o) || !swap_slot_used(s, t, o))
			continue;
		if (found >= 0) {
			found = -2; // both fit: ask again on the next entry
			break;
		}
		found = (int)l;
	}
	if (found >= 0)
		s->vm.swap_layout = found;
	return ops->pte_swap_layout(entry, found >= 0 ? (unsigned)found : 0, type_ret, offset_ret);
}

void kd_tlb_stats(struct kd_session *s, uint64_t *hits_ret, uint64_t *misses_ret)
{
	*hits_ret = s->vm.ops ? s->vm.tlb.hits : 0;
	*misses_ret = s->vm.ops ? s->vm.tlb.misses : 0;
}

void kd_vm_info_get(struct kd_session *s, struct kd_vm_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (s->vm.ops)
		s->vm.ops->info_get(s->vm.be, ret);
}

size_t kd_vm_regions(struct kd_session *s, const struct kd_vm_region **ret)
{
	*ret = NULL;
	return s->vm.ops ? s->vm.ops->regions(s->vm.be, ret) : 0;
}

const struct kd_vm_region *kd_vm_region_find(struct kd_session *s, uint64_t va)
{
	const struct kd_vm_region *r;
	size_t n = kd_vm_regions(s, &r);
	for (size_t i = 0; i < n; i++)
		if (va >= r[i].start && va <= r[i].last)
			return &r[i];
	return NULL;
}

/* ---- machine facts (<kdive/arch.h>) ----------------------------------------------- */

const struct kd_arch_info *kd_arch_info_get(const struct kd_session *s)
{
	const struct kd_arch_ops *ops = kd_arch_find(kd_dump_machine(s));
	return ops ? ops->info : NULL;
}

bool kd_prstatus_decode(const struct kd_session *s, const struct kd_note *n, struct kd_prstatus *ret)
{
	const struct kd_arch_info *ai = kd_arch_info_get(s);
	if (!ai || !ai->prstatus.size || n->descsz < ai->prstatus.size)
		return false;
	const struct kd_prstatus_layout *l = &ai->prstatus;
	const unsigned char *d = n->desc;
	memset(ret, 0, sizeof(*ret));
	// The note is in the dump's byte order, like memory.
	ret->pid = (uint32_t)kd_dump_uint(s, d + l->pid_off, 4);
	ret->nregs = l->nregs < KD_PRSTATUS_MAX_REGS ? l->nregs : KD_PRSTATUS_MAX_REGS;
	for (unsigned i = 0; i < ret->nregs; i++)
		ret->regs[i] = kd_dump_uint(s, d + l->reg_off + (size_t)i * ai->word_size, ai->word_size);
	ret->pc = l->pc < ret->nregs ? ret->regs[l->pc] : 0;
	ret->sp = l->sp < ret->nregs ? ret->regs[l->sp] : 0;
	return true;
}
