// SPDX-License-Identifier: GPL-3.0-or-later
// The aarch64 walker on synthetic page tables built in a fake physical
// memory: 4 KiB pages with 48-bit VAs (4 levels), 16 KiB with 47 and 48
// bits (3 and 4 levels), 64 KiB with 42 bits (2 levels) and 52 bits with
// LPA output addresses; pages, blocks, contiguous entries, invalid and swap
// entries, user tables (TTBR0), PAC-signed kernel pointers, the walk
// callback, next_mapped and the two fast paths.  The expected level shifts
// are written out per geometry (Arm ARM D8.2), not computed.
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../arch/aarch64.h"

enum { MAXPAGES = 64 };

struct fake {
	uint64_t granule;
	uint64_t pa[MAXPAGES];
	uint8_t *page[MAXPAGES];
	unsigned n;
	uint64_t next_table; // allocator for new tables
};

static uint64_t *fake_page(struct fake *f, uint64_t pa)
{
	for (unsigned i = 0; i < f->n; i++)
		if (f->pa[i] == pa)
			return (uint64_t *)f->page[i];
	ck_assert_uint_lt(f->n, MAXPAGES);
	f->pa[f->n] = pa;
	f->page[f->n] = calloc(1, f->granule);
	return (uint64_t *)f->page[f->n++];
}

static struct kd_error *fake_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	struct fake *f = arg;
	uint64_t base = pa & ~(f->granule - 1);
	for (unsigned i = 0; i < f->n; i++)
		if (f->pa[i] == base && (pa - base) + len <= f->granule) {
			memcpy(buf, f->page[i] + (pa - base), len);
			return NULL;
		}
	return kd_error_addr(KD_ERR_FAULT, pa, "physical address 0x%llx is not in the dump",
			     (unsigned long long)pa);
}

static void fake_free(struct fake *f)
{
	for (unsigned i = 0; i < f->n; i++)
		free(f->page[i]);
}

struct geom {
	unsigned page_shift, va_bits, levels;
	unsigned shifts[4];
	unsigned top_bits; // index bits of the top level
};

static const struct geom G4K48 = { 12, 48, 4, { 39, 30, 21, 12 }, 9 };
static const struct geom G16K47 = { 14, 47, 3, { 36, 25, 14 }, 11 };
static const struct geom G16K48 = { 14, 48, 4, { 47, 36, 25, 14 }, 1 };
static const struct geom G64K42 = { 16, 42, 2, { 29, 16 }, 13 };
static const struct geom G64K52 = { 16, 52, 3, { 42, 29, 16 }, 10 };

// The output-address field of a descriptor: bits 47..page_shift, and with
// 64 KiB pages and 52-bit PAs, PA bits 51..48 in descriptor bits 15..12.
static uint64_t desc_oa(const struct geom *g, uint64_t pa)
{
	uint64_t d = pa & 0x0000ffffffffffffull & ~((1ull << g->page_shift) - 1);
	if (g->page_shift == 16)
		d |= (pa >> 48 & 0xf) << 12;
	return d;
}

// Map va at depth leaf_d (levels-1: a page; above: a block) to pa with
// attribute bits attr, creating tables from f->next_table.
static void map(struct fake *f, const struct geom *g, uint64_t root, uint64_t va, unsigned leaf_d,
		uint64_t pa, uint64_t attr)
{
	uint64_t table = root;
	for (unsigned d = 0;; d++) {
		unsigned bits = d == 0 ? g->top_bits : g->page_shift - 3;
		unsigned idx = (unsigned)((va >> g->shifts[d]) & ((1ull << bits) - 1));
		uint64_t *t = fake_page(f, table);
		if (d == leaf_d) {
			uint64_t type = d == g->levels - 1 ? 3 : 1; // page : block
			t[idx] = desc_oa(g, pa) | attr | type;
			return;
		}
		if (!(t[idx] & 1)) {
			t[idx] = desc_oa(g, f->next_table) | 3;
			fake_page(f, f->next_table);
			f->next_table += f->granule;
		}
		uint64_t e = t[idx];
		table = (e & 0x0000ffffffffffffull & ~(f->granule - 1)) |
			(g->page_shift == 16 ? (e >> 12 & 0xf) << 48 : 0);
	}
}

static void *create(struct fake *f, const struct geom *g, uint64_t root,
		    struct kd_aarch64_params *extra)
{
	struct kd_aarch64_params p = { 0 };
	if (extra)
		p = *extra;
	p.page_shift = g->page_shift;
	p.va_bits = g->va_bits;
	p.kernel_root = root;
	p.max_physmem_bits = g->va_bits == 52 ? 52 : 48;
	void *st = NULL;
	struct kd_error *err = kd_aarch64_create(&p, fake_read, f, &st);
	ck_assert_ptr_null(err);
	return st;
}

static uint64_t xlat(void *st, const struct kd_as *as, uint64_t va, uint64_t *size)
{
	uint64_t pa = 0;
	struct kd_error *err = kd_arch_aarch64.translate(st, as, va, KD_XLAT_WALK, &pa, size);
	ck_assert_msg(!err, "translate 0x%llx: %s", (unsigned long long)va, err ? err->msg : "");
	return pa;
}

static enum kd_errcode xlat_fails(void *st, const struct kd_as *as, uint64_t va)
{
	uint64_t pa;
	struct kd_error *err = kd_arch_aarch64.translate(st, as, va, KD_XLAT_WALK, &pa, NULL);
	ck_assert_ptr_nonnull(err);
	enum kd_errcode c = err->code;
	kd_error_destroy(err);
	return c;
}

struct seen {
	unsigned n;
	struct kd_walk_level l[4];
};

static struct kd_error *record(const struct kd_walk_level *l, void *arg)
{
	struct seen *s = arg;
	ck_assert_uint_lt(s->n, 4);
	s->l[s->n++] = *l;
	return NULL;
}

// One geometry: a page, a block at each level that may hold one, an
// invalid entry, a user page, the walk callback.
static void geometry(const struct geom *g, uint64_t kva)
{
	struct fake f = { .granule = 1ull << g->page_shift, .next_table = 0x100000 };
	uint64_t root = 0x10000, uroot = 0x20000;
	uint64_t gran = f.granule;
	map(&f, g, root, kva, g->levels - 1, 0x40000000 + 5 * gran, 0x700);
	void *st = create(&f, g, root, NULL);
	uint64_t size;
	ck_assert_uint_eq(xlat(st, NULL, kva + 17, &size), 0x40000000 + 5 * gran + 17);
	ck_assert_uint_eq(size, gran);
	// A block one level up: 2 MiB (4K), 32 MiB (16K), 512 MiB (64K).
	unsigned bd = g->levels - 2;
	uint64_t bsize = 1ull << g->shifts[bd];
	uint64_t bva = (kva & ~(bsize - 1)) + 4 * bsize, bpa = 0x80000000ull - bsize;
	bpa &= ~(bsize - 1);
	map(&f, g, root, bva, bd, bpa, 0x700);
	ck_assert_uint_eq(xlat(st, NULL, bva + 0x1234, &size), bpa + 0x1234);
	ck_assert_uint_eq(size, bsize);
	// Not mapped: the next page.
	ck_assert_int_eq(xlat_fails(st, NULL, kva + gran), KD_ERR_FAULT);
	// User space through TTBR0 (the kernel's tables do not map it).
	uint64_t uva = 0x0000aaaa00000000ull & ((1ull << g->va_bits) - 1) & ~(gran - 1);
	map(&f, g, uroot, uva, g->levels - 1, 0x50000000, 0x740);
	struct kd_as as = { .kind = KD_AS_USER, .pgd = uroot | (7ull << 48) }; // ASID bits ignored
	ck_assert_uint_eq(xlat(st, &as, uva + 3, NULL), 0x50000000 + 3);
	ck_assert_int_eq(xlat_fails(st, NULL, uva), KD_ERR_FAULT);
	// The kernel half from a user address space: TTBR1 still.
	ck_assert_uint_eq(xlat(st, &as, kva, NULL), 0x40000000 + 5 * gran);
	// The walk: one callback per level, top first, with the VA bits.
	struct seen s = { 0 };
	ck_assert_ptr_null(kd_arch_aarch64.walk(st, NULL, kva, record, &s));
	ck_assert_uint_eq(s.n, g->levels);
	for (unsigned d = 0; d < g->levels; d++) {
		ck_assert_uint_eq(s.l[d].va_lo, g->shifts[d]);
		ck_assert_uint_eq(s.l[d].va_hi,
				  g->shifts[d] + (d == 0 ? g->top_bits : g->page_shift - 3) - 1);
		ck_assert_int_eq(s.l[d].state, d == g->levels - 1 ? KD_WALK_PAGE : KD_WALK_TABLE);
	}
	ck_assert_str_eq(s.l[g->levels - 1].name, "PTE");
	ck_assert_str_eq(s.l[0].name, "PGD");
	ck_assert_uint_eq(s.l[g->levels - 1].page_size, gran);
	// next_mapped from the bottom of the kernel's space finds the page.
	uint64_t mva, mpa, msize;
	ck_assert_ptr_null(kd_arch_aarch64.next_mapped(st, NULL, ~0ull << g->va_bits, 0, &mva, &mpa, &msize));
	ck_assert_uint_eq(mva, kva);
	ck_assert_uint_eq(mpa, 0x40000000 + 5 * gran);
	ck_assert_ptr_null(kd_arch_aarch64.next_mapped(st, NULL, kva + gran, 0, &mva, &mpa, &msize));
	ck_assert_uint_eq(mva, bva);
	ck_assert_uint_eq(msize, bsize);
	struct kd_vm_info info;
	kd_arch_aarch64.info_get(st, &info);
	ck_assert_uint_eq(info.levels, g->levels);
	ck_assert_uint_eq(info.root_table_size, 8ull << g->top_bits);
	kd_arch_aarch64.fini(st);
	fake_free(&f);
}

#define K48 0xffff800008000000ull
START_TEST(g4k_48) { geometry(&G4K48, K48); }
END_TEST
START_TEST(g16k_47) { geometry(&G16K47, 0xffffc00008000000ull); }
END_TEST
START_TEST(g16k_48) { geometry(&G16K48, K48); }
END_TEST
START_TEST(g64k_42) { geometry(&G64K42, 0xfffffe0008000000ull); }
END_TEST
START_TEST(g64k_52) { geometry(&G64K52, 0xfff8000008000000ull); }
END_TEST

// 64 KiB pages with 52-bit physical addresses: PA bits 51..48 come from
// descriptor bits 15..12.
START_TEST(lpa)
{
	const struct geom *g = &G64K52;
	struct fake f = { .granule = 1ull << 16, .next_table = 0x100000 };
	uint64_t va = 0xfff8000008000000ull, pa = 0x000a000012340000ull;
	map(&f, g, 0x10000, va, 2, pa, 0x700);
	void *st = create(&f, g, 0x10000, NULL);
	ck_assert_uint_eq(xlat(st, NULL, va + 0x10, NULL), pa + 0x10);
	kd_arch_aarch64.fini(st);
	fake_free(&f);
}
END_TEST

// Contiguous entries: each still holds its own output address.
START_TEST(contiguous)
{
	const struct geom *g = &G4K48;
	struct fake f = { .granule = 4096, .next_table = 0x100000 };
	for (int i = 0; i < 16; i++)
		map(&f, g, 0x10000, K48 + i * 4096ull, 3, 0x40010000 + i * 4096ull, 1ull << 52 | 0x700);
	void *st = create(&f, g, 0x10000, NULL);
	ck_assert_uint_eq(xlat(st, NULL, K48 + 7 * 4096 + 5, NULL), 0x40017005);
	char buf[128];
	kd_arch_aarch64.pte_flags(0x0060000040017fc3ull | 1ull << 52, buf, sizeof(buf));
	ck_assert_str_eq(buf, "VALID|USER|RDONLY|SHARED|AF|NG|CONT|PXN|UXN");
	kd_arch_aarch64.pte_flags(0x00e8000042000701ull, buf, sizeof(buf));
	ck_assert_str_eq(buf, "VALID|BLOCK|SHARED|AF|DBM|PXN|UXN|DIRTY");
	kd_arch_aarch64.fini(st);
	fake_free(&f);
}
END_TEST

// Swap entries (pgtable.h): type in bits 3-7, offset in bits 8-57; a
// PROT_NONE or valid entry is none.
START_TEST(swap)
{
	uint64_t t, o;
	ck_assert(kd_arch_aarch64.pte_swap(3ull << 3 | 0x1234ull << 8, &t, &o));
	ck_assert_uint_eq(t, 3);
	ck_assert_uint_eq(o, 0x1234);
	ck_assert(!kd_arch_aarch64.pte_swap(0, &t, &o));
	ck_assert(!kd_arch_aarch64.pte_swap(1ull << 58 | 0x100, &t, &o));
	ck_assert(!kd_arch_aarch64.pte_swap(0x40000703, &t, &o));
}
END_TEST

// Fast paths, PAC stripping and the address-space checks.
START_TEST(fast_and_pac)
{
	const struct geom *g = &G4K48;
	struct fake f = { .granule = 4096, .next_table = 0x100000 };
	uint64_t voff = 0xffff7fffc8000000ull; // kimage_voffset: image va - pa
	uint64_t stext = 0xffff800008010000ull;
	// The image: two pages at stext, a hole, a page.
	map(&f, g, 0x10000, stext, 3, stext - voff, 0x700);
	map(&f, g, 0x10000, stext + 4096, 3, stext + 4096 - voff, 0x700);
	map(&f, g, 0x10000, stext + 5 * 4096, 3, stext + 5 * 4096 - voff, 0x700);
	map(&f, g, 0x10000, stext + 6 * 4096, 3, 0x7000000, 0x700); // mapped elsewhere: the end
	struct kd_aarch64_params p = { .kimage_voffset = voff, .stext = stext,
				       .phys_offset = 0x40000000, .phys_end = 0x60000000,
				       .pac_mask = 0xff7f000000000000ull };
	void *st = create(&f, g, 0x10000, &p);
	uint64_t pa;
	// Kernel image runs: [stext, +2 pages) and [+5, +6 pages).
	ck_assert_ptr_null(kd_arch_aarch64.translate(st, NULL, stext + 4100, KD_XLAT_FAST, &pa, NULL));
	ck_assert_uint_eq(pa, stext + 4100 - voff);
	struct kd_error *err = kd_arch_aarch64.translate(st, NULL, stext + 2 * 4096, KD_XLAT_FAST, &pa, NULL);
	ck_assert_ptr_nonnull(err);
	kd_error_destroy(err);
	ck_assert_ptr_null(kd_arch_aarch64.translate(st, NULL, stext + 5 * 4096, KD_XLAT_FAST, &pa, NULL));
	err = kd_arch_aarch64.translate(st, NULL, stext + 6 * 4096, KD_XLAT_FAST, &pa, NULL);
	ck_assert_ptr_nonnull(err);
	kd_error_destroy(err);
	// Linear map: PAGE_OFFSET = -(1 << 48) maps PHYS_OFFSET.
	ck_assert_ptr_null(kd_arch_aarch64.translate(st, NULL, 0xffff000000123456ull, KD_XLAT_FAST, &pa, NULL));
	ck_assert_uint_eq(pa, 0x40123456);
	err = kd_arch_aarch64.translate(st, NULL, 0xffff000020000000ull, KD_XLAT_FAST, &pa, NULL);
	ck_assert_ptr_nonnull(err); // beyond RAM
	kd_error_destroy(err);
	// A PAC-signed return address: the mask's bits are set back.
	uint64_t signed_va = (stext + 8) & ~(0x35ull << 48);
	ck_assert_uint_eq(xlat(st, NULL, signed_va, NULL), stext + 8 - voff);
	// Not canonical, and a kernel address below the TTBR1 range.
	ck_assert_int_eq(xlat_fails(st, NULL, 0x0001000000000000ull), KD_ERR_FAULT);
	ck_assert_int_eq(xlat_fails(st, NULL, 0xfffe000000000000ull & ~(1ull << 55)), KD_ERR_FAULT);
	// Layout: the image region and the linear map.
	const struct kd_vm_region *r;
	size_t n = kd_arch_aarch64.regions(st, &r);
	bool img = false, lm = false;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(r[i].name, "kernel image")) {
			img = true;
			ck_assert_uint_eq(r[i].start, stext);
			ck_assert_uint_eq(r[i].last, stext + 6 * 4096 - 1);
		}
		if (!strcmp(r[i].name, "linear map")) {
			lm = true;
			ck_assert_uint_eq(r[i].start, 0xffff000000000000ull);
			ck_assert_uint_eq(r[i].last, 0xffff7fffffffffffull);
		}
		if (i)
			ck_assert_uint_gt(r[i].start, r[i - 1].last);
	}
	ck_assert(img && lm);
	kd_arch_aarch64.fini(st);
	fake_free(&f);
}
END_TEST

START_TEST(bad_params)
{
	struct kd_aarch64_params p = { .page_shift = 13, .va_bits = 48 };
	void *st;
	struct kd_error *err = kd_aarch64_create(&p, fake_read, NULL, &st);
	ck_assert_ptr_nonnull(err);
	kd_error_destroy(err);
	p.page_shift = 12;
	p.va_bits = 70;
	err = kd_aarch64_create(&p, fake_read, NULL, &st);
	ck_assert_ptr_nonnull(err);
	kd_error_destroy(err);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("aarch64");
	TCase *tc = tcase_create("walk");
	tcase_add_test(tc, g4k_48);
	tcase_add_test(tc, g16k_47);
	tcase_add_test(tc, g16k_48);
	tcase_add_test(tc, g64k_42);
	tcase_add_test(tc, g64k_52);
	tcase_add_test(tc, lpa);
	tcase_add_test(tc, contiguous);
	tcase_add_test(tc, swap);
	tcase_add_test(tc, fast_and_pac);
	tcase_add_test(tc, bad_params);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
