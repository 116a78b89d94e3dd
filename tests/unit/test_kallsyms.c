// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the kallsyms decoder on tables built here in memory, the way
// scripts/kallsyms.c lays them out: token table and index, names with one-
// and two-byte lengths, markers, and each address encoding (absolute,
// base-relative, base-relative with absolute per-cpu), chosen by _stext.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kallsyms.h"

/* A fake kernel address space: one buffer at BASE. */
#define BASE 0xffffffff82000000ull
enum { MEM = 1 << 22 };
static unsigned char *mem;
static uint64_t top;

static uint64_t put(const void *p, size_t len)
{
	top = (top + 7) & ~7ull;
	uint64_t va = BASE + top;
	memcpy(mem + top, p, len);
	top += len;
	return va;
}

static struct kd_error *rd(void *arg, uint64_t va, void *buf, size_t len)
{
	(void)arg;
	if (va < BASE || va - BASE + len > top)
		return kd_error_addr(KD_ERR_FAULT, va, "unmapped 0x%llx", (unsigned long long)va);
	memcpy(buf, mem + (va - BASE), len);
	return NULL;
}

struct got {
	char name[600];
	char type;
	uint64_t addr;
};
static struct got *got;
static size_t ngot;

static struct kd_error *emit(void *arg, const char *name, size_t len, char type, uint64_t addr)
{
	(void)arg;
	ck_assert_uint_lt(len, sizeof(got[0].name));
	memcpy(got[ngot].name, name, len);
	got[ngot].name[len] = '\0';
	got[ngot].type = type;
	got[ngot].addr = addr;
	ngot++;
	return NULL;
}

/*
 * Tokens: 0..127 are single characters (their own code), 200 is "_st",
 * 201 is "ext", 202 is "init_", 203 is "kernel_".  Each name is encoded
 * greedily with the multi-character tokens.
 */
static const char *const multi[][2] = { { "\xc8", "_st" }, { "\xc9", "ext" }, { "\xca", "init_" },
					{ "\xcb", "kernel_" } };

static size_t encode(const char *name, unsigned char *out)
{
	size_t n = 0;
	while (*name) {
		size_t k;
		for (k = 0; k < 4; k++) {
			size_t l = strlen(multi[k][1]);
			if (strncmp(name, multi[k][1], l) == 0) {
				out[n++] = (unsigned char)multi[k][0][0];
				name += l;
				break;
			}
		}
		if (k == 4)
			out[n++] = (unsigned char)*name++;
	}
	return n;
}

struct tables {
	struct kd_kallsyms_layout l;
	size_t n;
};

enum enc { ABS, REL, PERCPU };

/* Build the tables for n symbols named by namefn with addresses addrs. */
static void build(struct tables *t, size_t n, const char *const *names, const char *types,
		  const uint64_t *addrs, enum enc enc, bool big, size_t marker_width)
{
	top = 0;
	memset(mem, 0, MEM);
	memset(t, 0, sizeof(*t));
	t->n = n;
	// Addresses first (the kernel's order: offsets, relative_base, num_syms, names...).
	uint64_t base = 0;
	if (enc == ABS) {
		t->l.addresses = put(addrs, n * 8);
	} else {
		int32_t *off = calloc(n, 4);
		base = UINT64_MAX;
		for (size_t i = 0; i < n; i++)
			if (addrs[i] >= 0xffff000000000000ull && addrs[i] < base)
				base = addrs[i];
		for (size_t i = 0; i < n; i++) {
			if (enc == REL)
				off[i] = (int32_t)(uint32_t)(addrs[i] - base);
			else if (addrs[i] < 0x80000000ull)
				off[i] = (int32_t)addrs[i];          // per-cpu: absolute
			else
				off[i] = (int32_t)(base - 1 - addrs[i]); // negative: relative
		}
		t->l.offsets = put(off, n * 4);
		free(off);
		t->l.relative_base = put(&base, 8);
	}
	uint32_t n32 = (uint32_t)n;
	t->l.num_syms = put(&n32, 4);
	// Names, and where each starts (for the markers).
	unsigned char *names_buf = malloc(n * 700);
	uint32_t *starts = malloc((n + 1) * 4);
	size_t pos = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char enc_name[700];
		enc_name[0] = (unsigned char)types[i];
		size_t len = 1 + encode(names[i], enc_name + 1);
		starts[i] = (uint32_t)pos;
		if (len >= 0x80 && big) {
			names_buf[pos++] = (unsigned char)(0x80 | (len & 0x7f));
			names_buf[pos++] = (unsigned char)(len >> 7);
		} else {
			names_buf[pos++] = (unsigned char)len;
		}
		memcpy(names_buf + pos, enc_name, len);
		pos += len;
	}
	t->l.names = put(names_buf, pos);
	size_t nmarkers = (n + 255) / 256;
	if (marker_width == 4) {
		uint32_t *m = calloc(nmarkers, 4);
		for (size_t k = 0; k < nmarkers; k++)
			m[k] = starts[k * 256];
		put(m, nmarkers * 4);
		free(m);
	} else {
		uint64_t *m = calloc(nmarkers, 8);
		for (size_t k = 0; k < nmarkers; k++)
			m[k] = starts[k * 256];
		put(m, nmarkers * 8);
		free(m);
	}
	free(names_buf);
	free(starts);
	// Token table: 0..127 themselves, 128..255 two characters "?N" unless multi.
	char table[4096];
	uint16_t index[256];
	size_t tp = 0;
	for (int i = 0; i < 256; i++) {
		index[i] = (uint16_t)tp;
		const char *tok = NULL;
		for (int k = 0; k < 4; k++)
			if ((unsigned char)multi[k][0][0] == i)
				tok = multi[k][1];
		char one[2] = { (char)i, 0 };
		if (!tok)
			tok = i && i < 128 ? one : "?";
		strcpy(table + tp, tok);
		tp += strlen(tok) + 1;
	}
	t->l.token_table = put(table, tp);
	t->l.token_index = put(index, sizeof(index));
	t->l.stext = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], "_stext") == 0)
			t->l.stext = addrs[i];
}

static struct kd_error *decode(const struct tables *t, struct kd_kallsyms_info *info)
{
	free(got);
	got = calloc(t->n + 1, sizeof(*got));
	ngot = 0;
	return kd_kallsyms_decode(&t->l, rd, NULL, emit, NULL, info);
}

/* A small kernel: per-cpu symbols, text, data. */
static const char *const small_names[] = { "fixed_percpu_data", "runqueues", "_text", "_stext",
					    "init_kernel_stext", "schedule", "init_task", "jiffies" };
static const char small_types[] = "AATTtTDD";
static const uint64_t small_addrs[] = { 0, 0x31c40, 0xffffffff81000000ull, 0xffffffff81000000ull,
					0xffffffff81000040ull, 0xffffffff81a52dd0ull,
					0xffffffff82a1aa40ull, 0xffffffff82a079c0ull };

static void check_small(enum enc enc)
{
	struct tables t;
	build(&t, 8, small_names, small_types, small_addrs, enc, false, 4);
	struct kd_kallsyms_info info;
	struct kd_error *err = decode(&t, &info);
	ck_assert_msg(!err, "%s", err ? err->msg : "");
	ck_assert_uint_eq(ngot, 8);
	for (size_t i = 0; i < 8; i++) {
		ck_assert_str_eq(got[i].name, small_names[i]);
		ck_assert_int_eq(got[i].type, small_types[i]);
		if (enc == REL && small_addrs[i] < 0x80000000ull)
			continue; // plain relative cannot hold per-cpu values
		ck_assert_uint_eq(got[i].addr, small_addrs[i]);
	}
	ck_assert(info.stext_checked);
	ck_assert(!info.big_lengths);
	ck_assert_int_eq(info.encoding, enc == ABS ? KD_KALLSYMS_ABSOLUTE
				      : enc == REL ? KD_KALLSYMS_RELATIVE : KD_KALLSYMS_ABSOLUTE_PERCPU);
}

START_TEST(absolute) { check_small(ABS); }
END_TEST

START_TEST(percpu) { check_small(PERCPU); }
END_TEST

START_TEST(relative)
{
	// Plain base-relative has no per-cpu symbols: all are kernel addresses.
	const char *const names[] = { "_text", "_stext", "schedule", "jiffies" };
	const uint64_t addrs[] = { 0xffffffff81000000ull, 0xffffffff81000000ull, 0xffffffff81a52dd0ull,
				   0xffffffff82a079c0ull };
	struct tables t;
	build(&t, 4, names, "TTTD", addrs, REL, false, 4);
	struct kd_kallsyms_info info;
	struct kd_error *err = decode(&t, &info);
	ck_assert_msg(!err, "%s", err ? err->msg : "");
	ck_assert_int_eq(info.encoding, KD_KALLSYMS_RELATIVE);
	ck_assert(info.stext_checked);
	for (size_t i = 0; i < 4; i++)
		ck_assert_uint_eq(got[i].addr, addrs[i]);
}
END_TEST

/* Many symbols, some with names of 128+ tokens (two-byte lengths), markers of either width. */
static void check_big(size_t marker_width)
{
	enum { N = 1000 };
	static char bufs[N][600];
	const char *names[N];
	char types[N];
	uint64_t addrs[N];
	for (size_t i = 0; i < N; i++) {
		if (i == 0)
			strcpy(bufs[i], "_stext");
		else if (i % 97 == 5) {
			// A long name: 300 characters, no multi-character tokens.
			size_t k;
			for (k = 0; k < 300; k++)
				bufs[i][k] = (char)('a' + (i + k) % 26);
			bufs[i][k] = '\0';
		} else
			snprintf(bufs[i], sizeof(bufs[i]), "sym_%zu_init_x", i);
		names[i] = bufs[i];
		types[i] = i % 2 ? 't' : 'T';
		addrs[i] = 0xffffffff81000000ull + i * 16;
	}
	struct tables t;
	build(&t, N, names, types, addrs, PERCPU, true, marker_width);
	struct kd_kallsyms_info info;
	struct kd_error *err = decode(&t, &info);
	ck_assert_msg(!err, "%s", err ? err->msg : "");
	ck_assert_uint_eq(ngot, N);
	ck_assert(info.big_lengths);
	for (size_t i = 0; i < N; i++) {
		ck_assert_str_eq(got[i].name, names[i]);
		ck_assert_uint_eq(got[i].addr, addrs[i]);
		ck_assert_int_eq(got[i].type, types[i]);
	}
}

START_TEST(big_lengths_u32_markers) { check_big(4); }
END_TEST

START_TEST(old_one_byte_long_name)
{
	// Before 6.1 a length was always one byte; one of 128..255 tokens (not
	// seen in practice, names were shorter) must still decode: the markers
	// say which reading of the length is right.
	enum { N = 600 };
	static char bufs[N][200];
	const char *names[N];
	char types[N];
	uint64_t addrs[N];
	for (size_t i = 0; i < N; i++) {
		if (i == 3) {
			memset(bufs[i], 'q', 150);
			bufs[i][150] = '\0';
		} else {
			snprintf(bufs[i], sizeof(bufs[i]), i ? "s%zu" : "_stext", i);
		}
		names[i] = bufs[i];
		types[i] = 't';
		addrs[i] = 0xffffffff81000000ull + i * 32;
	}
	struct tables t;
	build(&t, N, names, types, addrs, ABS, false, 8);
	struct kd_kallsyms_info info;
	struct kd_error *err = decode(&t, &info);
	ck_assert_msg(!err, "%s", err ? err->msg : "");
	ck_assert(!info.big_lengths);
	ck_assert_uint_eq(ngot, N);
	ck_assert_str_eq(got[3].name, names[3]);
	ck_assert_str_eq(got[N - 1].name, names[N - 1]);
	ck_assert_uint_eq(got[N - 1].addr, addrs[N - 1]);
}
END_TEST

START_TEST(big_lengths_u64_markers) { check_big(8); }
END_TEST

START_TEST(stext_mismatch)
{
	struct tables t;
	build(&t, 8, small_names, small_types, small_addrs, PERCPU, false, 4);
	t.l.stext = 0xffffffff81200000ull; // VMCOREINFO of another kernel
	struct kd_error *err = decode(&t, NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_CORRUPT);
	ck_assert_msg(strstr(err->msg, "_stext at 0xffffffff81200000") != NULL, "%s", err->msg);
	kd_error_destroy(err);
}
END_TEST

START_TEST(missing_tables)
{
	struct kd_kallsyms_layout l = { .names = BASE };
	struct kd_error *err = kd_kallsyms_decode(&l, rd, NULL, emit, NULL, NULL);
	ck_assert_int_eq(err->code, KD_ERR_NOTFOUND);
	kd_error_destroy(err);
}
END_TEST

START_TEST(truncated)
{
	// Names running off the end of memory: a fault naming the table.
	struct tables t;
	build(&t, 8, small_names, small_types, small_addrs, PERCPU, false, 4);
	uint32_t huge = 100000;
	memcpy(mem + (t.l.num_syms - BASE), &huge, 4);
	struct kd_error *err = decode(&t, NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->msg, "kallsyms") != NULL, "%s", err->msg);
	kd_error_destroy(err);
}
END_TEST

int main(void)
{
	mem = calloc(1, MEM);
	Suite *s = suite_create("kallsyms");
	TCase *tc = tcase_create("decode");
	tcase_add_test(tc, absolute);
	tcase_add_test(tc, relative);
	tcase_add_test(tc, percpu);
	tcase_add_test(tc, big_lengths_u32_markers);
	tcase_add_test(tc, big_lengths_u64_markers);
	tcase_add_test(tc, old_one_byte_long_name);
	tcase_add_test(tc, stext_mismatch);
	tcase_add_test(tc, missing_tables);
	tcase_add_test(tc, truncated);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(got);
	free(mem);
	return failed ? 1 : 0;
}
