// SPDX-License-Identifier: GPL-3.0-or-later
// Command-line lexer (see lexer.h).  A pipeline's text is passed to /bin/sh
// as written, quotes included; it ends at an unquoted ';' or the line's end.
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

struct buf {
	char *s;
	size_t len, cap;
};

static bool buf_put(struct buf *b, char c)
{
	if (b->len + 2 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char *n = realloc(b->s, cap);
		if (!n)
			return false;
		b->s = n;
		b->cap = cap;
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
	return true;
}

static void cmd_free(struct kd_cmdline *c)
{
	for (int i = 0; i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	free(c->target);
	memset(c, 0, sizeof(*c));
}

void kd_lexed_free(struct kd_lexed *l)
{
	for (int i = 0; i < l->n; i++)
		cmd_free(&l->cmds[i]);
	free(l->cmds);
	l->cmds = NULL;
	l->n = 0;
}

static bool push_arg(struct kd_cmdline *c, char *word)
{
	char **n = realloc(c->argv, (size_t)(c->argc + 2) * sizeof(*n));
	if (!n)
		return false;
	c->argv = n;
	c->argv[c->argc++] = word;
	c->argv[c->argc] = NULL;
	return true;
}

static bool push_cmd(struct kd_lexed *l, struct kd_cmdline *c)
{
	if (c->argc == 0 && c->redir != KD_REDIR_SHELL) {
		cmd_free(c);
		return true;
	}
	struct kd_cmdline *n = realloc(l->cmds, (size_t)(l->n + 1) * sizeof(*n));
	if (!n)
		return false;
	l->cmds = n;
	l->cmds[l->n++] = *c;
	memset(c, 0, sizeof(*c));
	return true;
}

// Read one word starting at *pp (quotes and backslashes removed).  Stops at
// unquoted whitespace or one of the special characters.  *depth counts the
// unquoted parentheses open in the command so far: inside them '|' and '>'
// are operators of an expression (crash: "eval (x | y)", "eval (1 << 20)"),
// not a pipe or a redirection.
static struct kd_error *read_word(const char **pp, char **ret, int *depth)
{
	const char *p = *pp;
	struct buf b = { 0 };
	char quote = 0;
	bool any = false;
	for (; *p; p++) {
		char ch = *p;
		if (quote) {
			if (ch == quote) {
				quote = 0;
				continue;
			}
			if (quote == '"' && ch == '\\' && (p[1] == '"' || p[1] == '\\')) {
				ch = *++p;
			}
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
			any = true;
			continue;
		} else if (ch == '\\' && p[1]) {
			ch = *++p;
		} else if (ch == ' ' || ch == '\t' || ch == ';' || ch == '\n' || ch == '\r' ||
			   ((ch == '|' || ch == '>') && *depth == 0)) {
			break;
		} else if (ch == '(') {
			(*depth)++;
		} else if (ch == ')' && *depth > 0) {
			(*depth)--;
		}
		any = true;
		if (!buf_put(&b, ch)) {
			free(b.s);
			return &kd_enomem;
		}
	}
	if (quote) {
		free(b.s);
		return kd_error_create(KD_ERR_USAGE, "unterminated %c quote", quote);
	}
	*pp = p;
	if (!b.s && any)
		b.s = strdup("");
	*ret = b.s; // NULL if no word
	return NULL;
}

struct kd_error *kd_lex(const char *line, struct kd_lexed *ret)
{
	struct kd_lexed l = { 0 };
	struct kd_cmdline c = { 0 };
	struct kd_error *err = NULL;
	const char *p = line;
	int depth = 0; // open parentheses in the current command (read_word)

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (*p == '#' && c.argc == 0 && c.redir == KD_REDIR_NONE)
			break; // comment line (crash: '#' starts a comment)
		if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t'))
			break; // trailing comment
		if (*p == ';') {
			p++;
			depth = 0;
			if (!push_cmd(&l, &c))
				goto nomem;
			continue;
		}
		if (*p == '!' && c.argc == 0 && c.redir == KD_REDIR_NONE) {
			// Shell escape: the rest of the line, verbatim.
			c.redir = KD_REDIR_SHELL;
			c.target = strdup(p + 1);
			if (!c.target)
				goto nomem;
			if (!push_cmd(&l, &c))
				goto nomem;
			break;
		}
		if (*p == '|' && depth == 0) {
			if (c.redir != KD_REDIR_NONE) {
				err = kd_error_create(KD_ERR_USAGE, "cannot both redirect and pipe output");
				goto fail;
			}
			if (c.argc == 0) {
				err = kd_error_create(KD_ERR_USAGE, "pipe without a command");
				goto fail;
			}
			// Pipeline text up to an unquoted ';'.
			const char *start = ++p;
			char quote = 0;
			for (; *p; p++) {
				if (quote) {
					if (*p == quote)
						quote = 0;
					else if (quote == '"' && *p == '\\' && p[1])
						p++;
				} else if (*p == '\'' || *p == '"') {
					quote = *p;
				} else if (*p == '\\' && p[1]) {
					p++;
				} else if (*p == ';') {
					break;
				}
			}
			if (quote) {
				err = kd_error_create(KD_ERR_USAGE, "unterminated %c quote", quote);
				goto fail;
			}
			size_t n = (size_t)(p - start);
			while (n && (start[0] == ' ' || start[0] == '\t')) {
				start++;
				n--;
			}
			while (n && (start[n - 1] == ' ' || start[n - 1] == '\t' || start[n - 1] == '\n' ||
				     start[n - 1] == '\r'))
				n--;
			if (n == 0) {
				err = kd_error_create(KD_ERR_USAGE, "pipe to nothing");
				goto fail;
			}
			c.redir = KD_REDIR_PIPE;
			c.target = strndup(start, n);
			if (!c.target)
				goto nomem;
			continue;
		}
		if (*p == '>' && depth == 0) {
			if (c.redir != KD_REDIR_NONE) {
				err = kd_error_create(KD_ERR_USAGE, "more than one output redirection");
				goto fail;
			}
			c.redir = KD_REDIR_WRITE;
			p++;
			if (*p == '>') {
				c.redir = KD_REDIR_APPEND;
				p++;
			}
			while (*p == ' ' || *p == '\t')
				p++;
			char *word = NULL;
			int fdepth = 0;
			err = read_word(&p, &word, &fdepth);
			if (err)
				goto fail;
			if (!word || !*word) {
				free(word);
				err = kd_error_create(KD_ERR_USAGE, "missing file name after '>'");
				goto fail;
			}
			c.target = word;
			continue;
		}
		char *word = NULL;
		err = read_word(&p, &word, &depth);
		if (err)
			goto fail;
		if (word && !push_arg(&c, word)) {
			free(word);
			goto nomem;
		}
	}
	if (!push_cmd(&l, &c))
		goto nomem;
	*ret = l;
	return NULL;
nomem:
	err = &kd_enomem;
fail:
	cmd_free(&c);
	kd_lexed_free(&l);
	return err;
}
