/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The command-line lexer: one input line becomes a list of commands, each an
 * argv plus an optional output redirection or shell pipeline.
 *   cmd args | shell pipeline      cmd args > file      cmd args >> file
 *   'single' "double" \x quoting;  # comment;  cmd; cmd;  !shell command
 */
#ifndef KD_SHELL_LEXER_H
#define KD_SHELL_LEXER_H

#include <kdive/error.h>

enum kd_redir { KD_REDIR_NONE, KD_REDIR_PIPE, KD_REDIR_WRITE, KD_REDIR_APPEND, KD_REDIR_SHELL };

struct kd_cmdline {
	int argc;
	char **argv;          // NULL-terminated
	enum kd_redir redir;
	char *target;         // file name, pipeline text, or the !shell command
};

struct kd_lexed {
	int n;
	struct kd_cmdline *cmds;
};

/* Split a line.  Empty commands are dropped.  KD_ERR_USAGE for an unterminated
 * quote, a missing redirection target, or both a pipe and a redirection. */
struct kd_error *kd_lex(const char *line, struct kd_lexed *ret);
void kd_lexed_free(struct kd_lexed *l);

#endif
