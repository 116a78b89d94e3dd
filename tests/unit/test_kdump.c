// SPDX-License-Identifier: GPL-3.0-or-later
// Synthetic kdump-compressed dumps for the corner cases real dumps do not
// hit: header versions 1..6 (32- and 64-bit max_mapnr), both byte orders,
// the DISKDUMP signature, every page compression, excluded pages and holes,
// wrong descriptor sizes and offsets, corrupt compressed data, lost pages;
// the flattened file layer with shuffled and overlapping records; and a
// fuzz smoke (random header/descriptor/record mutations must never crash).
// Layout written from makedumpfile's diskdump_mod.h (see shell/fmt/kdump.c).
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "config.h"
#include "core/core.h"
#ifdef HAVE_LZO2
#include <lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#define BS 4096
#define NPAGES 64
enum { C_RAW = 0, C_ZLIB = 1, C_LZO = 2, C_SNAPPY = 4, C_ZSTD = 0x20 };

struct gen {
	int version;
	bool be;
	bool diskdump;
	uint32_t comp;
	// corruption of one page's descriptor (pfn bad_pfn)
	enum { BAD_NONE, BAD_SIZE, BAD_OFFSET, BAD_DATA, BAD_LOST } bad;
	uint64_t bad_pfn;
};

static unsigned char *img;
static size_t img_len;

static void put(unsigned char *p, unsigned size, uint64_t v, bool be)
{
	for (unsigned i = 0; i < size; i++)
		p[be ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static bool excluded(uint64_t pfn) { return pfn % 5 == 3; }
static bool hole(uint64_t pfn) { return pfn >= 60; }
static bool zero(uint64_t pfn) { return pfn % 11 == 0; }

static void page_content(uint64_t pfn, unsigned char *p)
{
	for (int i = 0; i < BS; i++)
		p[i] = zero(pfn) ? 0 : (unsigned char)(i % 13 == 0 ? pfn * 7 + 1 : (uint64_t)i / 256);
}

static size_t compress_page(uint32_t comp, const unsigned char *src, unsigned char *dst, size_t cap)
{
	switch (comp) {
	case C_ZLIB: {
		uLongf n = cap;
		ck_assert_int_eq(compress2(dst, &n, src, BS, 6), Z_OK);
		return n;
	}
#ifdef HAVE_LZO2
	case C_LZO: {
		static unsigned char wrk[LZO1X_1_MEM_COMPRESS];
		lzo_uint n = cap;
		ck_assert_int_eq(lzo1x_1_compress(src, BS, dst, &n, wrk), LZO_E_OK);
		return n;
	}
#endif
#ifdef HAVE_SNAPPY
	case C_SNAPPY: {
		size_t n = cap;
		ck_assert_int_eq(snappy_compress((const char *)src, BS, (char *)dst, &n), SNAPPY_OK);
		return n;
	}
#endif
#ifdef HAVE_ZSTD
	case C_ZSTD:
		return ZSTD_compress(dst, cap, src, BS, 1);
#endif
	default:
		memcpy(dst, src, BS);
		return BS;
	}
}

// Build the dump in img: header, sub-header, 2 bitmaps, descriptors, data.
static void generate(const struct gen *g)
{
	size_t cap = 8 * BS + NPAGES * (BS + 64);
	free(img);
	img = calloc(1, cap);
	bool be = g->be;
	unsigned char *h = img;
	memcpy(h, g->diskdump ? "DISKDUMP" : "KDUMP   ", 8);
	put(h + 8, 4, (uint64_t)g->version, be);
	strcpy((char *)h + 142, "6.1.0-synthetic");
	strcpy((char *)h + 272, be ? "s390x" : "x86_64");
	put(h + 424, 4, g->comp, be);          // status
	put(h + 428, 4, BS, be);               // block_size
	put(h + 432, 4, 1, be);                // sub_hdr_size
	put(h + 436, 4, 2, be);                // bitmap_blocks
	put(h + 440, 4, g->version >= 6 ? 0 : NPAGES, be); // 32-bit max_mapnr (0: use the 64-bit one)
	put(h + 460, 4, 3, be);                // nr_cpus
	unsigned char *sh = img + BS;
	put(sh + 0, 8, 0x1000000, be);         // phys_base
	put(sh + 8, 4, 31, be);                // dump_level
	const char *vmci = "OSRELEASE=6.1.0-synthetic\nPAGESIZE=4096\n";
	memcpy(sh + 512, vmci, strlen(vmci));
	put(sh + 32, 8, BS + 512, be);
	put(sh + 40, 8, strlen(vmci), be);
	put(sh + 96, 8, NPAGES, be);           // max_mapnr_64
	unsigned char *bm1 = img + 2 * BS, *bm2 = img + 3 * BS;
	size_t ndesc = 0;
	for (uint64_t pfn = 0; pfn < NPAGES; pfn++) {
		if (hole(pfn))
			continue;
		bm1[pfn / 8] |= (unsigned char)(1 << (pfn % 8));
		if (!excluded(pfn)) {
			bm2[pfn / 8] |= (unsigned char)(1 << (pfn % 8));
			ndesc++;
		}
	}
	size_t data_off = 4 * BS, pos = data_off + ndesc * 24, i = 0;
	for (uint64_t pfn = 0; pfn < NPAGES; pfn++) {
		if (hole(pfn) || excluded(pfn))
			continue;
		unsigned char page[BS];
		page_content(pfn, page);
		unsigned char tmp[2 * BS];
		size_t n = compress_page(g->comp, page, tmp, sizeof(tmp));
		uint32_t flags = g->comp;
		if (n >= BS) {
			memcpy(img + pos, page, BS);
			n = BS;
			flags = 0;
		} else {
			memcpy(img + pos, tmp, n);
		}
		unsigned char *d = img + data_off + i++ * 24;
		uint64_t off = pos;
		if (g->bad != BAD_NONE && pfn == g->bad_pfn) {
			if (g->bad == BAD_SIZE)
				n = BS + 1;
			else if (g->bad == BAD_OFFSET)
				off = cap * 4;
			else if (g->bad == BAD_LOST)
				off = 0;
			else if (g->bad == BAD_DATA && flags)
				memset(img + pos + n / 2, 0x5a, n - n / 2);
		}
		put(d, 8, off, be);
		put(d + 8, 4, n > BS ? n : n, be);
		put(d + 12, 4, flags, be);
		pos += n > BS ? BS : n;
	}
	img_len = pos;
}

static char path[64];

static void write_img(const unsigned char *b, size_t n)
{
	strcpy(path, "/tmp/kdive-test-kdump.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b, n), (ssize_t)n);
	close(fd);
}

static void check_pages(struct kd_core *c)
{
	unsigned char want[BS], got[BS];
	for (uint64_t pfn = 0; pfn < NPAGES + 4; pfn++) {
		struct kd_error *err = kd_core_read_phys(c, pfn * BS, got, BS, BS);
		if (pfn >= NPAGES || hole(pfn)) {
			ck_assert_ptr_nonnull(err);
			ck_assert_int_eq(err->code, KD_ERR_FAULT);
		} else if (excluded(pfn)) {
			ck_assert_ptr_nonnull(err);
			ck_assert_int_eq(err->code, KD_ERR_NODATA);
			ck_assert_msg(strstr(err->msg, "was excluded from the dump"), "%s", err->msg);
			ck_assert_uint_eq(err->addr, pfn * BS);
		} else {
			ck_assert_msg(!err, "pfn %llu: %s", (unsigned long long)pfn, err ? err->msg : "");
			page_content(pfn, want);
			ck_assert_msg(memcmp(want, got, BS) == 0, "pfn %llu differs", (unsigned long long)pfn);
		}
		kd_error_destroy(err);
	}
	// an unaligned read across a kept page boundary
	unsigned char two[16];
	struct kd_error *err = kd_core_read_phys(c, 2 * BS - 8, two, 16, BS);
	ck_assert_ptr_null(err);
}

static struct kd_core *open_img(struct kd_error **errp)
{
	write_img(img, img_len);
	struct kd_core *c = NULL;
	*errp = kd_core_open(path, &c);
	unlink(path);
	return c;
}

static const uint32_t comps[] = { C_RAW, C_ZLIB,
#ifdef HAVE_LZO2
				  C_LZO,
#endif
#ifdef HAVE_SNAPPY
				  C_SNAPPY,
#endif
#ifdef HAVE_ZSTD
				  C_ZSTD,
#endif
};

START_TEST(versions_orders_compressions)
{
	for (int v = 1; v <= 6; v++)
		for (int be = 0; be <= 1; be++)
			for (size_t ci = 0; ci < sizeof(comps) / sizeof(comps[0]); ci++) {
				struct gen g = { .version = v, .be = be, .comp = comps[ci] };
				generate(&g);
				struct kd_error *err;
				struct kd_core *c = open_img(&err);
				ck_assert_msg(!err, "v%d be%d comp %u: %s", v, be, comps[ci], err ? err->msg : "");
				ck_assert_int_eq(c->big_endian, be);
				ck_assert_uint_eq(c->nranges, 1); // pfns 0..59
				ck_assert_uint_eq(c->ranges[0].size, 60 * BS);
				if (v >= 3)
					ck_assert_ptr_nonnull(strstr(c->vmcoreinfo, "OSRELEASE=6.1.0-synthetic"));
				else
					ck_assert_ptr_null(c->vmcoreinfo);
				ck_assert_uint_eq(c->nr_cpus, 3);
				check_pages(c);
				kd_core_close(c);
			}
}
END_TEST

START_TEST(diskdump_signature)
{
	struct gen g = { .version = 5, .diskdump = true, .comp = C_ZLIB };
	generate(&g);
	struct kd_error *err;
	struct kd_core *c = open_img(&err);
	ck_assert_msg(!err, "%s", err ? err->msg : "");
	ck_assert_ptr_nonnull(strstr(c->format_desc, "DISKDUMP"));
	check_pages(c);
	kd_core_close(c);
}
END_TEST

static void expect_page_error(int bad, const char *what)
{
	struct gen g = { .version = 6, .comp = C_ZLIB, .bad = bad, .bad_pfn = 7 };
	generate(&g);
	struct kd_error *err;
	struct kd_core *c = open_img(&err);
	ck_assert_msg(!err, "%s", err ? err->msg : "");
	unsigned char buf[BS];
	err = kd_core_read_phys(c, 7 * BS, buf, BS, BS);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->msg, "physical address 0x7000 (pfn 0x7)") && strstr(err->msg, what),
		      "%s", err->msg);
	kd_error_destroy(err);
	// the other pages still read
	err = kd_core_read_phys(c, 9 * BS, buf, BS, BS);
	ck_assert_ptr_null(err);
	kd_core_close(c);
}

START_TEST(bad_pages)
{
	expect_page_error(BAD_SIZE, "says 4097 bytes");
	expect_page_error(BAD_OFFSET, "lies past the end");
	expect_page_error(BAD_DATA, "zlib decompression");
	expect_page_error(BAD_LOST, "was lost");
}
END_TEST

START_TEST(bad_headers)
{
	struct gen g = { .version = 6, .comp = C_ZLIB };
	generate(&g);
	struct kd_error *err;
	put(img + 428, 4, 1000, false); // block size not a power of two
	struct kd_core *c = open_img(&err);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err->msg, "block_size 1000 at offset 0x1ac"), "%s", err->msg);
	kd_error_destroy(err);
	generate(&g);
	put(img + 436, 4, 0, false); // no bitmap
	c = open_img(&err);
	ck_assert_msg(err && strstr(err->msg, "too small for max_mapnr 0x40"), "%s", err ? err->msg : "");
	kd_error_destroy(err);
	generate(&g);
	img_len = 4 * BS + 100; // descriptors cut off
	c = open_img(&err);
	ck_assert_msg(err && strstr(err->msg, "descriptors at 0x4000 run past the end"), "%s",
		      err ? err->msg : "");
	kd_error_destroy(err);
}
END_TEST

#ifndef HAVE_ZSTD
START_TEST(missing_library)
{
	struct gen g = { .version = 6, .comp = C_ZSTD };
	generate(&g);
	put(img + 424, 4, C_ZSTD, false);
	struct kd_error *err;
	open_img(&err);
	ck_assert_msg(err && strstr(err->msg, "kdive was built without zstd"), "%s", err ? err->msg : "");
	kd_error_destroy(err);
}
END_TEST
#endif

// Wrap img into makedumpfile's flattened format: records of random sizes in
// a random order, plus a record of garbage that a later record overwrites.
static unsigned char *flatten(size_t *len, unsigned seed)
{
	srand(seed);
	size_t n = 0, cap = img_len * 2 + 65536 + 4096;
	unsigned char *f = calloc(1, cap);
	memcpy(f, "makedumpfile", 12);
	put(f + 16, 8, 1, true);
	put(f + 24, 8, 1, true);
	size_t pos = 4096;
	// garbage over the header first: must lose against the real bytes
	put(f + pos, 8, 0, true);
	put(f + pos + 8, 8, 600, true);
	memset(f + pos + 16, 0xee, 600);
	pos += 616;
	// chunks, in reverse order of offset (any order is legal)
	size_t cuts[4096];
	for (size_t off = 0; off < img_len && n < 4096;) {
		cuts[n++] = off;
		off += 1 + (size_t)rand() % 9000;
	}
	for (size_t k = n; k-- > 0;) {
		size_t off = cuts[k], end = k + 1 < n ? cuts[k + 1] : img_len;
		put(f + pos, 8, off, true);
		put(f + pos + 8, 8, end - off, true);
		memcpy(f + pos + 16, img + off, end - off);
		pos += 16 + end - off;
	}
	put(f + pos, 8, (uint64_t)-1, true);
	put(f + pos + 8, 8, 0, true);
	*len = pos + 16;
	return f;
}

START_TEST(flattened_layer)
{
	struct gen g = { .version = 6, .comp = C_ZLIB };
	generate(&g);
	for (unsigned seed = 1; seed <= 5; seed++) {
		size_t len;
		unsigned char *f = flatten(&len, seed);
		write_img(f, len);
		free(f);
		struct kd_core *c = NULL;
		struct kd_error *err = kd_core_open(path, &c);
		unlink(path);
		ck_assert_msg(!err, "%s", err ? err->msg : "");
		ck_assert_ptr_nonnull(strstr(c->format_desc, "flattened"));
		ck_assert_uint_eq(c->file->size, img_len);
		check_pages(c);
		kd_core_close(c);
	}
}
END_TEST

// Fuzz smoke: random byte mutations of the headers, bitmaps, descriptors
// and flattened records; opening and reading every page must not crash
// (run under ASan/UBSan by scripts/test).
static void read_all(struct kd_core *c)
{
	unsigned char buf[BS];
	for (uint64_t pfn = 0; pfn < NPAGES + 2; pfn++)
		kd_error_destroy(kd_core_read_phys(c, pfn * BS, buf, BS, BS));
}

START_TEST(fuzz_smoke)
{
	srand(12345);
	struct gen g = { .version = 6, .comp = C_ZLIB };
	unsigned opened = 0;
	for (int iter = 0; iter < 400; iter++) {
		g.comp = comps[(size_t)iter % (sizeof(comps) / sizeof(comps[0]))];
		g.be = iter % 7 == 0;
		generate(&g);
		size_t ndesc_end = 4 * BS + 64 * 24;
		int muts = 1 + rand() % 6;
		for (int m = 0; m < muts; m++) {
			size_t where;
			switch (rand() % 4) {
			case 0: where = (size_t)rand() % 512; break;                 // header
			case 1: where = BS + (size_t)rand() % 128; break;            // sub-header
			case 2: where = 2 * BS + (size_t)rand() % 16; break;         // bitmaps
			default: where = 4 * BS + (size_t)rand() % (ndesc_end - 4 * BS); // descriptors
			}
			if (where < img_len)
				img[where] = (unsigned char)rand();
		}
		struct kd_error *err;
		struct kd_core *c;
		if (iter % 3 == 0) {
			size_t len;
			unsigned char *f = flatten(&len, (unsigned)iter);
			for (int m = 0; m < 3; m++) // also hit the record headers
				f[4096 + (size_t)rand() % (len - 4096)] = (unsigned char)rand();
			write_img(f, len);
			free(f);
			c = NULL;
			err = kd_core_open(path, &c);
			unlink(path);
		} else {
			c = open_img(&err);
		}
		if (!err) {
			opened++;
			read_all(c);
			kd_core_close(c);
		}
		kd_error_destroy(err);
	}
	ck_assert_uint_gt(opened, 50); // mutations usually leave it readable
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kdump");
	TCase *tc = tcase_create("kdump");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, versions_orders_compressions);
	tcase_add_test(tc, diskdump_signature);
	tcase_add_test(tc, bad_pages);
	tcase_add_test(tc, bad_headers);
#ifndef HAVE_ZSTD
	tcase_add_test(tc, missing_library);
#endif
	tcase_add_test(tc, flattened_layer);
	tcase_add_test(tc, fuzz_smoke);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(img);
	return failed ? 1 : 0;
}
