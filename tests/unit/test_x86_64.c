// SPDX-License-Identifier: GPL-3.0-or-later
// The x86_64 walker on synthetic page tables: tables are built in a fake
// physical memory and read through the backend's read callback, so no dump
// is needed.  4- and 5-level paging, 1 GiB / 2 MiB / 4 KiB pages, not
// present and swap entries, the per-level walk callback, next_mapped, the
// fast paths and the TLB.
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../arch/x86_64.h"
#include "../../shell/core/vm.h"

enum { MAXPAGES = 32 };

struct fake {
	uint64_t pa[MAXPAGES];
	uint64_t page[MAXPAGES][512];
	unsigned n;
	unsigned reads;
};

static uint64_t *fake_page(struct fake *f, uint64_t pa)
{
	for (unsigned i = 0; i < f->n; i++)
		if (f->pa[i] == pa)
			return f->page[i];
	ck_assert_uint_lt(f->n, MAXPAGES);
	f->pa[f->n] = pa;
	memset(f->page[f->n], 0, sizeof(f->page[0]));
	return f->page[f->n++];
}

static struct kd_error *fake_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	struct fake *f = arg;
	f->reads++;
	uint64_t base = pa & ~0xfffull;
	for (unsigned i = 0; i < f->n; i++) {
		if (f->pa[i] == base && (pa & 0xfff) + len <= 4096) {
			memcpy(buf, (char *)f->page[i] + (pa & 0xfff), len);
			return NULL;
		}
	}
	return kd_error_addr(KD_ERR_FAULT, pa, "physical address 0x%llx is not in the dump",
			     (unsigned long long)pa);
}

// Set the entry for va at depth d (0 = top) in a table at pa.
static void set(struct fake *f, uint64_t table, unsigned shift, uint64_t va, uint64_t val)
{
	fake_page(f, table)[(va >> shift) & 511] = val;
}

// Swap entry as arch/x86/include/asm/pgtable_64.h encodes it.
static uint64_t swp(uint64_t type, uint64_t off)
{
	return (~off << 14 >> 5) | (type << 59);
}

enum { ROOT = 0x1000, T1 = 0x2000, T2 = 0x3000, T3 = 0x4000, U1 = 0x6000, U2 = 0x7000, U3 = 0x8000,
       U4 = 0x9000 };
#define KTEXT 0xffffffff81000000ull
#define DMAP4 0xffff888000000000ull
#define DMAP5 0xff11000000000000ull
#define UVA 0x00007f0000001000ull

// Build: kernel text 2 MiB at 16 MiB, direct map 1 GiB page at physical 0,
// user 4 KiB page at 0x5000, a swap entry, an empty PTE.  With la57, one
// more level (P4D) under each top entry.
static void *build(struct fake *f, bool la57)
{
	memset(f, 0, sizeof(*f));
	const unsigned *sh;
	static const unsigned s4[] = { 39, 30, 21, 12 }, s5[] = { 48, 39, 30, 21, 12 };
	sh = la57 ? s5 : s4;
	unsigned top = 0;
	uint64_t dmap = la57 ? DMAP5 : DMAP4;
	// Kernel text: root -> T1 [-> extra] -> T2 (PUD) -> T3 (PMD) 2M leaf.
	uint64_t pud_k = T2, pmd_k = T3;
	if (la57) {
		set(f, ROOT, sh[top], KTEXT, 0x10000 | 0x63);
		set(f, 0x10000, sh[1], KTEXT, T1 | 0x63);
	} else {
		set(f, ROOT, sh[top], KTEXT, T1 | 0x63);
	}
	set(f, T1, 30, KTEXT, pud_k | 0x63);
	(void)pud_k;
	fake_page(f, T2);
	set(f, T2, 21, KTEXT, 0x1000000 | 0x1e1 | (1ull << 63)); // PSE|GLOBAL|DIRTY|ACCESSED|P
	(void)pmd_k;
	// T1's entry for KTEXT is the PUD table; fix: T1 is PUD-level table.
	// Direct map: a 1 GiB page at physical 0.
	if (la57) {
		set(f, ROOT, sh[top], dmap, 0x11000 | 0x63);
		set(f, 0x11000, sh[1], dmap, 0x12000 | 0x63);
		set(f, 0x12000, 30, dmap, 0x0 | 0xe3);
	} else {
		set(f, ROOT, sh[top], dmap, 0x11000 | 0x63);
		set(f, 0x11000, 30, dmap, 0x0 | 0xe3);
	}
	// User: 4 KiB pages.
	uint64_t pud_u = U1;
	if (la57) {
		set(f, ROOT, sh[top], UVA, 0x13000 | 0x67);
		set(f, 0x13000, sh[1], UVA, U1 | 0x67);
	} else {
		set(f, ROOT, sh[top], UVA, U1 | 0x67);
	}
	set(f, pud_u, 30, UVA, U2 | 0x67);
	set(f, U2, 21, UVA, U3 | 0x67);
	set(f, U3, 12, UVA, 0x5000 | 0x67 | (1ull << 63));
	set(f, U3, 12, UVA + 0x1000, swp(3, 0x1234));
	set(f, U3, 12, UVA + 0x2000, 0);
	fake_page(f, 0x5000);
	(void)U4;
	struct kd_x86_64_params p = {
		.la57 = la57,
		.kernel_root = ROOT,
		.kernel_root_va = 0xffffffff82000000ull,
		.phys_base = 0,
		.kernel_image_size = 1ull << 30,
		.stext = KTEXT,
		.phys_end = 1ull << 30,
	};
	void *st;
	ck_assert_ptr_null(kd_x86_64_create(&p, fake_read, f, &st));
	return st;
}

struct rec {
	struct kd_walk_level l[8];
	unsigned n;
};

static struct kd_error *rec_cb(const struct kd_walk_level *lvl, void *arg)
{
	struct rec *r = arg;
	if (r->n < 8)
		r->l[r->n++] = *lvl;
	return NULL;
}

static void check_xlat(void *st, const struct kd_as *as, uint64_t va, uint64_t pa, uint64_t size)
{
	uint64_t got, gsize;
	struct kd_error *err = kd_arch_x86_64.translate(st, as, va, KD_XLAT_WALK, &got, &gsize);
	ck_assert_msg(!err, "translate %llx: %s", (unsigned long long)va, err ? err->msg : "");
	ck_assert_uint_eq(got, pa);
	ck_assert_uint_eq(gsize, size);
}

static void paging(bool la57)
{
	struct fake *f = malloc(sizeof(*f));
	void *st = build(f, la57);
	struct kd_as user = { .kind = KD_AS_USER, .pgd = ROOT | 0x5 /* PCID bits */ };
	uint64_t dmap = la57 ? DMAP5 : DMAP4;
	check_xlat(st, NULL, KTEXT + 0x1234, 0x1001234, 2u << 20);
	check_xlat(st, NULL, dmap + 0x12345678, 0x12345678, 1u << 30);
	check_xlat(st, &user, UVA + 0x10, 0x5010, 4096);

	// Not mapped: the error names the level and the entry.
	uint64_t pa;
	struct kd_error *err = kd_arch_x86_64.translate(st, &user, UVA + 0x2000, KD_XLAT_WALK, &pa, NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_FAULT);
	ck_assert_msg(strstr(err->msg, "not mapped: PTE entry 3 at physical 0x8018"), "%s", err->msg);
	kd_error_destroy(err);
	err = kd_arch_x86_64.translate(st, &user, UVA + 0x1000, KD_XLAT_WALK, &pa, NULL);
	ck_assert_msg(err && strstr(err->msg, "swap entry (type 3, offset 0x1234)"), "%s", err ? err->msg : "");
	kd_error_destroy(err);
	err = kd_arch_x86_64.translate(st, NULL, 0x0100000000000000ull, KD_XLAT_WALK, &pa, NULL);
	ck_assert_msg(err && strstr(err->msg, "not a canonical address"), "%s", err ? err->msg : "");
	kd_error_destroy(err);

	// The walk callback: one call per level, top first.
	struct rec r = { .n = 0 };
	ck_assert_ptr_null(kd_arch_x86_64.walk(st, &user, UVA + 0x10, rec_cb, &r));
	ck_assert_uint_eq(r.n, la57 ? 5 : 4);
	ck_assert_str_eq(r.l[0].name, "PGD");
	ck_assert_str_eq(r.l[r.n - 1].name, "PTE");
	if (la57)
		ck_assert_str_eq(r.l[1].name, "P4D");
	ck_assert_uint_eq(r.l[0].table, ROOT);
	ck_assert_uint_eq(r.l[0].va_hi, la57 ? 56 : 47);
	ck_assert_uint_eq(r.l[0].va_lo, la57 ? 48 : 39);
	ck_assert_uint_eq(r.l[0].index, (UVA >> (la57 ? 48 : 39)) & 511);
	ck_assert_uint_eq(r.l[0].entry_addr, ROOT + 8 * r.l[0].index);
	ck_assert_int_eq(r.l[0].state, KD_WALK_TABLE);
	ck_assert_int_eq(r.l[r.n - 1].state, KD_WALK_PAGE);
	ck_assert_uint_eq(r.l[r.n - 1].table, U3);
	ck_assert_uint_eq(r.l[r.n - 1].index, 1);
	ck_assert_uint_eq(r.l[r.n - 1].next, 0x5000);
	ck_assert_uint_eq(r.l[r.n - 1].pa, 0x5010);
	ck_assert_uint_eq(r.l[r.n - 1].page_size, 4096);

	// A 2 MiB leaf stops at the PMD; a 1 GiB one at the PUD.
	r.n = 0;
	ck_assert_ptr_null(kd_arch_x86_64.walk(st, NULL, KTEXT, rec_cb, &r));
	ck_assert_uint_eq(r.n, la57 ? 4 : 3);
	ck_assert_str_eq(r.l[r.n - 1].name, "PMD");
	ck_assert_uint_eq(r.l[r.n - 1].page_size, 2u << 20);
	r.n = 0;
	ck_assert_ptr_null(kd_arch_x86_64.walk(st, NULL, dmap, rec_cb, &r));
	ck_assert_str_eq(r.l[r.n - 1].name, "PUD");
	ck_assert_uint_eq(r.l[r.n - 1].page_size, 1u << 30);

	// A swap entry ends the walk as not present.
	r.n = 0;
	ck_assert_ptr_null(kd_arch_x86_64.walk(st, &user, UVA + 0x1000, rec_cb, &r));
	ck_assert_int_eq(r.l[r.n - 1].state, KD_WALK_NOT_PRESENT);
	uint64_t type, off;
	ck_assert(kd_arch_x86_64.pte_swap(r.l[r.n - 1].entry, &type, &off));
	ck_assert_uint_eq(type, 3);
	ck_assert_uint_eq(off, 0x1234);
	// An unreadable table: reported at that level.
	set(f, U2, 21, UVA + (2u << 20), 0x7777000 | 0x67);
	r.n = 0;
	ck_assert_ptr_null(kd_arch_x86_64.walk(st, &user, UVA + (2u << 20), rec_cb, &r));
	ck_assert_int_eq(r.l[r.n - 1].state, KD_WALK_UNREADABLE);
	ck_assert_uint_eq(r.l[r.n - 1].table, 0x7777000);

	// next_mapped: the first user page, then the kernel text after the direct map.
	uint64_t mva, mpa, msz;
	ck_assert_ptr_null(kd_arch_x86_64.next_mapped(st, &user, 0, 0, &mva, &mpa, &msz));
	ck_assert_uint_eq(mva, UVA);
	ck_assert_uint_eq(mpa, 0x5000);
	ck_assert_uint_eq(msz, 4096);
	ck_assert_ptr_null(kd_arch_x86_64.next_mapped(st, NULL, dmap + (1ull << 30), 0, &mva, &mpa, &msz));
	ck_assert_uint_eq(mva, KTEXT);
	ck_assert_uint_eq(msz, 2u << 20);
	err = kd_arch_x86_64.next_mapped(st, NULL, KTEXT + (2u << 20), 0, &mva, &mpa, &msz);
	ck_assert(err && err->code == KD_ERR_NOTFOUND);
	kd_error_destroy(err);

	// Fast paths: kernel text (found from the tables: one 2 MiB slot) and,
	// once the bases are set, the direct map; both agree with the walk.
	unsigned before = f->reads;
	ck_assert_ptr_null(kd_arch_x86_64.translate(st, NULL, KTEXT + 0x10, KD_XLAT_FAST, &pa, NULL));
	ck_assert_uint_eq(pa, 0x1000010);
	ck_assert_uint_eq(f->reads, before);
	err = kd_arch_x86_64.translate(st, NULL, KTEXT + (2u << 20), KD_XLAT_FAST, &pa, NULL);
	ck_assert(err && err->code == KD_ERR_NOTFOUND);
	kd_error_destroy(err);
	err = kd_arch_x86_64.translate(st, NULL, dmap + 0x10, KD_XLAT_FAST, &pa, NULL);
	ck_assert(err && err->code == KD_ERR_NOTFOUND);
	kd_error_destroy(err);
	kd_x86_64_set_bases(st, dmap, 0, 0, "test");
	ck_assert_ptr_null(kd_arch_x86_64.translate(st, NULL, dmap + 0x10, KD_XLAT_FAST, &pa, NULL));
	ck_assert_uint_eq(pa, 0x10);
	const struct kd_vm_region *reg;
	size_t n = kd_arch_x86_64.regions(st, &reg);
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		if (i)
			ck_assert_uint_gt(reg[i].start, reg[i - 1].last);
		if (strcmp(reg[i].name, "direct map") == 0) {
			ck_assert_uint_eq(reg[i].start, dmap);
			found = true;
		}
	}
	ck_assert(found);
	kd_arch_x86_64.fini(st);
	free(f);
}

START_TEST(four_level) { paging(false); }
END_TEST

START_TEST(five_level) { paging(true); }
END_TEST

START_TEST(flags)
{
	char buf[128];
	kd_arch_x86_64.pte_flags(0x80000000010001e1ull, buf, sizeof(buf));
	ck_assert_str_eq(buf, "PRESENT|ACCESSED|DIRTY|PSE|GLOBAL|NX");
	kd_arch_x86_64.pte_flags(0x67 | 0x18, buf, sizeof(buf));
	ck_assert_str_eq(buf, "PRESENT|RW|USER|PWT|PCD|ACCESSED|DIRTY");
	kd_arch_x86_64.pte_flags(0x100, buf, sizeof(buf)); // not present + bit 8
	ck_assert_str_eq(buf, "PROTNONE");
	kd_arch_x86_64.pte_flags(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "no mapping");
	uint64_t t, o;
	ck_assert(!kd_arch_x86_64.pte_swap(0, &t, &o));
	ck_assert(!kd_arch_x86_64.pte_swap(0x100, &t, &o));
	ck_assert(!kd_arch_x86_64.pte_swap(0x1, &t, &o));
	ck_assert(kd_arch_x86_64.pte_swap(swp(31, 0x3ffffffffffffull), &t, &o));
	ck_assert_uint_eq(t, 31);
	ck_assert_uint_eq(o, 0x3ffffffffffffull);
}
END_TEST

START_TEST(tlb)
{
	static const uint64_t sizes[] = { 4096, 2u << 20, 1u << 30, 0 };
	struct kd_tlb t;
	kd_tlb_init(&t, sizes);
	struct kd_as u1 = { .kind = KD_AS_USER, .pgd = 0x1000 }, u2 = { .kind = KD_AS_USER, .pgd = 0x2000 };
	uint64_t pa, size;
	ck_assert(!kd_tlb_lookup(&t, NULL, KTEXT, &pa, &size));
	kd_tlb_insert(&t, NULL, KTEXT + 0x5000, 0x1005000, 2u << 20);
	// Every 4 KiB page of that 2 MiB page hits the one entry.
	for (uint64_t off = 0; off < (2u << 20); off += 4096) {
		ck_assert(kd_tlb_lookup(&t, NULL, KTEXT + off, &pa, &size));
		ck_assert_uint_eq(pa, 0x1000000 + off);
		ck_assert_uint_eq(size, 2u << 20);
	}
	ck_assert(!kd_tlb_lookup(&t, NULL, KTEXT + (2u << 20), &pa, &size));
	// Keyed by address space.
	kd_tlb_insert(&t, &u1, UVA, 0x5000, 4096);
	ck_assert(kd_tlb_lookup(&t, &u1, UVA + 8, &pa, NULL));
	ck_assert_uint_eq(pa, 0x5008);
	ck_assert(!kd_tlb_lookup(&t, &u2, UVA, &pa, NULL));
	ck_assert(!kd_tlb_lookup(&t, NULL, UVA, &pa, NULL));
	ck_assert_uint_eq(t.hits, 513);
	kd_tlb_flush(&t);
	ck_assert(!kd_tlb_lookup(&t, &u1, UVA, &pa, NULL));
}
END_TEST

/* kd_arch_read_virt (arch.c): contiguous pages in one read; a run that fails is read page by page once. */
struct runs {
	uint64_t bad_pa;   // the page no read may cover
	unsigned reads;
	size_t bytes;
};

static struct kd_error *runs_xlat(void *arg, uint64_t va, uint64_t *pa_ret)
{
	(void)arg;
	*pa_ret = va - KTEXT + 0x100000; // one physically contiguous block
	return NULL;
}

static struct kd_error *runs_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	struct runs *r = arg;
	r->reads++;
	r->bytes += len;
	if (r->bad_pa >= pa && r->bad_pa < pa + len)
		return kd_error_addr(KD_ERR_FAULT, r->bad_pa, "page 0x%llx excluded", (unsigned long long)r->bad_pa);
	memset(buf, 0x5a, len);
	return NULL;
}

START_TEST(read_virt_runs)
{
	enum { PAGES = 64 };
	static unsigned char buf[PAGES * 4096];
	struct runs r = { .bad_pa = UINT64_MAX };
	ck_assert_ptr_null(kd_arch_read_virt(runs_xlat, NULL, runs_read, &r, 4096, KTEXT + 16, buf, sizeof(buf) - 16));
	ck_assert_uint_eq(r.reads, 1);
	// The last page excluded: one try of the whole run, then each page once.
	r = (struct runs){ .bad_pa = 0x100000 + (PAGES - 1) * 4096 };
	struct kd_error *err = kd_arch_read_virt(runs_xlat, NULL, runs_read, &r, 4096, KTEXT, buf, sizeof(buf));
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->msg, "physical 0x13f000") != NULL, "%s", err->msg);
	kd_error_destroy(err);
	ck_assert_uint_eq(r.reads, 1 + PAGES);
	ck_assert_uint_eq(r.bytes, 2 * sizeof(buf));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("x86_64");
	TCase *tc = tcase_create("x86_64");
	tcase_add_test(tc, four_level);
	tcase_add_test(tc, five_level);
	tcase_add_test(tc, flags);
	tcase_add_test(tc, tlb);
	tcase_add_test(tc, read_virt_runs);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
