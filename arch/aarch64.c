// SPDX-License-Identifier: GPL-3.0-or-later
// aarch64 address translation from VMCOREINFO alone: the VMSAv8-64 stage-1
// tables with 4, 16 and 64 KiB granules, 2 to 4 levels (VA_BITS and the
// granule decide), block entries, contiguous-bit entries (each entry still
// holds its own output address, so only the flag is shown), 52-bit output
// addresses of 64 KiB pages (LPA), pointer-authentication bits stripped
// with KERNELPACMASK, the kernel-image (kimage_voffset) and linear-map
// (PHYS_OFFSET) fast paths, entry decoding for vtop and the kernel memory
// map for `layout`.
//
// Sources: Arm ARM D8 (VMSAv8-64 translation); the kernel's
// arch/arm64/include/asm/memory.h (PAGE_OFFSET, PAGE_END, the linear map
// and kernel-image conversions, FIXADDR_TOP, PCI_IO_*),
// pgtable-hwdef.h (PTE_* bits), pgtable-prot.h (software bits), pgtable.h
// (swap entry encoding) and kernel/crash_core.c (the VMCOREINFO entries:
// VA_BITS, kimage_voffset, PHYS_OFFSET, TCR_EL1_T1SZ, KERNELPACMASK,
// MODULES_VADDR ... VMEMMAP_END).
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aarch64.h"

// Descriptor bits (pgtable-hwdef.h, pgtable-prot.h).
#define PTE_VALID (1ull << 0)
#define PTE_TABLE_BIT (1ull << 1) // table (levels 0-2) or page (level 3); clear: block
#define PTE_USER (1ull << 6)      // AP[1]
#define PTE_RDONLY (1ull << 7)    // AP[2]
#define PTE_SHARED (3ull << 8)    // SH[1:0] inner shareable
#define PTE_AF (1ull << 10)
#define PTE_NG (1ull << 11)
#define PTE_DBM (1ull << 51)
#define PTE_CONT (1ull << 52)
#define PTE_PXN (1ull << 53)
#define PTE_UXN (1ull << 54)
#define PTE_DIRTY (1ull << 55)     // software
#define PTE_SPECIAL (1ull << 56)   // software
#define PTE_DEVMAP (1ull << 57)    // software
#define PTE_PROT_NONE (1ull << 58) // software, on an invalid entry
#define OA_MASK_48 0x0000ffffffffffffull

static const uint64_t SZ_8M = 8ull << 20, SZ_16M = 16ull << 20, SZ_32M = 32ull << 20;

enum { MAX_LEVELS = 4, MAX_IMG_RUNS = 8, MAX_RAM = 64 };

// The TLB keeps at most four sizes: the three granules and 4 KiB pages' 2 MiB
// blocks (larger blocks are the linear map, which the fast path covers).
static const uint64_t page_sizes_all[] = { 1ull << 12, 1ull << 14, 1ull << 16, 1ull << 21, 0 };

struct range {
	uint64_t start, end; // [start, end)
};

struct a64 {
	struct kd_aarch64_params p;
	kd_phys_read_fn *read;
	void *arg;
	unsigned levels;
	unsigned shifts[MAX_LEVELS]; // top level first
	const char *const *names;
	uint64_t granule;
	uint64_t oa_mask;
	bool lpa;               // 64 KiB pages with 52-bit PA: OA[51:48] in bits 15:12
	uint64_t user_top;      // 1 << va_bits_actual
	uint64_t kernel_bottom; // -(1 << va_bits_actual)
	uint64_t page_end;      // end of the linear map (0 = top of the address space)
	const char *layout_source;
	struct range img[MAX_IMG_RUNS]; // kernel image: pa = va - kimage_voffset
	size_t nimg;
	struct range ram[MAX_RAM];      // physical memory (linear-map fast path)
	size_t nram;
	struct kd_vm_region regions[24];
	size_t nregions;
	char img_desc[96], lm_desc[96];
	struct kd_arch_empty_tables empty;
};

static const char *const names4[] = { "PGD", "PUD", "PMD", "PTE" };
static const char *const names3[] = { "PGD", "PMD", "PTE" };
static const char *const names2[] = { "PGD", "PTE" };

static bool is_kernel_va(const struct a64 *a, uint64_t va)
{
	return va >> 63;
}

// A signed (PAC) kernel pointer: the authentication code sits in the bits of
// KERNELPACMASK; the kernel's own ptrauth_strip_insn_pac() sets them back.
static uint64_t strip_pac(const struct a64 *a, uint64_t va)
{
	if (a->p.pac_mask && (va >> 55 & 1))
		return va | a->p.pac_mask;
	return va;
}

static uint64_t oa(const struct a64 *a, uint64_t e)
{
	uint64_t pa = e & a->oa_mask;
	if (a->lpa)
		pa |= ((e >> 12) & 0xf) << 48;
	return pa;
}

/* ---- the walk ---------------------------------------------------------------- */

struct xlat {
	enum kd_walk_state state;
	uint64_t pa, size;
	const char *level;
	unsigned depth, index;
	uint64_t entry, entry_addr, table;
	struct kd_error *read_err;
};

static unsigned index_bits(const struct a64 *a, unsigned d)
{
	return d == 0 ? a->p.va_bits - a->shifts[0] : (unsigned)(a->p.page_shift - 3);
}

static struct kd_error *root_for(const struct a64 *a, const struct kd_as *as, uint64_t va,
				 uint64_t *root)
{
	if (is_kernel_va(a, va)) {
		if (va < a->kernel_bottom)
			return kd_error_addr(KD_ERR_FAULT, va,
					     "0x%" PRIx64 " is not a kernel address (%u-bit kernel virtual addresses)",
					     va, a->p.va_bits_actual);
		*root = a->p.kernel_root; // TTBR1: every address space shares it
		return NULL;
	}
	if (va >= a->user_top)
		return kd_error_addr(KD_ERR_FAULT, va,
				     "0x%" PRIx64 " is not a canonical address (%u-bit virtual addresses)",
				     va, a->p.va_bits_actual);
	if (!as || as->kind == KD_AS_KERNEL)
		return kd_error_addr(KD_ERR_FAULT, va,
				     "0x%" PRIx64 " is a user address: the kernel's tables (TTBR1) do not map it",
				     va);
	// A TTBR0 value works too: ASID in bits 63:48, CnP in bit 0.  The top
	// table is aligned to its own size, which may be less than a page (the
	// kernel's pgd_cache when PGD_SIZE < PAGE_SIZE: 16 KiB pages, 52 bits).
	uint64_t top = 8ull << index_bits(a, 0);
	*root = as->pgd & OA_MASK_48 & ~(top < 64 ? 63 : top - 1);
	return NULL;
}

static struct kd_error *walk_core(struct a64 *a, const struct kd_as *as, uint64_t va,
				  kd_walk_fn *cb, void *arg, struct xlat *res)
{
	memset(res, 0, sizeof(*res));
	uint64_t table = 0;
	struct kd_error *err = root_for(a, as, va, &table);
	if (err)
		return err;
	for (unsigned d = 0; d < a->levels; d++) {
		unsigned shift = a->shifts[d], bits = index_bits(a, d);
		struct kd_walk_level l = {
			.name = a->names[d],
			.depth = d,
			.va_hi = shift + bits - 1,
			.va_lo = shift,
			.table = table,
			.index = (unsigned)((va >> shift) & ((1ull << bits) - 1)),
		};
		l.entry_addr = table + 8ull * l.index;
		uint64_t raw;
		err = a->read(a->arg, l.entry_addr, &raw, sizeof(raw));
		res->level = l.name;
		res->depth = d;
		res->index = l.index;
		res->entry_addr = l.entry_addr;
		res->table = table;
		if (err) {
			l.state = KD_WALK_UNREADABLE;
			res->state = l.state;
			res->read_err = err;
			return cb ? cb(&l, arg) : NULL;
		}
		l.entry = raw;
		res->entry = raw;
		bool last = d == a->levels - 1;
		if (!(raw & PTE_VALID) || (last && !(raw & PTE_TABLE_BIT))) {
			l.state = KD_WALK_NOT_PRESENT; // invalid, or the reserved encoding at level 3
		} else if (last || !(raw & PTE_TABLE_BIT)) {
			l.state = KD_WALK_PAGE;        // a page, or a block at a higher level
			l.page_size = 1ull << shift;
			l.next = oa(a, raw) & ~(l.page_size - 1);
			l.pa = l.next + (va & (l.page_size - 1));
			res->pa = l.pa;
			res->size = l.page_size;
		} else {
			l.state = KD_WALK_TABLE;
			l.next = oa(a, raw);
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
	return NULL; // not reached: the last level always ends the walk
}

static bool in_ram(const struct a64 *a, uint64_t pa)
{
	for (size_t i = 0; i < a->nram; i++)
		if (pa >= a->ram[i].start && pa < a->ram[i].end)
			return true;
	return false;
}

static bool fast_path(const struct a64 *a, uint64_t va, uint64_t *pa, uint64_t *size)
{
	// Kernel image: __kimg_to_phys(), va - kimage_voffset (memory.h).
	for (size_t i = 0; i < a->nimg; i++)
		if (va >= a->img[i].start && va < a->img[i].end) {
			*pa = va - a->p.kimage_voffset;
			*size = a->granule;
			return true;
		}
	// Linear map: __lm_to_phys(), (va - PAGE_OFFSET) + PHYS_OFFSET.
	if (va >= a->p.page_offset && (!a->page_end || va < a->page_end)) {
		uint64_t p = va - a->p.page_offset + a->p.phys_offset;
		if (in_ram(a, p)) {
			*pa = p;
			*size = a->granule;
			return true;
		}
	}
	return false;
}

static bool a64_pte_swap(uint64_t e, uint64_t *type, uint64_t *off);
static bool a64_pte_swap_undecided(uint64_t entry, struct kd_arch_xlat_end *e);

static struct kd_error *a64_translate(void *state, const struct kd_as *as, uint64_t va,
				      enum kd_xlat_mode mode, uint64_t *pa_ret, uint64_t *pagesize_ret)
{
	struct a64 *a = state;
	uint64_t pa, size;
	va = strip_pac(a, va);
	if (mode != KD_XLAT_WALK && is_kernel_va(a, va) && fast_path(a, va, &pa, &size)) {
		*pa_ret = pa;
		if (pagesize_ret)
			*pagesize_ret = size;
		return NULL;
	}
	if (mode == KD_XLAT_FAST)
		return kd_error_create(KD_ERR_NOTFOUND, "no fast path for 0x%" PRIx64, va);
	struct xlat r;
	struct kd_error *err = walk_core(a, as, va, NULL, NULL, &r);
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
					       .entry_addr = r.entry_addr, .absent = "is not valid" };
		if (r.state == KD_WALK_UNREADABLE)
			e.read_err = r.read_err;
		else
			e.swap = a64_pte_swap_undecided(r.entry, &e);
		return kd_arch_xlat_error(&e);
	}
	}
}

static struct kd_error *a64_walk(void *state, const struct kd_as *as, uint64_t va, kd_walk_fn *cb,
				 void *arg)
{
	struct a64 *a = state;
	struct xlat r;
	struct kd_error *err = walk_core(a, as, strip_pac(a, va), cb, arg, &r);
	kd_error_destroy(r.read_err);
	return err;
}

/* ---- next_mapped ---------------------------------------------------------------- */

static struct kd_error *none(void)
{
	return kd_error_create(KD_ERR_NOTFOUND, "no mapping");
}

// The first mapped page at or after from (and below end, 0 = no limit)
// under one table whose first entry maps prefix.
static struct kd_error *next_rec(struct a64 *a, uint64_t table, unsigned d, uint64_t prefix,
				 uint64_t from, uint64_t end, uint64_t *va_ret, uint64_t *pa_ret,
				 uint64_t *size_ret)
{
	if (kd_arch_empty_has(&a->empty, table, d))
		return none();
	unsigned shift = a->shifts[d], n = 1u << index_bits(a, d);
	uint64_t span = 1ull << shift;
	unsigned first = from > prefix ? (unsigned)((from - prefix) >> shift) : 0;
	bool whole = from <= prefix;
	uint64_t ent[512];
	for (unsigned base = first & ~511u; base < n; base += 512) {
		unsigned cnt = n - base < 512 ? n - base : 512;
		struct kd_error *err = a->read(a->arg, table + 8ull * base, ent, 8ull * cnt);
		if (err) {
			kd_error_destroy(err); // an unreadable table maps nothing we can show
			return none();
		}
		for (unsigned j = base < first ? first - base : 0; j < cnt; j++) {
			uint64_t va = prefix + (uint64_t)(base + j) * span;
			if (end && va >= end)
				return none();
			uint64_t e = ent[j];
			bool last = d == a->levels - 1;
			if (!(e & PTE_VALID) || (last && !(e & PTE_TABLE_BIT)))
				continue;
			if (last || !(e & PTE_TABLE_BIT)) {
				*va_ret = va;
				*pa_ret = oa(a, e) & ~(span - 1);
				*size_ret = span;
				return NULL;
			}
			err = next_rec(a, oa(a, e), d + 1, va, from > va ? from : va, end, va_ret, pa_ret,
				       size_ret);
			if (!err || err->code != KD_ERR_NOTFOUND)
				return err;
			kd_error_destroy(err);
		}
	}
	if (whole && !end)
		kd_arch_empty_add(&a->empty, table, d);
	return none();
}

static struct kd_error *a64_next_mapped(void *state, const struct kd_as *as, uint64_t va,
					uint64_t end, uint64_t *va_ret, uint64_t *pa_ret,
					uint64_t *size_ret)
{
	struct a64 *a = state;
	uint64_t from = va;
	struct kd_error *err;
	if (va < a->user_top) {
		if (as && as->kind == KD_AS_USER) {
			uint64_t root = as->pgd & a->oa_mask & ~1ull;
			uint64_t uend = end && end <= a->user_top ? end : a->user_top;
			err = next_rec(a, root, 0, 0, va, uend, va_ret, pa_ret, size_ret);
			if (!err || err->code != KD_ERR_NOTFOUND)
				return err;
			kd_error_destroy(err);
		}
		va = a->kernel_bottom;
	} else if (va < a->kernel_bottom) {
		va = a->kernel_bottom;
	}
	if (end && end <= va)
		return kd_error_create(KD_ERR_NOTFOUND, "nothing mapped at or above 0x%" PRIx64, from);
	// The kernel's table indexes VA_BITS bits: its first entry maps -(1 << VA_BITS).
	uint64_t prefix = a->p.va_bits == 64 ? 0 : ~0ull << a->p.va_bits;
	err = next_rec(a, a->p.kernel_root, 0, prefix, va, end, va_ret, pa_ret, size_ret);
	if (err && err->code == KD_ERR_NOTFOUND) {
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_NOTFOUND, "nothing mapped at or above 0x%" PRIx64, from);
	}
	return err;
}

/* ---- decoding entries ----------------------------------------------------------- */

static void a64_pte_flags(uint64_t e, char *buf, size_t size)
{
	static const struct {
		uint64_t bits;
		const char *name;
	} flags[] = {
		{ PTE_VALID, "VALID" },     { PTE_USER, "USER" },       { PTE_RDONLY, "RDONLY" },
		{ PTE_SHARED, "SHARED" },   { PTE_AF, "AF" },           { PTE_NG, "NG" },
		{ PTE_DBM, "DBM" },         { PTE_CONT, "CONT" },       { PTE_PXN, "PXN" },
		{ PTE_UXN, "UXN" },         { PTE_DIRTY, "DIRTY" },     { PTE_SPECIAL, "SPECIAL" },
		{ PTE_DEVMAP, "DEVMAP" },   { PTE_PROT_NONE, "PROT_NONE" },
	};
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	if (!e) {
		snprintf(buf, size, "no mapping");
		return;
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if ((e & flags[i].bits) != flags[i].bits)
			continue;
		int w = snprintf(buf + n, size > n ? size - n : 0, "%s%s", n ? "|" : "", flags[i].name);
		if (w > 0)
			n += (size_t)w;
		// Bits 1:0 = 01 is a block above the last level.
		if (flags[i].bits == PTE_VALID && !(e & PTE_TABLE_BIT)) {
			w = snprintf(buf + n, size > n ? size - n : 0, "|BLOCK");
			if (w > 0)
				n += (size_t)w;
		}
	}
	// Memory attribute index AttrIndx[2:0] (MT_NORMAL is 0, MT_DEVICE_nGnRnE 4 ...).
	if ((e & PTE_VALID) && (e >> 2 & 7)) {
		int w = snprintf(buf + n, size > n ? size - n : 0, "%sATTR%u", n ? "|" : "",
				 (unsigned)(e >> 2 & 7));
		if (w > 0)
			n += (size_t)w;
	}
}

// pgtable.h: an invalid, non-PROT_NONE, non-zero entry is a swap entry:
// type in bits 3-7, offset in bits 8-57.
/*
 * Swap entries (arch/arm64/include/asm/pgtable.h).  Layout 0, to 6.9: type
 * in bits 3-7, offset in bits 8-57, bit 58 PTE_PROT_NONE clear.  Layout 1,
 * from 6.10 (PTE_PROT_NONE gave way to PTE_PRESENT_INVALID, bit 11): type
 * in bits 6-10, offset in bits 12-61, bit 11 clear.  No type tells them
 * apart: kd_pte_swap() asks the swap map.
 */
static bool a64_pte_swap_layout(uint64_t e, unsigned layout, uint64_t *type, uint64_t *off)
{
	if (!e || (e & PTE_VALID))
		return false;
	if (layout == 1) {
		if (e & (1ull << 11))
			return false;
		*type = (e >> 6) & 0x1f;
		*off = (e >> 12) & ((1ull << 50) - 1);
		return true;
	}
	if (e & PTE_PROT_NONE)
		return false;
	*type = (e >> 3) & 0x1f;
	*off = (e >> 8) & ((1ull << 50) - 1);
	return true;
}

static bool a64_pte_swap(uint64_t e, uint64_t *type, uint64_t *off)
{
	return a64_pte_swap_layout(e, 0, type, off);
}

// For translate()'s error, which has no swap map to ask: the decoding when
// both layouts agree (or only one applies), else the raw entry.
static bool a64_pte_swap_undecided(uint64_t entry, struct kd_arch_xlat_end *e)
{
	uint64_t t0 = 0, o0 = 0, t1 = 0, o1 = 0;
	bool l0 = a64_pte_swap_layout(entry, 0, &t0, &o0), l1 = a64_pte_swap_layout(entry, 1, &t1, &o1);
	e->entry = entry;
	if (l0 && l1 && (t0 != t1 || o0 != o1)) {
		e->swap_undecided = true;
		return true;
	}
	e->swap_type = l0 ? t0 : t1;
	e->swap_offset = l0 ? o0 : o1;
	return l0 || l1;
}

/* ---- layout ------------------------------------------------------------------------ */

static void add_region(struct a64 *a, const char *name, const char *desc, uint64_t start,
		       uint64_t last, const char *base, bool hole)
{
	if (a->nregions >= sizeof(a->regions) / sizeof(a->regions[0]) || last < start)
		return;
	a->regions[a->nregions++] = (struct kd_vm_region){
		.name = name, .desc = desc, .start = start, .last = last, .base = base, .hole = hole,
	};
}

static int region_cmp(const void *x, const void *y)
{
	const struct kd_vm_region *rx = x, *ry = y;
	return rx->start < ry->start ? -1 : rx->start > ry->start;
}

static void build_regions(struct a64 *a)
{
	const struct kd_aarch64_params *p = &a->p;
	const char *vmci = a->layout_source ? a->layout_source : "given";
	a->nregions = 0;
	add_region(a, "user", "user-space virtual memory (TTBR0)", 0, a->user_top - 1, "TCR_EL1.T1SZ",
		   false);
	uint64_t hole_end = a->kernel_bottom < p->page_offset ? a->kernel_bottom : p->page_offset;
	add_region(a, "non-canonical", "addresses neither TTBR0 nor TTBR1 translates", a->user_top,
		   hole_end - 1, "TCR_EL1.T1SZ", true);
	snprintf(a->lm_desc, sizeof(a->lm_desc),
		 "linear map of physical memory, physical = va - PAGE_OFFSET + %" PRIx64, p->phys_offset);
	add_region(a, "linear map", a->lm_desc, p->page_offset, a->page_end ? a->page_end - 1 : UINT64_MAX,
		   "VA_BITS", false);
	uint64_t img_start = a->nimg ? a->img[0].start : 0, img_end = a->nimg ? a->img[a->nimg - 1].end : 0;
	if (a->nimg) {
		snprintf(a->img_desc, sizeof(a->img_desc),
			 "kernel image, physical = va - kimage_voffset (%016" PRIx64 ")", p->kimage_voffset);
		add_region(a, "kernel image", a->img_desc, img_start, img_end - 1, "KERNELOFFSET", false);
	}
	if (p->modules_vaddr && p->modules_end > p->modules_vaddr)
		add_region(a, "modules", "module mapping space", p->modules_vaddr, p->modules_end - 1, vmci,
			   false);
	if (p->vmalloc_start && p->vmalloc_end > p->vmalloc_start) {
		// The kernel image lies inside the vmalloc range (KIMAGE_VADDR = MODULES_END).
		if (a->nimg && img_start > p->vmalloc_start && img_end < p->vmalloc_end) {
			add_region(a, "vmalloc", "vmalloc/ioremap space", p->vmalloc_start, img_start - 1, vmci,
				   false);
			add_region(a, "vmalloc", "vmalloc/ioremap space", img_end, p->vmalloc_end - 1, vmci,
				   false);
		} else {
			add_region(a, "vmalloc", "vmalloc/ioremap space", p->vmalloc_start, p->vmalloc_end - 1,
				   vmci, false);
		}
	}
	if (p->vmemmap_start && p->vmemmap_end > p->vmemmap_start) {
		add_region(a, "vmemmap", "virtual memory map: struct page array", p->vmemmap_start,
			   p->vmemmap_end - 1, vmci, false);
		// memory.h: FIXADDR_TOP = VMEMMAP_START - 32M, PCI I/O the 16M below VMEMMAP_START - 8M.
		uint64_t fixtop = p->vmemmap_start - SZ_32M, pci_end = p->vmemmap_start - SZ_8M;
		if (p->vmalloc_end && p->vmalloc_end < fixtop) {
			add_region(a, "fixmap", "fixmap, below FIXADDR_TOP = VMEMMAP_START - 32M",
				   p->vmalloc_end, fixtop - 1, "VMEMMAP_START", false);
			add_region(a, "guard", "unused", fixtop, pci_end - SZ_16M - 1, "VMEMMAP_START", true);
			add_region(a, "PCI I/O", "PCI I/O space (16M)", pci_end - SZ_16M, pci_end - 1,
				   "VMEMMAP_START", false);
			add_region(a, "guard", "unused", pci_end, p->vmemmap_start - 1, "VMEMMAP_START", true);
		}
		if (p->vmemmap_end)
			add_region(a, "top hole", "unused", p->vmemmap_end, UINT64_MAX, vmci, true);
	}
	qsort(a->regions, a->nregions, sizeof(a->regions[0]), region_cmp);
	for (size_t i = 0; i + 1 < a->nregions; i++)
		if (a->regions[i].last >= a->regions[i + 1].start)
			a->regions[i].last = a->regions[i + 1].start - 1;
}

static size_t a64_regions(void *state, const struct kd_vm_region **ret)
{
	struct a64 *a = state;
	*ret = a->regions;
	return a->nregions;
}

static void a64_info(void *state, struct kd_vm_info *r)
{
	struct a64 *a = state;
	memset(r, 0, sizeof(*r));
	r->arch = "aarch64";
	r->levels = a->levels;
	r->va_bits = a->p.va_bits_actual;
	r->kernel_root = a->p.kernel_root;
	r->kernel_root_va = a->p.kernel_root_va;
	r->kernel_root_name = "swapper_pg_dir";
	r->user_end = a->user_top;
	r->phys_base = a->p.phys_offset;
	r->kernel_offset = a->p.kernel_offset;
	r->page_offset = a->p.page_offset;
	r->bases_source = a->layout_source;
	r->root_shared_offset = 0; // TTBR0 and TTBR1: user tables share nothing with the kernel's
	r->root_table_size = 8ull << index_bits(a, 0);
	r->entry_addr_mask = a->oa_mask;
	for (unsigned i = 0; i < a->levels; i++)
		r->level_names[i] = a->names[i];
	r->page_shift = a->p.page_shift;
	r->root_reg = "TTBR0_EL1";
	r->kernel_root_reg = "TTBR1_EL1";
	r->image_voffset = a->p.kimage_voffset;
	r->block_desc = "bit 1 (table) is clear: a block entry";
	r->sign_desc = "all ones select TTBR1_EL1 (the kernel's tables), all zeros\n"
		       "  TTBR0_EL1 (the process's); a pointer signed by pointer authentication\n"
		       "  carries its code there, which is set back to ones first";
	r->swap_desc = "type = bits 7..3, offset = bits 57..8";
}

/* ---- set-up ------------------------------------------------------------------------- */

// Is va mapped at va - kimage_voffset?
static bool in_kimage(struct a64 *a, uint64_t va)
{
	struct xlat r;
	struct kd_error *err = walk_core(a, NULL, va, NULL, NULL, &r);
	kd_error_destroy(r.read_err);
	kd_error_destroy(err);
	return !err && r.state == KD_WALK_PAGE && r.pa == va - a->p.kimage_voffset;
}

// The kernel image's runs of pages mapped at va - kimage_voffset, from
// _stext up: text, rodata and data are mapped separately (map_kernel() in
// arch/arm64/mm/mmu.c) and the freed init sections may leave a hole.  The
// scan stops at the first page mapped elsewhere or after 64 MiB unmapped.
// Below _stext, the image header (_text) is mapped too from 6.x on (6.1
// maps from _stext): the pages mapped there the same way, up to 2 MiB, start
// the first run.
static void find_kimage(struct a64 *a)
{
	a->nimg = 0;
	if (!a->p.stext || !is_kernel_va(a, a->p.stext))
		return;
	uint64_t lo = a->p.stext & ~(a->granule - 1);
	for (uint64_t below = 0; below < (2ull << 20) && in_kimage(a, lo - a->granule); below += a->granule)
		lo -= a->granule;
	uint64_t va = lo, gap = 0;
	bool open = false;
	for (int guard = 0; guard < 1 << 20 && va >= lo && gap < (64ull << 20); guard++) {
		struct xlat r;
		struct kd_error *err = walk_core(a, NULL, va, NULL, NULL, &r);
		kd_error_destroy(r.read_err);
		if (err) {
			kd_error_destroy(err);
			break;
		}
		if (r.state == KD_WALK_PAGE) {
			if (r.pa != va - a->p.kimage_voffset)
				break;
			if (!open) {
				if (a->nimg == MAX_IMG_RUNS)
					break;
				a->img[a->nimg++] = (struct range){ va, va };
				open = true;
			}
			uint64_t next = (va & ~(r.size - 1)) + r.size;
			a->img[a->nimg - 1].end = next;
			gap = 0;
			va = next;
		} else {
			open = false;
			uint64_t span = 1ull << a->shifts[r.depth];
			uint64_t next = (va & ~(span - 1)) + span;
			gap += next - va;
			va = next;
		}
	}
}

struct kd_error *kd_aarch64_create(const struct kd_aarch64_params *p, kd_phys_read_fn *read,
				   void *arg, void **state_ret)
{
	unsigned g = p->page_shift;
	if (g != 12 && g != 14 && g != 16)
		return kd_error_create(KD_ERR_UNSUPPORTED, "aarch64 page size %llu is not 4, 16 or 64 KiB",
				       g < 32 ? 1ull << g : 0ull);
	if (p->va_bits < 36 || p->va_bits > 52)
		return kd_error_create(KD_ERR_CORRUPT, "implausible VA_BITS %u", p->va_bits);
	struct a64 *a = calloc(1, sizeof(*a));
	if (!a)
		return &kd_enomem;
	a->p = *p;
	a->read = read;
	a->arg = arg;
	if (!a->p.va_bits_actual || a->p.va_bits_actual > a->p.va_bits)
		a->p.va_bits_actual = a->p.va_bits;
	a->granule = 1ull << g;
	unsigned per = g - 3;
	a->levels = (p->va_bits - g + per - 1) / per;
	if (a->levels < 2 || a->levels > MAX_LEVELS) {
		unsigned levels = a->levels;
		free(a);
		return kd_error_create(KD_ERR_UNSUPPORTED, "%u-level aarch64 tables", levels);
	}
	for (unsigned d = 0; d < a->levels; d++)
		a->shifts[d] = g + per * (a->levels - 1 - d);
	a->names = a->levels == 4 ? names4 : a->levels == 3 ? names3 : names2;
	a->oa_mask = OA_MASK_48 & ~(a->granule - 1);
	a->lpa = g == 16 && p->max_physmem_bits == 52;
	a->user_top = 1ull << a->p.va_bits_actual;
	a->kernel_bottom = ~0ull << a->p.va_bits_actual;
	// memory.h: PAGE_OFFSET = -(1 << VA_BITS), PAGE_END = -(1 << (min(VA_BITS, 48) - 1)).
	if (!a->p.page_offset) {
		unsigned min = p->va_bits > 48 ? 48 : p->va_bits;
		a->p.page_offset = ~0ull << p->va_bits;
		a->page_end = ~0ull << (min - 1);
	}
	if (p->phys_end > p->phys_offset) {
		a->ram[0] = (struct range){ p->phys_offset, p->phys_end };
		a->nram = 1;
	}
	find_kimage(a);
	build_regions(a);
	*state_ret = a;
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

// Which linear-map layout: since 5.4 the linear map is the bottom half of
// the kernel's space (PAGE_OFFSET = -(1 << VA_BITS)), before it the top half
// (-(1 << (VA_BITS - 1))).  The one whose walk maps the first RAM page
// where the conversion says wins.
static void pick_linear_map(struct a64 *a)
{
	if (!a->nram)
		return;
	uint64_t ram0 = a->ram[0].start;
	if (ram0 < a->p.phys_offset)
		return;
	const uint64_t cand[2][2] = {
		{ ~0ull << a->p.va_bits, ~0ull << ((a->p.va_bits > 48 ? 48 : a->p.va_bits) - 1) },
		{ ~0ull << (a->p.va_bits - 1), 0 },
	};
	for (int i = 0; i < 2; i++) {
		uint64_t va = cand[i][0] + (ram0 - a->p.phys_offset), pa;
		struct kd_error *err = a64_translate(a, NULL, va, KD_XLAT_WALK, &pa, NULL);
		if (!err && pa == ram0) {
			a->p.page_offset = cand[i][0];
			a->page_end = cand[i][1];
			return;
		}
		kd_error_destroy(err);
	}
}

static struct kd_error *a64_init(const struct kd_arch_ctx *ctx, void **state_ret)
{
	struct kd_aarch64_params p = { 0 };
	uint64_t pagesize = 0, va_bits = 0, t1sz = 0, physbits = 0, root_va = 0;
	struct kd_error *err;
	if ((err = vmci_number(ctx, "PAGESIZE", true, &pagesize)) ||
	    (err = vmci_number(ctx, "NUMBER(VA_BITS)", true, &va_bits)) ||
	    (err = vmci_number(ctx, "NUMBER(kimage_voffset)", true, &p.kimage_voffset)) ||
	    (err = vmci_number(ctx, "NUMBER(PHYS_OFFSET)", true, &p.phys_offset)) ||
	    (err = vmci_number(ctx, "SYMBOL(swapper_pg_dir)", true, &root_va)) ||
	    (err = vmci_number(ctx, "NUMBER(TCR_EL1_T1SZ)", false, &t1sz)) ||
	    (err = vmci_number(ctx, "NUMBER(MAX_PHYSMEM_BITS)", false, &physbits)) ||
	    (err = vmci_number(ctx, "KERNELOFFSET", false, &p.kernel_offset)) ||
	    (err = vmci_number(ctx, "NUMBER(KERNELPACMASK)", false, &p.pac_mask)) ||
	    (err = vmci_number(ctx, "SYMBOL(_stext)", false, &p.stext)) ||
	    (err = vmci_number(ctx, "NUMBER(MODULES_VADDR)", false, &p.modules_vaddr)) ||
	    (err = vmci_number(ctx, "NUMBER(MODULES_END)", false, &p.modules_end)) ||
	    (err = vmci_number(ctx, "NUMBER(VMALLOC_START)", false, &p.vmalloc_start)) ||
	    (err = vmci_number(ctx, "NUMBER(VMALLOC_END)", false, &p.vmalloc_end)) ||
	    (err = vmci_number(ctx, "NUMBER(VMEMMAP_START)", false, &p.vmemmap_start)) ||
	    (err = vmci_number(ctx, "NUMBER(VMEMMAP_END)", false, &p.vmemmap_end)))
		return kd_error_prefix(err, "aarch64 translation");
	unsigned shift = 0;
	while (shift < 63 && (1ull << shift) < pagesize)
		shift++;
	if ((1ull << shift) != pagesize)
		return kd_error_create(KD_ERR_CORRUPT, "PAGESIZE %" PRIu64 " is not a power of two", pagesize);
	if (t1sz && (t1sz < 12 || t1sz > 39))
		return kd_error_create(KD_ERR_CORRUPT, "implausible TCR_EL1_T1SZ %" PRIu64, t1sz);
	if (physbits && (physbits < 32 || physbits > 52))
		return kd_error_create(KD_ERR_CORRUPT, "implausible MAX_PHYSMEM_BITS %" PRIu64, physbits);
	p.page_shift = shift;
	p.va_bits = (unsigned)va_bits;
	p.va_bits_actual = t1sz ? 64 - (unsigned)t1sz : 0;
	p.max_physmem_bits = (unsigned)physbits;
	p.kernel_root_va = root_va;
	p.kernel_root = root_va - p.kimage_voffset; // __pa_symbol(swapper_pg_dir)
	uint64_t stext = p.stext;
	p.stext = 0; // the image runs are found once the layout is known
	void *state;
	if ((err = kd_aarch64_create(&p, ctx->read_phys, ctx->arg, &state)))
		return err;
	struct a64 *a = state;
	a->layout_source = "VMCOREINFO";
	size_t n = ctx->phys_range_count && ctx->phys_range ? ctx->phys_range_count(ctx->arg) : 0;
	a->nram = 0;
	for (size_t i = 0; i < n && a->nram < MAX_RAM; i++) {
		const struct kd_phys_range *r = ctx->phys_range(ctx->arg, i);
		a->ram[a->nram++] = (struct range){ r->start, r->start + r->size };
	}
	pick_linear_map(a);
	a->p.stext = stext;
	find_kimage(a);
	build_regions(a);
	*state_ret = a;
	return NULL;
}

static void a64_fini(void *state)
{
	struct a64 *a = state;
	if (a)
		kd_arch_empty_free(&a->empty);
	free(state);
}

// struct user_pt_regs (arch/arm64/include/uapi/asm/ptrace.h) as pr_reg of
// struct elf_prstatus (include/uapi/linux/elfcore.h): pr_pid at 32, pr_reg
// at 112, 34 registers (x0-x30, sp, pc, pstate).
static const char *const aarch64_regs[] = {
	"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10", "x11",
	"x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
	"x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",  "pc",  "pstate",
};

static const struct kd_arch_info aarch64_info = {
	.name = "aarch64",
	.e_machine = EM_AARCH64,
	.word_size = 8,
	.disasm = KD_DISASM_AARCH64,
	.reg_names = aarch64_regs,
	.prstatus = { .size = 112 + 34 * 8, .pid_off = 32, .reg_off = 112, .nregs = 34, .pc = 32, .sp = 31 },
};

const struct kd_arch_ops kd_arch_aarch64 = {
	.info = &aarch64_info,
	.page_sizes = page_sizes_all,
	.init = a64_init,
	.translate = a64_translate,
	.walk = a64_walk,
	.pte_flags = a64_pte_flags,
	.pte_swap = a64_pte_swap,
	.swap_layouts = 2,
	.pte_swap_layout = a64_pte_swap_layout,
	.regions = a64_regions,
	.info_get = a64_info,
	.next_mapped = a64_next_mapped,
	.fini = a64_fini,
	.unwinder = &kd_aarch64_unwinder,
};
