// SPDX-License-Identifier: GPL-3.0-or-later
// The /proc/kpageflags word of a page, computed from the dump's struct page
// as the kernel's stable_page_flags() does (fs/proc/page.c, Linux 6.1), and
// /proc/kpagecount's value (page_mapcount()).  The PG_ bits are looked up
// by name in BTF's enum pageflags (a name the kernel lacks is a bit it
// cannot report); page types and compound pages come from the page layer
// (<kdive/page.h>).  What the kernel derives rather than copies:
//   mmap       the page is mapped (_mapcount >= 0)
//   anonymous  the head's mapping has PAGE_MAPPING_ANON (bit 0); ksm: bits 0 and 1
//   compound_head / compound_tail, huge (hugetlbfs: the head's compound type)
//   thp        a compound page, not hugetlb, whose head is on an LRU or anonymous
//   zero_page  the zero page's frame (empty_zero_page), or the huge zero page
//   buddy      a free block's head (page type), or any page of a free block
//              (refcount 0 inside a block a buddy head of enough order starts)
//   slab       PG_slab, or a tail of a slab head
//   swapcache  PG_swapcache (an alias of PG_owner_priv_1) on a swap-backed page
// and bit 34 is PG_mappedtodisk (PG_anon_exclusive on anonymous pages; newer
// kernels call it PG_owner_2).
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/kpf.h>
#include <kdive/page.h>
#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

enum pg {
	PG_LOCKED, PG_ERROR, PG_REFERENCED, PG_UPTODATE, PG_DIRTY, PG_LRU, PG_ACTIVE, PG_SLAB,
	PG_WRITEBACK, PG_RECLAIM, PG_SWAPBACKED, PG_UNEVICTABLE, PG_MLOCKED, PG_HWPOISON,
	PG_UNCACHED, PG_RESERVED, PG_OWNER2, PG_PRIVATE, PG_PRIVATE2, PG_OWNER_PRIV1, PG_ARCH1,
	PG_ARCH2, PG_IDLE, PG_SWAPCACHE, NPG
};

// For each PG_ the kernel's names (the first one BTF has wins) and the KPF
// bit it is copied to (-1: used otherwise).
static const struct {
	const char *names[2];
	int kpf;
} pgs[NPG] = {
	[PG_LOCKED] = { { "PG_locked" }, KD_KPF_LOCKED },
	[PG_ERROR] = { { "PG_error" }, KD_KPF_ERROR },
	[PG_REFERENCED] = { { "PG_referenced" }, KD_KPF_REFERENCED },
	[PG_UPTODATE] = { { "PG_uptodate" }, KD_KPF_UPTODATE },
	[PG_DIRTY] = { { "PG_dirty" }, KD_KPF_DIRTY },
	[PG_LRU] = { { "PG_lru" }, KD_KPF_LRU },
	[PG_ACTIVE] = { { "PG_active" }, KD_KPF_ACTIVE },
	[PG_SLAB] = { { "PG_slab" }, KD_KPF_SLAB },
	[PG_WRITEBACK] = { { "PG_writeback" }, KD_KPF_WRITEBACK },
	[PG_RECLAIM] = { { "PG_reclaim" }, KD_KPF_RECLAIM },
	[PG_SWAPBACKED] = { { "PG_swapbacked" }, KD_KPF_SWAPBACKED },
	[PG_UNEVICTABLE] = { { "PG_unevictable" }, KD_KPF_UNEVICTABLE },
	[PG_MLOCKED] = { { "PG_mlocked" }, KD_KPF_MLOCKED },
	[PG_HWPOISON] = { { "PG_hwpoison" }, KD_KPF_HWPOISON },
	[PG_UNCACHED] = { { "PG_uncached" }, KD_KPF_UNCACHED },
	[PG_RESERVED] = { { "PG_reserved" }, KD_KPF_RESERVED },
	[PG_OWNER2] = { { "PG_mappedtodisk", "PG_owner_2" }, KD_KPF_OWNER_2 },
	[PG_PRIVATE] = { { "PG_private" }, KD_KPF_PRIVATE },
	[PG_PRIVATE2] = { { "PG_private_2" }, KD_KPF_PRIVATE_2 },
	[PG_OWNER_PRIV1] = { { "PG_owner_priv_1" }, KD_KPF_OWNER_PRIVATE },
	[PG_ARCH1] = { { "PG_arch_1" }, KD_KPF_ARCH },
	[PG_ARCH2] = { { "PG_arch_2" }, KD_KPF_ARCH_2 },
	[PG_IDLE] = { { "PG_idle" }, -1 },
	[PG_SWAPCACHE] = { { "PG_swapcache", "PG_owner_priv_1" }, -1 },
};

struct kd_kpf_dump {
	struct kd_session *s;
	int bit[NPG];             // -1: the kernel has no such flag
	uint64_t zero_pfn;        // UINT64_MAX: unknown
	uint64_t huge_zero;       // struct page of the huge zero page, 0 none
	unsigned max_order;       // orders of the buddy allocator (zone.free_area's length)
	uint64_t copy[64];        // per PG_ bit: the KPF bits a set bit is copied to
	uint64_t flag_mask;       // the PG_ bits of page->flags (zone/node/section above)
	struct kd_page head;      // the last compound head read, for its tails
	bool have_head;
};

static bool ok(struct kd_error *err)
{
	bool r = err == NULL;
	kd_error_destroy(err);
	return r;
}

struct kd_error *kd_kpf_dump_create(struct kd_session *s, struct kd_kpf_dump **ret)
{
	struct kd_error *err = kd_pages_load(s);
	if (err)
		return err;
	struct kd_kpf_dump *d = calloc(1, sizeof(*d));
	if (!d)
		return &kd_enomem;
	d->s = s;
	for (int i = 0; i < NPG; i++) {
		d->bit[i] = -1;
		for (int j = 0; j < 2 && pgs[i].names[j] && d->bit[i] < 0; j++) {
			unsigned b;
			if (ok(kd_page_flag_bit(s, pgs[i].names[j], &b)) && b < 64)
				d->bit[i] = (int)b;
		}
	}
	for (int i = 0; i < NPG; i++)
		if (pgs[i].kpf >= 0 && d->bit[i] >= 0)
			d->copy[d->bit[i]] |= 1ULL << pgs[i].kpf;
	unsigned nf = kd_page_flag_count(s);
	d->flag_mask = nf && nf < 64 ? (1ULL << nf) - 1 : ~0ULL;
	d->zero_pfn = UINT64_MAX;
	uint64_t va, pa;
	if (ok(kd_symbol_address(s, "empty_zero_page", &va)) && ok(kd_translate(s, NULL, va, &pa, NULL)))
		d->zero_pfn = pa / kd_page_size(s);
	// struct page *huge_zero_page (struct folio *huge_zero_folio since 6.10).
	if (ok(kd_symbol_address(s, "huge_zero_page", &va)) || ok(kd_symbol_address(s, "huge_zero_folio", &va)))
		if (!ok(kd_read_kernel(s, va, &d->huge_zero, 8)))
			d->huge_zero = 0;
	d->huge_zero = kd_dump_uint(s, &d->huge_zero, 8);
	struct kd_member_info m;
	d->max_order = ok(kd_type_member(s, "zone", "free_area", &m)) && m.nelems && m.nelems <= 64 ?
			       (unsigned)m.nelems : 11;
	*ret = d;
	return NULL;
}

void kd_kpf_dump_destroy(struct kd_kpf_dump *d)
{
	free(d);
}

static bool has(const struct kd_kpf_dump *d, uint64_t flags, enum pg f)
{
	return d->bit[f] >= 0 && ((flags >> d->bit[f]) & 1);
}

// A tail's head, decoded (the last one is kept: a walk meets a head's
// tails right after it).
static const struct kd_page *head_of(struct kd_kpf_dump *d, const struct kd_page *pg)
{
	if (pg->head == pg->addr)
		return pg;
	if (d->have_head && d->head.addr == pg->head)
		return &d->head;
	if (!ok(kd_page_read(d->s, pg->head, &d->head))) {
		d->have_head = false;
		return NULL;
	}
	d->have_head = true;
	return &d->head;
}

// Whether a page with refcount 0 lies in a free buddy block: a buddy head
// at the page's frame aligned down to some order, of at least that order
// (mm/page_alloc.c's is_free_buddy_page()).
static bool in_free_block(struct kd_kpf_dump *d, uint64_t pfn)
{
	for (unsigned o = 0; o < d->max_order; o++) {
		uint64_t hp = pfn & ~((1ULL << o) - 1), addr;
		struct kd_page h;
		if (!ok(kd_pfn_to_page(d->s, hp, &addr)) || !ok(kd_page_read(d->s, addr, &h)))
			return false;
		if ((h.types & KD_PT_BUDDY) && h.order >= o)
			return true;
	}
	return false;
}

uint64_t kd_kpf_of_page(struct kd_kpf_dump *d, const struct kd_page *pg, int free_block, uint64_t *count_ret)
{
	uint64_t k = pg->flags, u = 0;
	bool typed = pg->types & (KD_PT_BUDDY | KD_PT_OFFLINE | KD_PT_TABLE | KD_PT_GUARD | KD_PT_ZSMALLOC |
				  KD_PT_UNACCEPTED | KD_PT_LARGE_KMALLOC);
	// _mapcount holds the page type on typed pages (where the two share it)
	// and is -1 on slab pages: neither is mapped.
	bool mapped = !typed && !(pg->types & KD_PT_SLAB) && pg->mapcount >= 0;
	const struct kd_page *head = pg->compound ? head_of(d, pg) : pg;
	bool is_head = pg->compound && pg->head == pg->addr, is_tail = pg->compound && !is_head;
	uint64_t mapping = head ? head->mapping : pg->mapping;
	if (mapped)
		u |= KD_KPF_BIT(MMAP);
	if (mapping & 1)
		u |= KD_KPF_BIT(ANON);
	if ((mapping & 3) == 3)
		u |= KD_KPF_BIT(KSM);
	if (is_head)
		u |= KD_KPF_BIT(COMPOUND_HEAD);
	if (is_tail)
		u |= KD_KPF_BIT(COMPOUND_TAIL);
	if (head && (head->types & KD_PT_HUGETLB)) {
		u |= KD_KPF_BIT(HUGE);
	} else if (pg->compound && head) {
		if (has(d, head->flags, PG_LRU) || (head->mapping & 1))
			u |= KD_KPF_BIT(THP);
		else if (d->huge_zero && head->addr == d->huge_zero)
			u |= KD_KPF_BIT(ZERO_PAGE) | KD_KPF_BIT(THP);
	} else if (pg->pfn == d->zero_pfn) {
		u |= KD_KPF_BIT(ZERO_PAGE);
	}
	if (pg->types & KD_PT_BUDDY)
		u |= KD_KPF_BIT(BUDDY);
	else if (pg->refcount == 0 &&
		 (free_block == KD_KPF_LOOKUP ? in_free_block(d, pg->pfn) : free_block == 1))
		u |= KD_KPF_BIT(BUDDY);
	if (pg->types & KD_PT_OFFLINE)
		u |= KD_KPF_BIT(OFFLINE);
	if (pg->types & KD_PT_TABLE)
		u |= KD_KPF_BIT(PGTABLE);
	if (has(d, k, PG_IDLE))
		u |= KD_KPF_BIT(IDLE);
	for (uint64_t m = k & d->flag_mask; m; m &= m - 1)
		u |= d->copy[__builtin_ctzll(m)];
	if (pg->types & KD_PT_SLAB) // a page type on kernels without PG_slab
		u |= KD_KPF_BIT(SLAB);
	if (is_tail && head && (has(d, head->flags, PG_SLAB) || (head->types & KD_PT_SLAB)))
		u |= KD_KPF_BIT(SLAB);
	if (has(d, k, PG_SWAPBACKED) && has(d, k, PG_SWAPCACHE))
		u |= KD_KPF_BIT(SWAPCACHE);
	if (count_ret)
		*count_ret = mapped ? (uint64_t)pg->mapcount + 1 : 0;
	return u;
}
