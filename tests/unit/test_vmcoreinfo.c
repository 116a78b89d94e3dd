// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the VMCOREINFO parser, on text in the kernel's own format.
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/vmcoreinfo.h"

static const char sample[] =
	"OSRELEASE=6.1.0-28-amd64\n"
	"BUILD-ID=0123abcd\n"
	"PAGESIZE=4096\n"
	"SYMBOL(init_uts_ns)=ffffffff9b813120\n"
	"OFFSET(page.flags)=0\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
	"KERNELOFFSET=1a000000\n"
	"NUMBER(kimage_voffset)=0xffff800008000000\n"
	"garbage line without equals\n"
	"=novalue\n"
	"CRASHTIME=1700000000\n"
	"\0\0\0padding";

START_TEST(parse_lookup)
{
	struct kd_vmcoreinfo v;
	ck_assert_ptr_null(kd_vmcoreinfo_parse(&v, sample, sizeof(sample)));
	ck_assert_uint_eq(v.n, 9);
	ck_assert_str_eq(kd_vmcoreinfo_lookup(&v, "OSRELEASE"), "6.1.0-28-amd64");
	ck_assert_ptr_null(kd_vmcoreinfo_lookup(&v, "padding"));
	ck_assert_ptr_null(kd_vmcoreinfo_lookup(&v, "SYMBOL(nothing)"));
	uint64_t n;
	ck_assert_ptr_null(kd_vmcoreinfo_value_number(&v, "SYMBOL(init_uts_ns)", &n));
	ck_assert_uint_eq(n, 0xffffffff9b813120ull);
	ck_assert_ptr_null(kd_vmcoreinfo_value_number(&v, "PAGESIZE", &n));
	ck_assert_uint_eq(n, 4096);
	ck_assert_ptr_null(kd_vmcoreinfo_value_number(&v, "KERNELOFFSET", &n));
	ck_assert_uint_eq(n, 0x1a000000);
	ck_assert_ptr_null(kd_vmcoreinfo_value_number(&v, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &n));
	ck_assert_int_eq((int64_t)n, -129);
	ck_assert_ptr_null(kd_vmcoreinfo_value_number(&v, "NUMBER(kimage_voffset)", &n));
	ck_assert_uint_eq(n, 0xffff800008000000ull);
	ck_assert_ptr_null(kd_vmcoreinfo_value_number(&v, "CRASHTIME", &n));
	ck_assert_uint_eq(n, 1700000000);
	kd_vmcoreinfo_deinit(&v);
}
END_TEST

START_TEST(errors)
{
	struct kd_vmcoreinfo v;
	const char t[] = "PAGESIZE=4k\nOFFSET(x)=\n";
	ck_assert_ptr_null(kd_vmcoreinfo_parse(&v, t, strlen(t)));
	uint64_t n;
	struct kd_error *err = kd_vmcoreinfo_value_number(&v, "PAGESIZE", &n);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, KD_ERR_CORRUPT);
	ck_assert_str_eq(err->msg, "VMCOREINFO PAGESIZE has a bad value '4k'");
	kd_error_destroy(err);
	err = kd_vmcoreinfo_value_number(&v, "OFFSET(x)", &n);
	ck_assert_int_eq(err->code, KD_ERR_CORRUPT);
	kd_error_destroy(err);
	err = kd_vmcoreinfo_value_number(&v, "OSRELEASE", &n);
	ck_assert_int_eq(err->code, KD_ERR_NOTFOUND);
	ck_assert_str_eq(err->msg, "VMCOREINFO has no OSRELEASE");
	kd_error_destroy(err);
	kd_vmcoreinfo_deinit(&v);
	// Later duplicates win; empty text is fine.
	const char d[] = "A=1\nA=2\r\n";
	ck_assert_ptr_null(kd_vmcoreinfo_parse(&v, d, strlen(d)));
	ck_assert_str_eq(kd_vmcoreinfo_lookup(&v, "A"), "2");
	kd_vmcoreinfo_deinit(&v);
	ck_assert_ptr_null(kd_vmcoreinfo_parse(&v, "", 0));
	ck_assert_uint_eq(v.n, 0);
	kd_vmcoreinfo_deinit(&v);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vmcoreinfo");
	TCase *tc = tcase_create("vmcoreinfo");
	tcase_add_test(tc, parse_lookup);
	tcase_add_test(tc, errors);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
