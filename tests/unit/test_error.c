// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of error objects: messages, prefixes, addresses, catch.
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include <kdive/error.h>

START_TEST(chain)
{
	struct kd_error *err = kd_error_addr(KD_ERR_NODATA, 0x1000, "page 0x%x excluded", 1);
	ck_assert(err->has_addr);
	ck_assert_uint_eq(err->addr, 0x1000);
	kd_error_prefix(err, "reading %s", "task_struct.comm");
	ck_assert_str_eq(err->msg, "reading task_struct.comm: page 0x1 excluded");
	ck_assert(!kd_error_catch(&err, KD_ERR_FAULT));
	ck_assert(kd_error_catch(&err, KD_ERR_NODATA));
	ck_assert_ptr_null(err);
	err = kd_error_os(ENOENT, "cannot open '%s'", "x");
	ck_assert_str_eq(err->msg, "cannot open 'x': No such file or directory");
	ck_assert_int_eq(err->errnum, ENOENT);
	kd_error_destroy(err);
	kd_error_destroy(NULL);
	kd_error_destroy(&kd_enomem);
	ck_assert_ptr_eq(kd_error_prefix(&kd_enomem, "x"), &kd_enomem);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("error");
	tcase_add_test(tc, chain);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
