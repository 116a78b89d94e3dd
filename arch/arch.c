// SPDX-License-Identifier: GPL-3.0-or-later
// The generic half of the architecture layer (see arch.h): picks the backend
// for the dump's machine, keeps the translation cache, and implements the
// virtual-memory API of <kdive/session.h> (kd_translate, kd_read_virt,
// kd_walk, kd_vm_regions ...) on top of the backend's ops.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include <kdive/symbols.h>

#include "core/session_priv.h"

static const struct kd_arch_ops *const backends[] = {
	&kd_arch_x86_64,
};

// The session's arch state: the backend's own state plus the TLB.
struct arch_state {
	void *be;
	struct kd_tlb tlb;
};

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

/* ---- layer hooks -------------------------------------------------------------- */

static struct arch_state *state(struct kd_session *s)
{
	return s->arch ? s->arch_state : NULL;
}

struct kd_error *kd_arch_init(struct kd_session *s)
{
	unsigned m = kd_dump_machine(s);
	if (!s->core)
		return NULL;
	const struct kd_arch_ops *ops = NULL;
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (backends[i]->e_machine == m)
			ops = backends[i];
	if (!ops)
		return kd_error_create(KD_ERR_UNSUPPORTED, "no address translation for %s dumps yet",
				       kd_dump_machine_name(s));
	struct arch_state *st = calloc(1, sizeof(*st));
	if (!st)
		return &kd_enomem;
	struct kd_error *err = ops->init(s, &st->be);
	if (err) {
		free(st);
		return err;
	}
	kd_tlb_init(&st->tlb, ops->page_sizes);
	s->arch = ops;
	s->arch_state = st;
	return NULL;
}

struct kd_error *kd_arch_post_symbols(struct kd_session *s)
{
	// Runs after the symbol load (kd_symbols_load); until then translation
	// uses the full walk and the kernel-text shortcut only.
	struct arch_state *st = state(s);
	if (!st || !s->arch->post_symbols)
		return NULL;
	struct kd_error *err = s->arch->post_symbols(s, st->be);
	kd_tlb_flush(&st->tlb); // the fast paths may have changed
	return err;
}

void kd_arch_fini(struct kd_session *s)
{
	struct arch_state *st = state(s);
	if (st) {
		s->arch->fini(st->be);
		free(st);
	}
	s->arch = NULL;
	s->arch_state = NULL;
}

static struct kd_error *no_arch(struct kd_session *s, uint64_t va)
{
	if (!s->core)
		return kd_error_create(KD_ERR_USAGE, "no dump is open");
	return kd_error_addr(KD_ERR_UNSUPPORTED, va,
			     "cannot translate 0x%" PRIx64 ": no address translation for this dump (%s)",
			     va, kd_vmcoreinfo_count(s) ? kd_dump_machine_name(s) : "no VMCOREINFO");
}

/* ---- public API ---------------------------------------------------------------- */

struct kd_error *kd_translate(struct kd_session *s, const struct kd_as *as, uint64_t va,
			      uint64_t *pa_ret, uint64_t *pagesize_ret)
{
	struct arch_state *st = state(s);
	if (!st)
		return no_arch(s, va);
	if (kd_tlb_lookup(&st->tlb, as, va, pa_ret, pagesize_ret))
		return NULL;
	uint64_t pa, size;
	struct kd_error *err = s->arch->translate(st->be, as, va, KD_XLAT_ANY, &pa, &size);
	if (err)
		return err;
	kd_tlb_insert(&st->tlb, as, va, pa, size);
	*pa_ret = pa;
	if (pagesize_ret)
		*pagesize_ret = size;
	return NULL;
}

struct kd_error *kd_translate_walk(struct kd_session *s, const struct kd_as *as, uint64_t va,
				   uint64_t *pa_ret, uint64_t *pagesize_ret)
{
	struct arch_state *st = state(s);
	if (!st)
		return no_arch(s, va);
	return s->arch->translate(st->be, as, va, KD_XLAT_WALK, pa_ret, pagesize_ret);
}

struct kd_error *kd_translate_fast(struct kd_session *s, const struct kd_as *as, uint64_t va,
				   uint64_t *pa_ret, uint64_t *pagesize_ret)
{
	struct arch_state *st = state(s);
	if (!st)
		return no_arch(s, va);
	return s->arch->translate(st->be, as, va, KD_XLAT_FAST, pa_ret, pagesize_ret);
}

struct kd_error *kd_read_virt(struct kd_session *s, const struct kd_as *as, uint64_t va, void *buf,
			      size_t len)
{
	char *p = buf;
	while (len) {
		uint64_t in_page = s->page_size - (va & (s->page_size - 1));
		size_t n = len < in_page ? len : (size_t)in_page;
		uint64_t pa;
		struct kd_error *err = kd_translate(s, as, va, &pa, NULL);
		if (!err) {
			err = kd_read_phys(s, pa, p, n);
			if (err)
				err = kd_error_prefix(err, "0x%" PRIx64 " (physical 0x%" PRIx64 ")", va, pa);
		}
		if (err)
			return err;
		p += n;
		va += n;
		len -= n;
	}
	return NULL;
}

struct kd_error *kd_read_kernel(struct kd_session *s, uint64_t va, void *buf, size_t len)
{
	return kd_read_virt(s, NULL, va, buf, len);
}

struct kd_error *kd_walk(struct kd_session *s, const struct kd_as *as, uint64_t va, kd_walk_fn *cb,
			 void *arg)
{
	struct arch_state *st = state(s);
	if (!st)
		return no_arch(s, va);
	return s->arch->walk(st->be, as, va, cb, arg);
}

const char *kd_pte_flags(struct kd_session *s, uint64_t entry, char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	if (s->arch)
		s->arch->pte_flags(entry, buf, size);
	return buf;
}

bool kd_pte_swap(struct kd_session *s, uint64_t entry, uint64_t *type_ret, uint64_t *offset_ret)
{
	return s->arch && s->arch->pte_swap(entry, type_ret, offset_ret);
}

void kd_tlb_stats(struct kd_session *s, uint64_t *hits_ret, uint64_t *misses_ret)
{
	struct arch_state *st = state(s);
	*hits_ret = st ? st->tlb.hits : 0;
	*misses_ret = st ? st->tlb.misses : 0;
}

struct kd_error *kd_next_mapped(struct kd_session *s, const struct kd_as *as, uint64_t va,
				uint64_t end, uint64_t *va_ret, uint64_t *pa_ret, uint64_t *size_ret)
{
	struct arch_state *st = state(s);
	if (!st)
		return no_arch(s, va);
	return s->arch->next_mapped(st->be, as, va, end, va_ret, pa_ret, size_ret);
}

void kd_vm_info_get(struct kd_session *s, struct kd_vm_info *ret)
{
	struct arch_state *st = state(s);
	memset(ret, 0, sizeof(*ret));
	if (st)
		s->arch->info(st->be, ret);
}

size_t kd_vm_regions(struct kd_session *s, const struct kd_vm_region **ret)
{
	struct arch_state *st = state(s);
	*ret = NULL;
	return st ? s->arch->regions(st->be, ret) : 0;
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
