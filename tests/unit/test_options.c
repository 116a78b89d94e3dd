// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of option parsing from a command's option table (and what the
// dispatcher hands run(), the generated usage line, the option spellings for
// completion), and of number parsing.
#include <check.h>
#include <stdlib.h>

#include <kdive/module.h>

#include "core/options.h"

static const struct kd_option opts[] = {
	{ "p", KD_ARG_NONE, NULL, "physical" },
	{ "x", KD_ARG_NONE, NULL, "no ascii" },
	{ "16", KD_ARG_NONE, NULL, "16-bit" },
	{ "c", KD_ARG_PID, "PID", "context" },
	{ "file", KD_ARG_FILE, "FILE", "a file" },
	{ NULL },
};
static const struct kd_command cmd = { .name = "t", .options = opts };

START_TEST(mixed)
{
	char *argv[] = { "t", "-p", "1000", "-16", "--file=a.txt", "-c", "42", "8", NULL };
	struct kd_optval v[5];
	int n;
	ck_assert_ptr_null(kd_parse_options(&cmd, 8, argv, v, &n));
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(argv[1], "1000");
	ck_assert_str_eq(argv[2], "8");
	ck_assert_ptr_null(argv[3]);
	ck_assert_int_eq(v[0].count, 1);
	ck_assert_int_eq(v[1].count, 0);
	ck_assert_int_eq(v[2].count, 1);
	ck_assert_str_eq(v[3].arg, "42");
	ck_assert_str_eq(v[4].arg, "a.txt");
}
END_TEST

START_TEST(grouped_and_dashdash)
{
	char *argv[] = { "t", "-px", "--", "-p", "--file", "b", NULL };
	struct kd_optval v[5];
	int n;
	ck_assert_ptr_null(kd_parse_options(&cmd, 4, argv, v, &n));
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(argv[1], "-p");
	ck_assert_int_eq(v[0].count, 1);
	ck_assert_int_eq(v[1].count, 1);
	char *argv2[] = { "t", "--file", "b", "-5", NULL };
	ck_assert_ptr_null(kd_parse_options(&cmd, 4, argv2, v, &n));
	ck_assert_str_eq(v[4].arg, "b");
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(argv2[1], "-5");
}
END_TEST

START_TEST(errors)
{
	struct kd_optval v[5];
	int n;
	char *a1[] = { "t", "-q", NULL };
	struct kd_error *err = kd_parse_options(&cmd, 2, a1, v, &n);
	ck_assert_int_eq(err->code, KD_ERR_USAGE);
	ck_assert_str_eq(err->msg, "unknown option '-q'");
	kd_error_destroy(err);
	char *a2[] = { "t", "-c", NULL };
	err = kd_parse_options(&cmd, 2, a2, v, &n);
	ck_assert_str_eq(err->msg, "option '-c' needs an argument (PID)");
	kd_error_destroy(err);
	char *a3[] = { "t", "--p=3", NULL };
	err = kd_parse_options(&cmd, 2, a3, v, &n);
	ck_assert_str_eq(err->msg, "option '--p' takes no argument");
	kd_error_destroy(err);
	char *a4[] = { "t", "-pc", NULL }; // c takes an argument: cannot group
	err = kd_parse_options(&cmd, 2, a4, v, &n);
	ck_assert_str_eq(err->msg, "unknown option '-pc'");
	kd_error_destroy(err);
}
END_TEST

START_TEST(args_for_run)
{
	// The dispatcher's view: the words are not touched, only copied.
	char *words[] = { "t", "-p", "1000", "--file", "f", "8", NULL };
	struct kd_args a;
	ck_assert_ptr_null(kd_args_init(&a, &cmd, 6, words));
	ck_assert_int_eq(a.argc, 3);
	ck_assert_str_eq(a.argv[0], "t");
	ck_assert_str_eq(a.argv[1], "1000");
	ck_assert_str_eq(a.argv[2], "8");
	ck_assert_ptr_null(a.argv[3]);
	ck_assert_int_eq(a.opt[0].count, 1);
	ck_assert_str_eq(a.opt[4].arg, "f");
	ck_assert_ptr_eq(a.cmd, &cmd);
	ck_assert_str_eq(words[1], "-p");
	kd_args_deinit(&a);
	// No option table: every word is an operand.
	static const struct kd_command raw = { .name = "alias" };
	char *w2[] = { "alias", "rp", "rd", "-p", NULL };
	ck_assert_ptr_null(kd_args_init(&a, &raw, 4, w2));
	ck_assert_int_eq(a.argc, 4);
	ck_assert_str_eq(a.argv[3], "-p");
	ck_assert_ptr_null(a.argv[4]);
	kd_args_deinit(&a);
	char *w3[] = { "t", "-q", NULL };
	struct kd_error *err = kd_args_init(&a, &cmd, 2, w3);
	ck_assert_str_eq(err->msg, "unknown option '-q'");
	kd_error_destroy(err);
}
END_TEST

START_TEST(synopsis_and_labels)
{
	static const struct kd_option o2[] = {
		{ "s", KD_ARG_INT, "PAGES", "size" },
		KD_OPTION_JSON,
		{ NULL },
	};
	struct kd_command c = { .name = "cache", .options = o2 };
	char *syn = kd_command_synopsis(&c);
	ck_assert_str_eq(syn, "[-s PAGES] [--json]");
	free(syn);
	c.operands = "address [count]";
	syn = kd_command_synopsis(&c);
	ck_assert_str_eq(syn, "[-s PAGES] [--json] address [count]");
	free(syn);
	c.synopsis = "[-s PAGES | --json]";
	syn = kd_command_synopsis(&c);
	ck_assert_str_eq(syn, "[-s PAGES | --json]");
	free(syn);
	struct kd_command bare = { .name = "exit" };
	syn = kd_command_synopsis(&bare);
	ck_assert_str_eq(syn, "");
	free(syn);
	char buf[32];
	kd_option_label(&opts[2], buf, sizeof(buf));
	ck_assert_str_eq(buf, "-16");
	kd_option_label(&opts[4], buf, sizeof(buf));
	ck_assert_str_eq(buf, "--file");
	ck_assert_int_eq(kd_option_count(&cmd), 5);
	ck_assert_int_eq(kd_option_index(&cmd, "file"), 4);
	ck_assert_int_eq(kd_option_index(&cmd, "json"), -1);
	// The word before the one being completed.
	ck_assert_ptr_eq(kd_option_of_word(&cmd, "-c"), &opts[3]);
	ck_assert_ptr_eq(kd_option_of_word(&cmd, "--file="), &opts[4]);
	ck_assert_ptr_eq(kd_option_of_word(&cmd, "--file"), &opts[4]);
	ck_assert_ptr_null(kd_option_of_word(&cmd, "--"));
	ck_assert_ptr_null(kd_option_of_word(&cmd, "-"));
	ck_assert_ptr_null(kd_option_of_word(&cmd, "file"));
}
END_TEST

START_TEST(numbers)
{
	uint64_t v;
	ck_assert_ptr_null(kd_parse_u64("ffffffff81000000", true, &v));
	ck_assert_uint_eq(v, 0xffffffff81000000ull);
	ck_assert_ptr_null(kd_parse_u64("0x10", false, &v));
	ck_assert_uint_eq(v, 16);
	ck_assert_ptr_null(kd_parse_u64("10", false, &v));
	ck_assert_uint_eq(v, 10);
	ck_assert_ptr_null(kd_parse_u64("0d10", true, &v));
	ck_assert_uint_eq(v, 10);
	struct kd_error *err = kd_parse_u64("12z", true, &v);
	ck_assert_str_eq(err->msg, "invalid number '12z'");
	kd_error_destroy(err);
	err = kd_parse_u64("-1", true, &v);
	ck_assert_ptr_nonnull(err);
	kd_error_destroy(err);
	err = kd_parse_u64("1ffffffffffffffff", true, &v);
	ck_assert_str_eq(err->msg, "number '1ffffffffffffffff' is too large");
	kd_error_destroy(err);
	err = kd_parse_u64("", true, &v);
	ck_assert_ptr_nonnull(err);
	kd_error_destroy(err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("options");
	tcase_add_test(tc, mixed);
	tcase_add_test(tc, grouped_and_dashdash);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, args_for_run);
	tcase_add_test(tc, synopsis_and_labels);
	tcase_add_test(tc, numbers);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
