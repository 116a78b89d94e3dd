// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the module loader: a good module, an ABI mismatch, a shared
// object without a descriptor, a duplicate command name, unload.
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

static struct kd_shell sh;

static void setup(void)
{
	kd_shell_init(&sh, kd_session_create_empty());
}

static void teardown(void)
{
	struct kd_session *s = sh.s;
	kd_shell_deinit(&sh);
	kd_session_destroy(s);
}

static struct kd_error *load(const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.so", TEST_MODDIR, name);
	return kd_module_load(&sh, path);
}

START_TEST(good_module)
{
	ck_assert_ptr_null(load("good"));
	const struct kd_command *c = kd_shell_find(&sh, "hello");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->summary, "say hello");
	ck_assert_int_eq(sh.nmods, 1);
	struct kd_error *err = load("good");
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->msg, "module 'good' is already loaded from") != NULL, "%s", err->msg);
	kd_error_destroy(err);
	ck_assert_ptr_null(kd_module_unload(&sh, "good"));
	ck_assert_ptr_null(kd_shell_find(&sh, "hello"));
	err = kd_module_unload(&sh, "good");
	ck_assert_str_eq(err->msg, "no module named 'good' is loaded");
	kd_error_destroy(err);
}
END_TEST

START_TEST(abi_mismatch)
{
	struct kd_error *err = load("abi_mismatch");
	ck_assert_ptr_nonnull(err);
	// The module says KD_MODULE_ABI + 1.
	char want[64];
	snprintf(want, sizeof(want), "was built for module ABI %d, this kdive has ABI %d",
		 KD_MODULE_ABI + 1, KD_MODULE_ABI);
	ck_assert_msg(strstr(err->msg, want) != NULL, "%s", err->msg);
	ck_assert_ptr_null(kd_shell_find(&sh, "future"));
	ck_assert_int_eq(sh.nmods, 0);
	kd_error_destroy(err);
}
END_TEST

START_TEST(no_descriptor)
{
	struct kd_error *err = load("no_descriptor");
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->msg, "is not a kdive module (no kd_module_info descriptor)") != NULL,
		      "%s", err->msg);
	kd_error_destroy(err);
	err = load("does_not_exist");
	ck_assert_int_eq(err->code, KD_ERR_OS);
	kd_error_destroy(err);
}
END_TEST

START_TEST(duplicate_command)
{
	ck_assert_ptr_null(load("good"));
	struct kd_error *err = load("dup_command");
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->msg, "command 'hello' is already defined by") != NULL, "%s",
		      err->msg);
	kd_error_destroy(err);
	ck_assert_int_eq(sh.nmods, 1);
	// The good module's command is still the one registered.
	ck_assert_str_eq(kd_shell_find(&sh, "hello")->summary, "say hello");
	// A built-in name cannot be taken either.
	ck_assert_ptr_nonnull(kd_shell_find(&sh, "help"));
}
END_TEST

START_TEST(run_through_dispatcher)
{
	ck_assert_ptr_null(load("good"));
	ck_assert(kd_shell_run_line(&sh, "hello -u a b > /dev/null"));
	ck_assert(!kd_shell_run_line(&sh, "hello '!x' > /dev/null"));
	ck_assert(!kd_shell_run_line(&sh, "hello -z"));
	ck_assert(!kd_shell_run_line(&sh, "nosuchcommand"));
	ck_assert_int_eq(sh.failures, 3);
}
END_TEST

START_TEST(exit_is_the_shells)
{
	ck_assert(!sh.exit_requested);
	// The rest of the line does not run after exit.
	ck_assert(kd_shell_run_line(&sh, "exit; nosuchcommand"));
	ck_assert(sh.exit_requested);
	ck_assert_int_eq(sh.failures, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("loader");
	TCase *tc = tcase_create("loader");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_module);
	tcase_add_test(tc, abi_mismatch);
	tcase_add_test(tc, no_descriptor);
	tcase_add_test(tc, duplicate_command);
	tcase_add_test(tc, run_through_dispatcher);
	tcase_add_test(tc, exit_is_the_shells);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
