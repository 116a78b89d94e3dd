// SPDX-License-Identifier: GPL-3.0-or-later
// x86_64 address translation from VMCOREINFO alone: 4- and 5-level paging,
// 1 GiB / 2 MiB / 4 KiB pages, the kernel-text and direct-map fast paths,
// entry decoding for vtop, and the kernel virtual memory map for `layout`.
//
// Sources: the Intel SDM vol. 3 ch. 4 (paging); the kernel's
// arch/x86/include/asm/pgtable_types.h (_PAGE_BIT_*), pgtable_64.h (swap
// entry encoding), pgtable_64_types.h and page_64_types.h (layout constants),
// arch/x86/mm/kaslr.c (how the three bases are randomised) and
// Documentation/arch/x86/x86_64/mm.rst; VMCOREINFO as written by
// arch/x86/kernel/vmcore_info_64.c.
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86_64.h"

// Entry bits (pgtable_types.h).
enum {
	PTE_PRESENT = 1u << 0,
	PTE_RW = 1u << 1,
	PTE_USER = 1u << 2,
	PTE_PWT = 1u << 3,
	PTE_PCD = 1u << 4,
	PTE_ACCESSED = 1u << 5,
	PTE_DIRTY = 1u << 6,
	PTE_PSE = 1u << 7,
	PTE_GLOBAL = 1u << 8,
	PTE_PROTNONE = PTE_GLOBAL, // on a not-present entry (pgtable_types.h)
	PTE_SOFT_DIRTY = 1u << 11, // _PAGE_BIT_SOFTW3, CONFIG_MEM_SOFT_DIRTY
};
#define PTE_NX (1ull << 63)
// Bits 12..51 of an entry hold the physical address (__PHYSICAL_MASK_SHIFT 52).
#define PTE_ADDR_MASK 0x000ffffffffff000ull

static const uint64_t START_KERNEL_MAP = KD_X86_64_START_KERNEL_MAP;
static const uint64_t MODULES_END = 0xffffffffff000000ull;
static const uint64_t FIXADDR_TOP_END = 0xffffffffff800000ull; // FIXADDR_TOP + PAGE_SIZE
static const uint64_t CPU_ENTRY_AREA_BASE = 0xfffffe0000000000ull; // -4 << P4D_SHIFT
static const uint64_t ESPFIX_BASE = 0xffffff0000000000ull;         // -2 << P4D_SHIFT
static const uint64_t EFI_VA_END = 0xffffffef00000000ull;           // -68 GiB
static const uint64_t EFI_VA_START = 0xffffffff00000000ull;         // -4 GiB
#define TB (1ull << 40)

static const uint64_t x86_64_page_sizes[] = { 1ull << 12, 1ull << 21, 1ull << 30, 0 };

struct x86_64 {
	struct kd_x86_64_params p;
	kd_phys_read_fn *read;
	void *arg;
	unsigned levels;
	unsigned va_bits;
	const unsigned *shifts;
	const char *const *names;
	uint64_t addr_mask;      // PTE_ADDR_MASK without the SME bit
	uint64_t ktext_start, ktext_end; // kernel-text fast path [start, end)
	const char *bases_source;
	uint64_t pt_bases[3];    // page_offset, vmalloc, vmemmap from the page tables
	struct kd_vm_region regions[24];
	size_t nregions;
	char text_desc[96];
	struct kd_arch_empty_tables empty;  // next_mapped's tables known to map nothing
};

static const unsigned shifts4[] = { 39, 30, 21, 12 };
static const unsigned shifts5[] = { 48, 39, 30, 21, 12 };
static const char *const names4[] = { "PGD", "PUD", "PMD", "PTE" };
static const char *const names5[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };

static uint64_t sign_extend(const struct x86_64 *x, uint64_t va)
{
	unsigned b = x->va_bits;
	if (va & (1ull << (b - 1)))
		return va | ~((1ull << b) - 1);
	return va & ((1ull << b) - 1);
}

static bool canonical(const struct x86_64 *x, uint64_t va)
{
	return sign_extend(x, va) == va;
}

static uint64_t as_root(const struct x86_64 *x, const struct kd_as *as)
{
	if (!as || as->kind == KD_AS_KERNEL)
		return x->p.kernel_root;
	// A CR3 value: bits 0-11 are PCID/flags, 63 is "no flush".
	return as->pgd & x->addr_mask;
}

/* ---- the walk ---------------------------------------------------------------- */

// The walk's result, for translate().
struct xlat {
	enum kd_walk_state state;
	uint64_t pa, size;
	const char *level;
	unsigned index;
	uint64_t entry, entry_addr, table;
	struct kd_error *read_err;
};

static struct kd_error *walk_core(struct x86_64 *x, const struct kd_as *as, uint64_t va,
				  kd_walk_fn *cb, void *arg, struct xlat *res)
{
	memset(res, 0, sizeof(*res));
	if (!canonical(x, va))
		return kd_error_addr(KD_ERR_FAULT, va,
				     "0x%" PRIx64 " is not a canonical address (%u-bit virtual addresses)",
				     va, x->va_bits);
	uint64_t table = as_root(x, as);
	for (unsigned d = 0; d < x->levels; d++) {
		unsigned shift = x->shifts[d];
		struct kd_walk_level l = {
			.name = x->names[d],
			.depth = d,
			.va_hi = shift + 8,
			.va_lo = shift,
			.table = table,
			.index = (unsigned)((va >> shift) & 511),
			.va = va,
		};
		l.entry_addr = table + 8ull * l.index;
		uint64_t raw;
		struct kd_error *err = x->read(x->arg, l.entry_addr, &raw, sizeof(raw));
		res->level = l.name;
		res->index = l.index;
		res->entry_addr = l.entry_addr;
		res->table = table;
		if (err) {
			l.state = KD_WALK_UNREADABLE;
			res->state = l.state;
			res->read_err = err;
			return cb ? cb(&l, arg) : NULL;
		}
		l.entry = raw & ~x->p.sme_mask;
		res->entry = l.entry;
		bool leaf = d == x->levels - 1 || ((l.entry & PTE_PSE) && (shift == 30 || shift == 21));
		if (!(l.entry & PTE_PRESENT)) {
			l.state = KD_WALK_NOT_PRESENT;
		} else if (leaf) {
			l.state = KD_WALK_PAGE;
			l.page_size = 1ull << shift;
			l.next = l.entry & x->addr_mask & ~(l.page_size - 1);
			l.pa = l.next + (va & (l.page_size - 1));
			res->pa = l.pa;
			res->size = l.page_size;
		} else {
			l.state = KD_WALK_TABLE;
			l.next = l.entry & x->addr_mask;
		}
		res->state = l.state;
		if (cb) {
			err = cb(&l, arg);
			if (err)
				return err;
		}
		if (l.state != KD_WALK_TABLE)
			return NULL;
		table = l.next;
	}
	return NULL; // not reached: the last level is always a leaf
}

static bool fast_path(struct x86_64 *x, const struct kd_as *as, uint64_t va, uint64_t *pa,
		      uint64_t *size)
{
	if (as && as->kind != KD_AS_KERNEL)
		return false;
	// Kernel text: __pa_symbol(), va - __START_KERNEL_map + phys_base (page_64.h).
	if (va >= x->ktext_start && va < x->ktext_end) {
		*pa = va - START_KERNEL_MAP + x->p.phys_base;
		*size = 4096;
		return true;
	}
	// Direct map: __pa(), va - PAGE_OFFSET.
	if (x->p.page_offset && va >= x->p.page_offset && va - x->p.page_offset < x->p.phys_end) {
		*pa = va - x->p.page_offset;
		*size = 4096;
		return true;
	}
	return false;
}

static bool x86_64_pte_swap(uint64_t e, uint64_t *type, uint64_t *off);

static struct kd_error *x86_64_translate(void *state, const struct kd_as *as, uint64_t va,
					 enum kd_xlat_mode mode, uint64_t *pa_ret,
					 uint64_t *pagesize_ret)
{
	struct x86_64 *x = state;
	uint64_t pa, size;
	if (mode != KD_XLAT_WALK && fast_path(x, as, va, &pa, &size)) {
		*pa_ret = pa;
		if (pagesize_ret)
			*pagesize_ret = size;
		return NULL;
	}
	if (mode == KD_XLAT_FAST)
		return kd_error_create(KD_ERR_NOTFOUND, "no fast path for 0x%" PRIx64, va);
	struct xlat r;
	struct kd_error *err = walk_core(x, as, va, NULL, NULL, &r);
	if (err)
		return err;
	switch (r.state) {
	case KD_WALK_PAGE:
		*pa_ret = r.pa;
		if (pagesize_ret)
			*pagesize_ret = r.size;
		return NULL;
	default: {
		struct kd_arch_xlat_end e = { .va = va, .level = r.level, .table = r.table, .index = r.index,
					       .entry_addr = r.entry_addr, .absent = "is not present" };
		if (r.state == KD_WALK_UNREADABLE)
			e.read_err = r.read_err;
		else
			e.swap = x86_64_pte_swap(r.entry, &e.swap_type, &e.swap_offset);
		return kd_arch_xlat_error(&e);
	}
	}
}

static struct kd_error *x86_64_walk(void *state, const struct kd_as *as, uint64_t va, kd_walk_fn *cb,
				    void *arg)
{
	struct xlat r;
	struct kd_error *err = walk_core(state, as, va, cb, arg, &r);
	kd_error_destroy(r.read_err);
	return err;
}

// kd_walk_range() under one table: each table is read whole, once.
static struct kd_error *range_rec(struct x86_64 *x, uint64_t table, unsigned d, uint64_t prefix,
				  uint64_t lo, uint64_t hi, kd_walk_fn *cb, void *arg)
{
	unsigned shift = x->shifts[d];
	uint64_t span = 1ull << shift;
	struct kd_walk_level l = {
		.name = x->names[d], .depth = d, .va_hi = shift + 8, .va_lo = shift, .table = table,
	};
	uint64_t ent[512];
	struct kd_error *err = x->read(x->arg, table, ent, sizeof(ent));
	if (err) {
		kd_error_destroy(err);
		l.state = KD_WALK_UNREADABLE;
		l.va = prefix;
		return cb(&l, arg);
	}
	unsigned first = lo > prefix ? (unsigned)((lo >> shift) & 511) : 0;
	for (unsigned i = first; i < 512; i++) {
		uint64_t va = d == 0 ? sign_extend(x, (uint64_t)i << shift) : prefix + (uint64_t)i * span;
		if (va >= hi)
			break;
		uint64_t e = ent[i] & ~x->p.sme_mask;
		if (!e)
			continue;
		l.index = i;
		l.entry_addr = table + 8ull * i;
		l.entry = e;
		l.va = va;
		l.next = l.pa = l.page_size = 0;
		bool leaf = d == x->levels - 1 || ((e & PTE_PSE) && (shift == 30 || shift == 21));
		if (!(e & PTE_PRESENT)) {
			l.state = KD_WALK_NOT_PRESENT;
		} else if (leaf) {
			l.state = KD_WALK_PAGE;
			l.page_size = span;
			l.next = l.pa = e & x->addr_mask & ~(span - 1);
		} else {
			err = range_rec(x, e & x->addr_mask, d + 1, va, lo, hi, cb, arg);
			if (err)
				return err;
			continue;
		}
		if ((err = cb(&l, arg)))
			return err;
	}
	return NULL;
}

static struct kd_error *x86_64_walk_range(void *state, const struct kd_as *as, uint64_t lo, uint64_t hi,
					  kd_walk_fn *cb, void *arg)
{
	struct x86_64 *x = state;
	if (!canonical(x, lo) || !canonical(x, hi - 1) || (lo >> 63) != ((hi - 1) >> 63))
		return kd_error_addr(KD_ERR_FAULT, lo,
				     "0x%" PRIx64 "-0x%" PRIx64 " is not a canonical range", lo, hi);
	return range_rec(x, as_root(x, as), 0, 0, lo, hi, cb, arg);
}

// The first mapped page at or after va (and below end) under one table.
static struct kd_error *next_rec(struct x86_64 *x, struct kd_arch_empty_tables *empty, uint64_t table,
				 unsigned d, uint64_t prefix, uint64_t from, uint64_t end,
				 uint64_t *va_ret, uint64_t *pa_ret, uint64_t *size_ret)
{
	// Scanned whole before: nothing (a partial scan's range lies inside).
	if (kd_arch_empty_has(empty, table, d))
		return kd_error_create(KD_ERR_NOTFOUND, "no mapping");
	uint64_t ent[512];
	struct kd_error *err = x->read(x->arg, table, ent, sizeof(ent));
	if (err) {
		// An unreadable table maps nothing we can show.
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_NOTFOUND, "no mapping");
	}
	unsigned shift = x->shifts[d];
	uint64_t span = 1ull << shift;
	unsigned first = from > prefix ? (unsigned)((from >> shift) & 511) : 0;
	bool whole = from <= prefix && d > 0;
	for (unsigned i = first; i < 512; i++) {
		uint64_t va = d == 0 ? sign_extend(x, (uint64_t)i << shift) : prefix + (uint64_t)i * span;
		if (end && va >= end) {
			whole = false;
			break;
		}
		if (va + (span - 1) < from)
			continue;
		uint64_t e = ent[i] & ~x->p.sme_mask;
		if (!(e & PTE_PRESENT))
			continue;
		bool leaf = d == x->levels - 1 || ((e & PTE_PSE) && (shift == 30 || shift == 21));
		if (leaf) {
			*va_ret = va;
			*pa_ret = e & x->addr_mask & ~(span - 1);
			*size_ret = span;
			return NULL;
		}
		err = next_rec(x, empty, e & x->addr_mask, d + 1, va, from > va ? from : va, end,
			       va_ret, pa_ret, size_ret);
		if (!err || err->code != KD_ERR_NOTFOUND)
			return err;
		kd_error_destroy(err);
	}
	if (whole)
		kd_arch_empty_add(empty, table, d);
	return kd_error_create(KD_ERR_NOTFOUND, "no mapping");
}

static struct kd_error *x86_64_next_mapped(void *state, const struct kd_as *as, uint64_t va,
					   uint64_t end, uint64_t *va_ret, uint64_t *pa_ret,
					   uint64_t *size_ret)
{
	struct x86_64 *x = state;
	if (!canonical(x, va))
		va = sign_extend(x, 1ull << (x->va_bits - 1)); // skip the hole
	struct kd_error *err = next_rec(x, &x->empty, as_root(x, as), 0, 0, va, end, va_ret, pa_ret,
					size_ret);
	if (err && err->code == KD_ERR_NOTFOUND) {
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_NOTFOUND, "nothing mapped at or above 0x%" PRIx64, va);
	}
	return err;
}

/* ---- decoding entries ----------------------------------------------------------- */

static void x86_64_pte_flags(uint64_t e, char *buf, size_t size)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} flags[] = {
		{ PTE_PRESENT, "PRESENT" }, { PTE_RW, "RW" },         { PTE_USER, "USER" },
		{ PTE_PWT, "PWT" },         { PTE_PCD, "PCD" },       { PTE_ACCESSED, "ACCESSED" },
		{ PTE_DIRTY, "DIRTY" },     { PTE_PSE, "PSE" },       { PTE_GLOBAL, "GLOBAL" },
		{ PTE_SOFT_DIRTY, "SOFT_DIRTY" }, { PTE_NX, "NX" },
	};
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	if (!e) {
		snprintf(buf, size, "no mapping");
		return;
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!(e & flags[i].bit))
			continue;
		const char *name = flags[i].name;
		// Bit 8 of a not-present entry is PROTNONE, bit 7 means PSE only if present.
		if (flags[i].bit == PTE_GLOBAL && !(e & PTE_PRESENT))
			name = "PROTNONE";
		if (flags[i].bit == PTE_PSE && !(e & PTE_PRESENT))
			continue;
		// _PAGE_SOFT_DIRTY (software bit 11, CONFIG_MEM_SOFT_DIRTY) of a mapping;
		// in a swap entry bit 11 is part of the offset.
		if (flags[i].bit == PTE_SOFT_DIRTY && !(e & PTE_PRESENT))
			continue;
		int w = snprintf(buf + n, size > n ? size - n : 0, "%s%s", n ? "|" : "", name);
		if (w > 0)
			n += (size_t)w;
	}
}

// pgtable_types.h: _PAGE_SOFT_DIRTY is _PAGE_BIT_SOFTW3 (11) in a present
// entry; a swap entry keeps it in _PAGE_SWP_SOFT_DIRTY, which is _PAGE_RW (1).
static bool x86_64_pte_soft_dirty(uint64_t e)
{
	if (e & PTE_PRESENT)
		return e & PTE_SOFT_DIRTY;
	return (e & PTE_RW) && !(e & PTE_PROTNONE);
}

// pgtable_64.h: a not-present, non-PROTNONE, non-zero entry is a swap entry,
// type in bits 59-63, the offset inverted in bits 9-58 (the L1TF mitigation).
static bool x86_64_pte_swap(uint64_t e, uint64_t *type, uint64_t *off)
{
	if (!e || (e & (PTE_PRESENT | PTE_PROTNONE)))
		return false;
	*type = e >> 59;
	*off = (~e << 5) >> 14;
	return true;
}

/* ---- layout ------------------------------------------------------------------------ */

static void add_region(struct x86_64 *x, const char *name, const char *desc, uint64_t start,
		       uint64_t last, const char *base, bool hole)
{
	if (x->nregions >= sizeof(x->regions) / sizeof(x->regions[0]) || last < start)
		return;
	x->regions[x->nregions++] = (struct kd_vm_region){
		.name = name, .desc = desc, .start = start, .last = last, .base = base, .hole = hole,
	};
}

static int region_cmp(const void *a, const void *b)
{
	const struct kd_vm_region *ra = a, *rb = b;
	return ra->start < rb->start ? -1 : ra->start > rb->start;
}

static void build_regions(struct x86_64 *x)
{
	bool l5 = x->p.la57;
	const char *src = x->bases_source ? x->bases_source : "unknown";
	x->nregions = 0;
	uint64_t user_top = 1ull << (x->va_bits - 1);
	add_region(x, "user", "user-space virtual memory", 0, user_top - 4096 - 1, "fixed", false);
	add_region(x, "non-canonical", "non-canonical addresses (the sign-extension hole)", user_top,
		   sign_extend(x, user_top) - 1, "fixed", true);
	uint64_t guard = sign_extend(x, user_top);
	uint64_t ldt = l5 ? 0xff10000000000000ull : 0xffff880000000000ull;
	add_region(x, "guard hole", "guard hole, also reserved for a hypervisor", guard, ldt - 1,
		   "fixed", true);
	add_region(x, "LDT remap", "LDT remap for PTI", ldt, ldt + (l5 ? (1ull << 48) : (1ull << 39)) - 1,
		   "fixed", false);
	if (x->p.page_offset)
		add_region(x, "direct map", "direct mapping of all physical memory (page_offset_base)",
			   x->p.page_offset, x->p.page_offset + x->p.phys_end - 1, src, false);
	if (x->p.vmalloc_base)
		add_region(x, "vmalloc", "vmalloc/ioremap space (vmalloc_base)", x->p.vmalloc_base,
			   x->p.vmalloc_base + (l5 ? 12800 * TB : 32 * TB) - 1, src, false);
	if (x->p.vmemmap_base)
		add_region(x, "vmemmap", "virtual memory map: struct page array (vmemmap_base)",
			   x->p.vmemmap_base, x->p.vmemmap_base + (l5 ? 512 * TB : TB) - 1, src, false);
	add_region(x, "cpu_entry_area", "cpu_entry_area mapping", CPU_ENTRY_AREA_BASE,
		   CPU_ENTRY_AREA_BASE + (1ull << 39) - 1, "fixed", false);
	add_region(x, "espfix", "%esp fixup stacks", ESPFIX_BASE, ESPFIX_BASE + (1ull << 39) - 1,
		   "fixed", false);
	add_region(x, "EFI", "EFI region mapping space", EFI_VA_END, EFI_VA_START - 1, "fixed", false);
	snprintf(x->text_desc, sizeof(x->text_desc),
		 "kernel text mapping, physical = va - %016" PRIx64 " + phys_base", START_KERNEL_MAP);
	add_region(x, "kernel text", x->text_desc, START_KERNEL_MAP,
		   START_KERNEL_MAP + x->p.kernel_image_size - 1, "KERNELOFFSET", false);
	add_region(x, "modules", "module mapping space", START_KERNEL_MAP + x->p.kernel_image_size,
		   MODULES_END - 1, "KERNEL_IMAGE_SIZE", false);
	add_region(x, "fixmap", "kernel-internal fixmap range (up to FIXADDR_TOP); vsyscall page at ffffffffff600000",
		   MODULES_END, FIXADDR_TOP_END - 1, "fixed", false);
	add_region(x, "top hole", "unused hole", FIXADDR_TOP_END, UINT64_MAX, "fixed", true);
	qsort(x->regions, x->nregions, sizeof(x->regions[0]), region_cmp);
	// Derived bases may overlap a neighbour's nominal extent: clip.
	for (size_t i = 0; i + 1 < x->nregions; i++)
		if (x->regions[i].last >= x->regions[i + 1].start)
			x->regions[i].last = x->regions[i + 1].start - 1;
}

static size_t x86_64_regions(void *state, const struct kd_vm_region **ret)
{
	struct x86_64 *x = state;
	*ret = x->regions;
	return x->nregions;
}

static void x86_64_info(void *state, struct kd_vm_info *r)
{
	struct x86_64 *x = state;
	memset(r, 0, sizeof(*r));
	r->arch = "x86_64";
	r->levels = x->levels;
	r->va_bits = x->va_bits;
	r->kernel_root = x->p.kernel_root;
	r->kernel_root_va = x->p.kernel_root_va;
	r->kernel_root_name = "init_top_pgt";
	r->user_end = (1ull << (x->va_bits - 1)) - 4096;
	r->phys_base = x->p.phys_base;
	r->kernel_offset = x->p.kernel_offset;
	r->page_offset = x->p.page_offset;
	r->bases_source = x->bases_source;
	r->pt_page_offset = x->pt_bases[0];
	r->pt_vmalloc_base = x->pt_bases[1];
	r->pt_vmemmap_base = x->pt_bases[2];
	r->root_shared_offset = 256 * 8; // entries 256-511: the kernel half
	r->root_table_size = 4096;
	r->entry_addr_mask = x->addr_mask;
	for (unsigned i = 0; i < x->levels; i++)
		r->level_names[i] = x->names[i];
}

/* ---- set-up ------------------------------------------------------------------------- */

void kd_x86_64_set_bases(void *state, uint64_t page_offset, uint64_t vmalloc_base,
			 uint64_t vmemmap_base, const char *where)
{
	struct x86_64 *x = state;
	x->p.page_offset = page_offset;
	x->p.vmalloc_base = vmalloc_base;
	x->p.vmemmap_base = vmemmap_base;
	x->bases_source = where;
	build_regions(x);
}

// The kernel image's linear extent: from _stext (2 MiB aligned) to the first
// 2 MiB slot that the page tables do not map linearly.  Only this range takes
// the kernel-text fast path.
static void find_ktext(struct x86_64 *x)
{
	x->ktext_start = x->ktext_end = 0;
	if (!x->p.stext || x->p.stext < START_KERNEL_MAP)
		return;
	uint64_t start = x->p.stext & ~((1ull << 21) - 1);
	uint64_t limit = START_KERNEL_MAP + x->p.kernel_image_size;
	uint64_t va = start;
	for (; va < limit; va += 1ull << 21) {
		struct xlat r;
		struct kd_error *err = walk_core(x, NULL, va, NULL, NULL, &r);
		kd_error_destroy(r.read_err);
		if (err) {
			kd_error_destroy(err);
			break;
		}
		if (r.state != KD_WALK_PAGE || r.pa != va - START_KERNEL_MAP + x->p.phys_base)
			break;
	}
	x->ktext_start = start;
	x->ktext_end = va;
}

struct kd_error *kd_x86_64_create(const struct kd_x86_64_params *p, kd_phys_read_fn *read,
				  void *arg, void **state_ret)
{
	struct x86_64 *x = calloc(1, sizeof(*x));
	if (!x)
		return &kd_enomem;
	x->p = *p;
	x->read = read;
	x->arg = arg;
	x->levels = p->la57 ? 5 : 4;
	x->va_bits = p->la57 ? 57 : 48;
	x->shifts = p->la57 ? shifts5 : shifts4;
	x->names = p->la57 ? names5 : names4;
	x->addr_mask = PTE_ADDR_MASK & ~p->sme_mask;
	if (!x->p.kernel_image_size)
		x->p.kernel_image_size = 1ull << 30;
	if (!x->p.max_physmem_bits)
		x->p.max_physmem_bits = p->la57 ? 52 : 46;
	if (!x->p.phys_end)
		x->p.phys_end = 1ull << x->p.max_physmem_bits;
	x->bases_source = x->p.page_offset ? "given" : NULL;
	find_ktext(x);
	build_regions(x);
	*state_ret = x;
	return NULL;
}

/* ---- from a dump ---------------------------------------------------------------------- */

static struct kd_error *vmci_number(const struct kd_arch_ctx *ctx, const char *key, bool required,
				    uint64_t *ret)
{
	struct kd_error *err = ctx->vmcoreinfo_number
		? ctx->vmcoreinfo_number(ctx->arg, key, ret)
		: kd_error_create(KD_ERR_NOTFOUND, "no VMCOREINFO key '%s'", key);
	if (err && !required && err->code == KD_ERR_NOTFOUND) {
		kd_error_destroy(err);
		err = NULL;
	}
	return err;
}

static size_t nranges(const struct kd_arch_ctx *ctx)
{
	return ctx->phys_range_count && ctx->phys_range ? ctx->phys_range_count(ctx->arg) : 0;
}

// Where is the direct map?  The kernel maps physical 0 at page_offset_base,
// which KASLR aligns to 1 GiB (PUD_SIZE, arch/x86/mm/kaslr.c): find the
// lowest 1 GiB-aligned kernel address whose walk gives physical 0.
static uint64_t derive_page_offset(struct x86_64 *x)
{
	uint64_t va = sign_extend(x, 1ull << (x->va_bits - 1));
	for (int guard = 0; guard < 100000; guard++) {
		uint64_t mva, mpa, msize;
		struct kd_error *err = x86_64_next_mapped(x, NULL, va, START_KERNEL_MAP, &mva, &mpa, &msize);
		if (err) {
			kd_error_destroy(err);
			return 0;
		}
		uint64_t base = mva & ~((1ull << 30) - 1);
		if (base == mva && mpa == 0)
			return base;
		// Skip to the next 1 GiB boundary.
		va = base + (1ull << 30);
		if (va < base)
			return 0;
	}
	return 0;
}

// vmalloc and vmemmap come after the direct map in that order, each 1 GiB
// aligned (kaslr.c); the first mapping after each region's start lies in
// its first gigabyte (vmalloc allocates bottom-up; vmemmap starts with the
// struct page of pfn 0).
static uint64_t first_gib_after(struct x86_64 *x, uint64_t from)
{
	uint64_t mva, mpa, msize;
	struct kd_error *err = x86_64_next_mapped(x, NULL, from, CPU_ENTRY_AREA_BASE, &mva, &mpa, &msize);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return (mva < from ? from : mva) & ~((1ull << 30) - 1);
}

static void derive_bases(const struct kd_arch_ctx *ctx, struct x86_64 *x)
{
	// (a) A dump whose segments carry virtual addresses (kdump's
	// /proc/vmcore) gives the direct map directly: vaddr - paddr of a
	// segment below the kernel-text mapping.
	uint64_t po = 0;
	const char *src = "page tables";
	for (size_t i = 0; i < nranges(ctx); i++) {
		const struct kd_phys_range *r = ctx->phys_range(ctx->arg, i);
		if (r->vaddr >= sign_extend(x, 1ull << (x->va_bits - 1)) && r->vaddr < START_KERNEL_MAP &&
		    r->vaddr >= r->start) {
			po = r->vaddr - r->start;
			src = "dump segments";
		}
	}
	uint64_t ptpo = derive_page_offset(x);
	if (!po)
		po = ptpo;
	if (!po) {
		kd_x86_64_set_bases(x, 0, 0, 0, NULL);
		return;
	}
	uint64_t dm_end = po + (x->p.phys_end + (1ull << 30) - 1) / (1ull << 30) * (1ull << 30);
	uint64_t vm = first_gib_after(x, dm_end);
	uint64_t vmm = vm ? first_gib_after(x, vm + (x->p.la57 ? 12800 * TB : 32 * TB)) : 0;
	x->pt_bases[0] = ptpo;
	x->pt_bases[1] = ptpo == po ? vm : 0;
	x->pt_bases[2] = ptpo == po ? vmm : 0;
	kd_x86_64_set_bases(x, po, vm, vmm, src);
}

static struct kd_error *x86_64_init(const struct kd_arch_ctx *ctx, void **state_ret)
{
	struct kd_x86_64_params p = { 0 };
	uint64_t l5 = 0, root_va = 0, image = 0, physbits = 0;
	struct kd_error *err;
	if ((err = vmci_number(ctx, "NUMBER(phys_base)", true, &p.phys_base)) ||
	    (err = vmci_number(ctx, "NUMBER(pgtable_l5_enabled)", false, &l5)) ||
	    (err = vmci_number(ctx, "KERNELOFFSET", false, &p.kernel_offset)) ||
	    (err = vmci_number(ctx, "NUMBER(sme_mask)", false, &p.sme_mask)) ||
	    (err = vmci_number(ctx, "NUMBER(KERNEL_IMAGE_SIZE)", false, &image)) ||
	    (err = vmci_number(ctx, "NUMBER(MAX_PHYSMEM_BITS)", false, &physbits)) ||
	    (err = vmci_number(ctx, "SYMBOL(_stext)", false, &p.stext)) ||
	    (err = vmci_number(ctx, "SIZE(page)", false, &p.struct_page_size)))
		return err;
	// The page-table root: init_top_pgt since 4.13, init_level4_pgt
	// before (arch/x86/kernel/head_64.S), swapper_pg_dir the generic alias.
	static const char *const roots[] = { "SYMBOL(init_top_pgt)", "SYMBOL(init_level4_pgt)" };
	const char *root = "SYMBOL(swapper_pg_dir)";
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (ctx->vmcoreinfo && ctx->vmcoreinfo(ctx->arg, roots[i])) {
			root = roots[i];
			break;
		}
	err = vmci_number(ctx, root, true, &root_va);
	if (err)
		return kd_error_prefix(err, "cannot find the kernel page tables");
	if (root_va < START_KERNEL_MAP)
		return kd_error_create(KD_ERR_CORRUPT,
				       "kernel page table address 0x%" PRIx64 " is outside the kernel text mapping",
				       root_va);
	if (image && (image > (1ull << 31) || image & 0xfffff))
		return kd_error_create(KD_ERR_CORRUPT, "implausible KERNEL_IMAGE_SIZE 0x%" PRIx64, image);
	if (physbits && (physbits < 32 || physbits > 52))
		return kd_error_create(KD_ERR_CORRUPT, "implausible MAX_PHYSMEM_BITS %" PRIu64, physbits);
	p.la57 = l5 != 0;
	p.kernel_root_va = root_va;
	p.kernel_root = root_va - START_KERNEL_MAP + p.phys_base;
	p.kernel_image_size = image;
	p.max_physmem_bits = (unsigned)physbits;
	// The direct map covers physical memory up to the end of the last range.
	for (size_t i = 0; i < nranges(ctx); i++) {
		const struct kd_phys_range *r = ctx->phys_range(ctx->arg, i);
		if (r->start + r->size > p.phys_end)
			p.phys_end = r->start + r->size;
	}
	void *state;
	err = kd_x86_64_create(&p, ctx->read_phys, ctx->arg, &state);
	if (err)
		return err;
	derive_bases(ctx, state);
	*state_ret = state;
	return NULL;
}

// A kernel virtual read through this backend's own translation (the core's
// kd_read_kernel, without its TLB: post_symbols reads three words).
static struct kd_error *xlat_kernel(void *arg, uint64_t va, uint64_t *pa_ret)
{
	return x86_64_translate(arg, NULL, va, KD_XLAT_ANY, pa_ret, NULL);
}

static struct kd_error *read_kernel(struct x86_64 *x, uint64_t va, void *buf, size_t len)
{
	return kd_arch_read_virt(xlat_kernel, x, x->read, x->arg, 4096, va, buf, len);
}

// With a symbol table, the three bases are read from their variables
// (arch/x86/kernel/head64.c) through the kernel-text mapping.
static struct kd_error *x86_64_post_symbols(const struct kd_arch_ctx *ctx, void *state)
{
	struct x86_64 *x = state;
	static const char *const names[] = { "page_offset_base", "vmalloc_base", "vmemmap_base" };
	uint64_t val[3];
	if (!ctx->symbol_address)
		return NULL;
	for (int i = 0; i < 3; i++) {
		uint64_t addr;
		struct kd_error *err = ctx->symbol_address(ctx->arg, names[i], &addr);
		if (err) {
			kd_error_destroy(err);
			return NULL; // keep what the page tables said
		}
		err = read_kernel(x, addr, &val[i], sizeof(val[i]));
		if (err)
			return kd_error_prefix(err, "reading %s", names[i]);
	}
	for (int i = 0; i < 3; i++)
		if (x->pt_bases[i] && x->pt_bases[i] != val[i] && ctx->warn)
			ctx->warn(ctx->arg, "%s is %#" PRIx64 " but the page tables suggest %#" PRIx64 "; using the variable",
				  names[i], val[i], x->pt_bases[i]);
	kd_x86_64_set_bases(x, val[0], val[1], val[2], "symbols");
	return NULL;
}

static void x86_64_fini(void *state);

/* ---- without VMCOREINFO ------------------------------------------------------------- */

// QEMU's per-CPU note ("QEMU", type 0) is the QEMUCPUState of QEMU's
// target/i386/arch_dump.c, version 1: u32 version, u32 size, 16 general
// registers, rip, rflags, 10 segment descriptors of 24 bytes, then
// cr[0..4]: cr3 at byte 416, cr4 at 424.  CR4.LA57 (bit 12) tells 4- from
// 5-level paging.
enum { QEMU_CR3_OFF = 416, QEMU_CR4_OFF = 424 };
#define CR4_LA57 (1ull << 12)
static const uint64_t START_KERNEL = 0xffffffff81000000ull; // with the default CONFIG_PHYSICAL_START

static struct kd_error *cpu_state(const struct kd_arch_ctx *ctx, unsigned cpu, uint64_t *cr3,
				  uint64_t *cr4)
{
	unsigned k = 0;
	size_t nn = ctx->note_count && ctx->note ? ctx->note_count(ctx->arg) : 0;
	for (size_t i = 0; i < nn; i++) {
		const struct kd_note *n = ctx->note(ctx->arg, i);
		if (strcmp(n->name, "QEMU") != 0 || n->type != 0 || k++ != cpu)
			continue;
		if (n->descsz < QEMU_CR4_OFF + 8)
			return kd_error_create(KD_ERR_CORRUPT, "QEMU CPU state note of %zu bytes is too short",
					       n->descsz);
		uint32_t size;
		memcpy(&size, (const char *)n->desc + 4, 4);
		if (size < QEMU_CR4_OFF + 8 || size > n->descsz)
			return kd_error_create(KD_ERR_CORRUPT, "QEMU CPU state note: bad size %u", size);
		memcpy(cr3, (const char *)n->desc + QEMU_CR3_OFF, 8);
		memcpy(cr4, (const char *)n->desc + QEMU_CR4_OFF, 8);
		return NULL;
	}
	return kd_error_create(KD_ERR_NOTFOUND, "no QEMU CPU state for CPU %u", cpu);
}

// The first page mapped in the kernel-text window [__START_KERNEL_map,
// +1 GiB), in 2 MiB steps (KASLR aligns the kernel to 2 MiB,
// CONFIG_PHYSICAL_ALIGN), is _text: cleanup_highmap() in
// arch/x86/kernel/head64.c clears what lies below it, and on x86_64 it is
// also _stext (arch/x86/kernel/vmlinux.lds.S).  KERNELOFFSET = _stext -
// __START_KERNEL and phys_base = pa(_stext) - (_stext - __START_KERNEL_map).
static struct kd_error *x86_64_find_kernel(const struct kd_arch_ctx *ctx, unsigned cpu,
					   struct kd_arch_kernel *ret)
{
	memset(ret, 0, sizeof(*ret));
	uint64_t cr3 = 0, cr4 = 0;
	struct kd_error *err = cpu_state(ctx, cpu, &cr3, &cr4);
	if (err) {
		ret->stop = true;
		return err;
	}
	struct kd_x86_64_params p = {
		.la57 = (cr4 & CR4_LA57) != 0,
		.kernel_root = cr3 & PTE_ADDR_MASK,
		.kernel_root_va = 0,
	};
	void *state;
	if ((err = kd_x86_64_create(&p, ctx->read_phys, ctx->arg, &state)))
		return err;
	uint64_t stext = 0, pa = 0;
	for (uint64_t va = START_KERNEL_MAP; va < START_KERNEL_MAP + (1ull << 30); va += 2ull << 20) {
		err = x86_64_translate(state, NULL, va, KD_XLAT_WALK, &pa, NULL);
		if (!err) {
			stext = va;
			break;
		}
		kd_error_destroy(err);
	}
	x86_64_fini(state);
	if (!stext)
		return kd_error_create(KD_ERR_NOTFOUND,
				       "nothing is mapped at the kernel text window under CR3 0x%" PRIx64, cr3);
	// Again with _stext and phys_base known: the image reads take the
	// kernel-text fast path.
	p.stext = stext;
	p.phys_base = pa - (stext - START_KERNEL_MAP);
	if ((err = kd_x86_64_create(&p, ctx->read_phys, ctx->arg, &ret->state)))
		return err;
	ret->stext = stext;
	ret->window_start = START_KERNEL_MAP;
	ret->window_end = START_KERNEL_MAP + (1ull << 30);
	ret->page_size = 4096;
	ret->root_symbol = "init_top_pgt";
	snprintf(ret->vmcoreinfo, sizeof(ret->vmcoreinfo),
		 "SYMBOL(_stext)=%" PRIx64 "\n"
		 "NUMBER(phys_base)=%" PRId64 "\n"
		 "NUMBER(pgtable_l5_enabled)=%d\n"
		 "KERNELOFFSET=%" PRIx64 "\n",
		 stext, (int64_t)p.phys_base, p.la57 ? 1 : 0, stext - START_KERNEL);
	return NULL;
}

static void x86_64_fini(void *state)
{
	struct x86_64 *x = state;
	if (x)
		kd_arch_empty_free(&x->empty);
	free(state);
}

// struct user_regs_struct (arch/x86/include/asm/user_64.h), pr_reg of
// struct elf_prstatus (include/uapi/linux/elfcore.h): pr_pid at 32, pr_reg
// at 112, 27 registers.  The kernel's struct is 336 bytes (pr_fpvalid and
// padding follow pr_reg); some writers leave those out and give 328, so the
// decoder asks only for the bytes up to the end of pr_reg.
static const char *const x86_64_regs[] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi",
	"rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs",
	"gs",
};

static const struct kd_arch_info x86_64_info_data = {
	.name = "x86_64",
	.e_machine = EM_X86_64,
	.word_size = 8,
	.disasm = KD_DISASM_X86_64,
	.reg_names = x86_64_regs,
	.prstatus = {
		.size = 112 + 27 * 8, // 328: through pr_reg, with or without pr_fpvalid
		.pid_off = 32,
		.reg_off = 112,
		.nregs = sizeof(x86_64_regs) / sizeof(x86_64_regs[0]),
		.pc = 16,
		.sp = 19,
	},
};

const struct kd_arch_ops kd_arch_x86_64 = {
	.info = &x86_64_info_data,
	.page_sizes = x86_64_page_sizes,
	.init = x86_64_init,
	.post_symbols = x86_64_post_symbols,
	.translate = x86_64_translate,
	.walk = x86_64_walk,
	.pte_flags = x86_64_pte_flags,
	.pte_swap = x86_64_pte_swap,
	.pte_soft_dirty = x86_64_pte_soft_dirty,
	.walk_range = x86_64_walk_range,
	.regions = x86_64_regions,
	.info_get = x86_64_info,
	.next_mapped = x86_64_next_mapped,
	.fini = x86_64_fini,
	.find_kernel = x86_64_find_kernel,
	.unwinder = &kd_x86_64_unwinder,
};
