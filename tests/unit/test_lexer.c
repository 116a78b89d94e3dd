// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of the command-line lexer: quoting, pipes, redirections,
// comments, ';', the shell escape and parenthesised expressions.
#include <check.h>
#include <stdlib.h>

#include "lexer.h"

static struct kd_lexed lex_ok(const char *line)
{
	struct kd_lexed l;
	struct kd_error *err = kd_lex(line, &l);
	ck_assert_msg(err == NULL, "lexing '%s': %s", line, err ? err->msg : "");
	return l;
}

static void lex_fails(const char *line, const char *msg)
{
	struct kd_lexed l;
	struct kd_error *err = kd_lex(line, &l);
	ck_assert_msg(err != NULL, "'%s' should not lex", line);
	ck_assert_int_eq(err->code, KD_ERR_USAGE);
	ck_assert_str_eq(err->msg, msg);
	kd_error_destroy(err);
}

START_TEST(simple_words)
{
	struct kd_lexed l = lex_ok("  rd -p   0x1000\t16  ");
	ck_assert_int_eq(l.n, 1);
	ck_assert_int_eq(l.cmds[0].argc, 4);
	ck_assert_str_eq(l.cmds[0].argv[0], "rd");
	ck_assert_str_eq(l.cmds[0].argv[3], "16");
	ck_assert_ptr_null(l.cmds[0].argv[4]);
	ck_assert_int_eq(l.cmds[0].redir, KD_REDIR_NONE);
	kd_lexed_free(&l);
}
END_TEST

START_TEST(quotes)
{
	struct kd_lexed l = lex_ok("ps 'a b' \"c \\\"d\\\"\" e\\ f ''");
	ck_assert_int_eq(l.cmds[0].argc, 5);
	ck_assert_str_eq(l.cmds[0].argv[1], "a b");
	ck_assert_str_eq(l.cmds[0].argv[2], "c \"d\"");
	ck_assert_str_eq(l.cmds[0].argv[3], "e f");
	ck_assert_str_eq(l.cmds[0].argv[4], "");
	kd_lexed_free(&l);
	lex_fails("ps 'abc", "unterminated ' quote");
	lex_fails("ps \"abc", "unterminated \" quote");
}
END_TEST

START_TEST(pipes)
{
	struct kd_lexed l = lex_ok("sys | grep 'A|B' | wc -l");
	ck_assert_int_eq(l.n, 1);
	ck_assert_int_eq(l.cmds[0].argc, 1);
	ck_assert_int_eq(l.cmds[0].redir, KD_REDIR_PIPE);
	ck_assert_str_eq(l.cmds[0].target, "grep 'A|B' | wc -l");
	kd_lexed_free(&l);
	l = lex_ok("rd 'x|y'");
	ck_assert_int_eq(l.cmds[0].redir, KD_REDIR_NONE);
	ck_assert_str_eq(l.cmds[0].argv[1], "x|y");
	kd_lexed_free(&l);
	lex_fails("| grep x", "pipe without a command");
	lex_fails("sys |  ", "pipe to nothing");
}
END_TEST

START_TEST(redirects)
{
	struct kd_lexed l = lex_ok("sys > out.txt");
	ck_assert_int_eq(l.cmds[0].redir, KD_REDIR_WRITE);
	ck_assert_str_eq(l.cmds[0].target, "out.txt");
	ck_assert_int_eq(l.cmds[0].argc, 1);
	kd_lexed_free(&l);
	l = lex_ok("sys>>'my file'");
	ck_assert_int_eq(l.cmds[0].redir, KD_REDIR_APPEND);
	ck_assert_str_eq(l.cmds[0].target, "my file");
	kd_lexed_free(&l);
	lex_fails("sys >", "missing file name after '>'");
	lex_fails("sys > a > b", "more than one output redirection");
	lex_fails("sys > a | cat", "cannot both redirect and pipe output");
}
END_TEST

START_TEST(comments_and_sequences)
{
	struct kd_lexed l = lex_ok("# a comment");
	ck_assert_int_eq(l.n, 0);
	kd_lexed_free(&l);
	l = lex_ok("sys; rd -p 0 ; ;help # trailing");
	ck_assert_int_eq(l.n, 3);
	ck_assert_str_eq(l.cmds[0].argv[0], "sys");
	ck_assert_int_eq(l.cmds[1].argc, 3);
	ck_assert_str_eq(l.cmds[2].argv[0], "help");
	ck_assert_int_eq(l.cmds[2].argc, 1);
	kd_lexed_free(&l);
	l = lex_ok("echo a#b");
	ck_assert_str_eq(l.cmds[0].argv[1], "a#b");
	kd_lexed_free(&l);
	l = lex_ok("sys | grep x; help");
	ck_assert_int_eq(l.n, 2);
	ck_assert_str_eq(l.cmds[0].target, "grep x");
	kd_lexed_free(&l);
}
END_TEST

START_TEST(shell_escape)
{
	struct kd_lexed l = lex_ok("!ls -l | wc; echo");
	ck_assert_int_eq(l.n, 1);
	ck_assert_int_eq(l.cmds[0].redir, KD_REDIR_SHELL);
	ck_assert_str_eq(l.cmds[0].target, "ls -l | wc; echo");
	kd_lexed_free(&l);
}
END_TEST

// Inside parentheses '|' and '>' belong to an expression (crash's eval);
// after the closing one they are a pipe and a redirection again.
START_TEST(parentheses)
{
	struct kd_lexed l = lex_ok("eval (1 << 20 | 0x10) | cat; eval (x>>2) > f");
	ck_assert_int_eq(l.n, 2);
	ck_assert_int_eq(l.cmds[0].argc, 6);
	ck_assert_str_eq(l.cmds[0].argv[4], "|");
	ck_assert_str_eq(l.cmds[0].argv[5], "0x10)");
	ck_assert_int_eq(l.cmds[0].redir, KD_REDIR_PIPE);
	ck_assert_str_eq(l.cmds[0].target, "cat");
	ck_assert_int_eq(l.cmds[1].argc, 2);
	ck_assert_str_eq(l.cmds[1].argv[1], "(x>>2)");
	ck_assert_int_eq(l.cmds[1].redir, KD_REDIR_WRITE);
	ck_assert_str_eq(l.cmds[1].target, "f");
	kd_lexed_free(&l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lexer");
	TCase *tc = tcase_create("lexer");
	tcase_add_test(tc, simple_words);
	tcase_add_test(tc, quotes);
	tcase_add_test(tc, pipes);
	tcase_add_test(tc, redirects);
	tcase_add_test(tc, comments_and_sequences);
	tcase_add_test(tc, shell_escape);
	tcase_add_test(tc, parentheses);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
