// SPDX-License-Identifier: GPL-3.0-or-later
// The interactive shell: readline prompt, history in ~/.kdive_history, and
// completion from the command descriptors: command names and aliases, each
// command's options (from its option table), and operands and option
// arguments by their declared type (symbols, pids, type names, file names).
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include <kdive/symbols.h>
#include <kdive/types.h>

#include "core/options.h"
#include "shell.h"

static struct kd_shell *cur; // readline's completion callbacks take no context

static char *dup_match(const char *s)
{
	return strdup(s);
}

static char *complete_command(const char *text, int state)
{
	static int i, j;
	size_t len = strlen(text);
	if (!state)
		i = j = 0;
	while (i < cur->ncmds) {
		const char *n = cur->cmds[i++].cmd->name;
		if (strncmp(n, text, len) == 0)
			return dup_match(n);
	}
	while (j < cur->naliases) {
		const char *n = cur->aliases[j++].name;
		if (strncmp(n, text, len) == 0)
			return dup_match(n);
	}
	return NULL;
}

static const struct kd_command *opt_cmd;

static char *complete_option(const char *text, int state)
{
	static int i;
	size_t len = strlen(text);
	if (!state)
		i = 0;
	char buf[128];
	while (opt_cmd->options && opt_cmd->options[i].name) {
		kd_option_label(&opt_cmd->options[i++], buf, sizeof(buf));
		if (strncmp(buf, text, len) == 0)
			return dup_match(buf);
	}
	return NULL;
}

/* Symbols (KD_ARG_ADDR, KD_ARG_SYMBOL) and type names (KD_ARG_TYPE). */
enum { MAX_NAME_MATCHES = 10000 };
static char **name_matches;
static size_t n_name_matches;

static int collect_name(const char *name, void *arg)
{
	(void)arg;
	char *d = strdup(name);
	if (d)
		name_matches[n_name_matches++] = d;
	return n_name_matches >= MAX_NAME_MATCHES;
}

static int collect_symbol(const struct kd_symbol *sym, void *arg)
{
	return collect_name(sym->name, arg);
}

// The next match to hand to readline; readline frees the ones it got.
static size_t name_next;

// Start a new list of matches: free the ones readline never took.
static bool matches_reset(void)
{
	for (; name_next < n_name_matches; name_next++)
		free(name_matches[name_next]);
	free(name_matches);
	name_matches = calloc(MAX_NAME_MATCHES, sizeof(*name_matches));
	n_name_matches = name_next = 0;
	return name_matches != NULL;
}

static char *next_match(void)
{
	return name_next < n_name_matches ? name_matches[name_next++] : NULL;
}

static char *complete_name(const char *text, int state, bool types)
{
	if (!state) {
		if (!matches_reset())
			return NULL;
		struct kd_error *err = types ? kd_type_complete(cur->s, text, collect_name, NULL)
					     : kd_symbol_complete(cur->s, text, collect_symbol, NULL);
		kd_error_destroy(err);
	}
	return next_match();
}

static char *complete_symbol(const char *text, int state)
{
	return complete_name(text, state, false);
}

static char *complete_type(const char *text, int state)
{
	return complete_name(text, state, true);
}

/* Pids and command names (KD_ARG_PID), from the dump's task list. */
struct pid_collect {
	const char *text;
	size_t len;
};

static int collect_task(const struct kd_task *t, void *arg)
{
	struct pid_collect *c = arg;
	const char *comm = t->comm;
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, t->pid);
	if (!strncmp(buf, c->text, c->len))
		collect_name(buf, NULL);
	if (comm[0] && !strncmp(comm, c->text, c->len) && n_name_matches < MAX_NAME_MATCHES) {
		for (size_t k = 0; k < n_name_matches; k++)
			if (!strcmp(name_matches[k], comm))
				return 0;
		collect_name(comm, NULL);
	}
	return n_name_matches >= MAX_NAME_MATCHES;
}

static char *complete_pid(const char *text, int state)
{
	if (!state) {
		if (!matches_reset())
			return NULL;
		struct pid_collect c = { text, strlen(text) };
		kd_error_destroy(kd_task_foreach(cur->s, collect_task, &c));
	}
	return next_match();
}

/*
 * Completion is a point of use like a command: load the layer it needs
 * (once; a failure was or will be reported by the commands that need it).
 */
static bool have_symbols(struct kd_session *s)
{
	kd_error_destroy(kd_layers_load(s, 0, KD_LAYER_SYMBOLS | KD_LAYER_MODULES));
	return kd_symbols_available(s);
}

static bool have_types(struct kd_session *s)
{
	// Finding the kernel's BTF needs the symbols: load them first, as the
	// dispatcher does for a command that uses both, or the types layer
	// fails for the whole session.
	kd_error_destroy(kd_layers_load(s, 0, KD_LAYER_SYMBOLS | KD_LAYER_TYPES));
	return kd_types_available(s);
}

// A word of this type: an operand, or the argument of an option.
static char **complete_typed(enum kd_arg_type type, const char *text)
{
	switch (type) {
	case KD_ARG_FILE:
		rl_attempted_completion_over = 0; // readline's file name completion
		return NULL;
	case KD_ARG_ADDR:
	case KD_ARG_SYMBOL:
		return have_symbols(cur->s) ? rl_completion_matches(text, complete_symbol) : NULL;
	case KD_ARG_PID:
		return have_symbols(cur->s) && have_types(cur->s) ? rl_completion_matches(text, complete_pid)
								  : NULL;
	case KD_ARG_TYPE:
		return have_types(cur->s) ? rl_completion_matches(text, complete_type) : NULL;
	default:
		return NULL;
	}
}

// The option whose argument the word at start is ("vtop -c <Tab>", "dis
// --file=<Tab>"), or NULL.  cmd_start is where the command's name begins.
static const struct kd_option *option_before(const struct kd_command *cmd, int cmd_start, int start)
{
	int e = start;
	if (e > cmd_start && rl_line_buffer[e - 1] != '=') {
		while (e > cmd_start && (rl_line_buffer[e - 1] == ' ' || rl_line_buffer[e - 1] == '\t'))
			e--;
		if (e == start)
			return NULL; // the word is glued to something else
	}
	int w = e;
	while (w > cmd_start && rl_line_buffer[w - 1] != ' ' && rl_line_buffer[w - 1] != '\t')
		w--;
	if (w == cmd_start || e - w >= 128)
		return NULL; // the command's name, or too long to be an option
	char word[128];
	memcpy(word, rl_line_buffer + w, (size_t)(e - w));
	word[e - w] = '\0';
	const struct kd_option *o = kd_option_of_word(cmd, word);
	return o && o->arg != KD_ARG_NONE ? o : NULL;
}

static char **kd_complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	// Find the current command's first word: after the last ';' before start.
	int b = start;
	while (b > 0 && rl_line_buffer[b - 1] != ';')
		b--;
	while (rl_line_buffer[b] == ' ' || rl_line_buffer[b] == '\t')
		b++;
	if (b >= start)
		return rl_completion_matches(text, complete_command);
	// A '|' or '>' before us: the rest is the shell's business (files).
	for (int k = b; k < start; k++)
		if (rl_line_buffer[k] == '|' || rl_line_buffer[k] == '>') {
			rl_attempted_completion_over = 0;
			return NULL;
		}
	char name[64];
	int n = 0;
	while (b + n < start && n < 63 && rl_line_buffer[b + n] != ' ' && rl_line_buffer[b + n] != '\t') {
		name[n] = rl_line_buffer[b + n];
		n++;
	}
	name[n] = '\0';
	const struct kd_command *cmd = kd_shell_find(cur, name);
	if (!cmd)
		return NULL;
	if (text[0] == '-') {
		opt_cmd = cmd;
		return rl_completion_matches(text, complete_option);
	}
	const struct kd_option *o = option_before(cmd, b, start);
	return complete_typed(o ? o->arg : cmd->operand, text);
}

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	kd_shell_sigint(&interrupted);
}

// Ctrl-C at the prompt: drop the line being typed and show a fresh prompt.
static int on_signal_event(void)
{
	if (interrupted && RL_ISSTATE(RL_STATE_READCMD)) {
		interrupted = 0;
		// Like bash: leave the abandoned line on screen, marked ^C.
		fputs("^C", rl_outstream ? rl_outstream : stdout);
		rl_crlf();
		rl_replace_line("", 0);
		rl_on_new_line();
		rl_redisplay();
	}
	return 0;
}

void kd_repl(struct kd_shell *sh)
{
	cur = sh;
	kd_shell_load_deferred(sh); // completion lists every command
	sh->s->interrupted = &interrupted;
	struct sigaction sa = { .sa_handler = on_sigint };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);

	rl_readline_name = "kdive";
	rl_attempted_completion_function = kd_complete;
	rl_catch_signals = 0;
	rl_signal_event_hook = on_signal_event;
	using_history();
	char *hist = NULL;
	const char *home = getenv("HOME");
	if (home && asprintf(&hist, "%s/.kdive_history", home) >= 0)
		read_history(hist);
	stifle_history(1000);

	while (!sh->exit_requested) {
		interrupted = 0;
		char *line = readline("kdive> ");
		if (!line) {
			putchar('\n');
			break;
		}
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p) {
			HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
			if (!last || strcmp(last->line, line) != 0)
				add_history(line);
			kd_shell_run_line(sh, line);
		}
		free(line);
	}
	if (hist) {
		write_history(hist);
		free(hist);
	}
}
