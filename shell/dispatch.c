// SPDX-License-Identifier: GPL-3.0-or-later
// The dispatcher: lex a line, expand aliases (and the built-in forwards such
// as "help -D"), check a command's prerequisites from its flags (git's
// run_builtin idea), set up its output (file, pipe or pager), parse its
// options against its table, load the layers it declares, run it, report its
// error as "cmd: message" on stderr (with the usage line for a usage error;
// "FILE:LINE: " in front when the command came from a file), and check that
// its output was written.
#include <errno.h>
#include <stdarg.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <kdive/task.h>

#include "core/options.h"
#include "lexer.h"
#include "shell.h"

/*
 * Containing a command that crashes or will not stop.  While a command runs,
 * cur_env points at a sigjmp_buf in run_one().  SIGSEGV, SIGBUS, SIGFPE and
 * SIGILL (on an alternate stack, so a stack overflow is caught too) jump
 * back there and the command fails with an error naming the signal and the
 * faulting address.  Ctrl-C sets the interrupt flag that cooperative
 * commands poll (kd_check_interrupt); a second Ctrl-C while the same command
 * still runs abandons it the same way.
 * Limits: the abandoned command's memory and open files leak, and if it
 * crashed inside malloc or stdio, or corrupted memory before crashing, the
 * process may be left inconsistent.  kdive says so and goes on; restart it
 * if later commands misbehave.  Faults outside commands are not caught.
 */
static sigjmp_buf *volatile cur_env;
static volatile sig_atomic_t caught_sig;
static void *volatile caught_addr;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	sigjmp_buf *env = cur_env;
	if (!env) {
		signal(sig, SIG_DFL); // not in a command: crash as usual
		raise(sig);
		return;
	}
	cur_env = NULL;
	caught_sig = sig;
	caught_addr = si ? si->si_addr : NULL;
	siglongjmp(*env, 1);
}

void kd_shell_sigint(volatile sig_atomic_t *flag)
{
	sigjmp_buf *env = cur_env;
	if (env && *flag) {
		cur_env = NULL;
		caught_sig = SIGINT;
		caught_addr = NULL;
		siglongjmp(*env, 1);
	}
	*flag = 1;
}

void kd_shell_install_fault_handlers(void)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	sigaltstack(&ss, NULL);
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
	sigemptyset(&sa.sa_mask);
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static const char *owner_name(struct kd_shell *sh, const struct kd_command *cmd)
{
	for (int i = 0; i < sh->ncmds; i++)
		if (sh->cmds[i].cmd == cmd)
			return sh->cmds[i].owner ? sh->cmds[i].owner->mod->name : "the shell";
	return "?";
}

// Run cmd with its crash containment; see above.
static struct kd_error *run_contained(struct kd_shell *sh, const struct kd_command *cmd,
				      const struct kd_args *a)
{
	sigjmp_buf env;
	sigjmp_buf *volatile saved = cur_env;
	struct kd_error *volatile err = NULL;
	if (sigsetjmp(env, 1) == 0) {
		cur_env = &env;
		err = cmd->run(sh->s, a);
		cur_env = saved;
		return err;
	}
	cur_env = saved;
	fflush(sh->s->out);
	if (caught_sig == SIGINT)
		return kd_error_create(KD_ERR_INTERRUPTED,
				       "interrupted: abandoned after a second Ctrl-C (module '%s' may have leaked memory)",
				       owner_name(sh, cmd));
	return kd_error_addr(KD_ERR_FAULT, (uint64_t)(uintptr_t)caught_addr,
			     "crashed with %s at address %p in module '%s'; the command was abandoned and kdive goes on (restart it if later commands misbehave)",
			     strsignal(caught_sig), caught_addr, owner_name(sh, cmd));
}

static FILE *open_pager(void)
{
	const char *pager = getenv("KDIVE_PAGER");
	if (!pager || !*pager)
		pager = getenv("PAGER");
	if (!pager || !*pager)
		pager = "less";
	if (strcmp(pager, "cat") == 0)
		return NULL;
	setenv("LESS", getenv("LESS") ? getenv("LESS") : "FRX", 1);
	fflush(stdout);
	return popen(pager, "w");
}

void kd_shell_error(struct kd_shell *sh, const char *fmt, ...)
{
	fflush(stdout);
	if (sh->s->out && sh->s->out != stdout)
		fflush(sh->s->out);
	if (sh->s->where)
		fprintf(stderr, "%s: ", sh->s->where);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void report(struct kd_shell *sh, const char *name, struct kd_error *err,
		   const struct kd_command *cmd)
{
	kd_shell_error(sh, "%s: %s", name, err->msg);
	char *synopsis = err->code == KD_ERR_USAGE && cmd ? kd_command_synopsis(cmd) : NULL;
	if (synopsis)
		kd_shell_error(sh, "usage: %s %s", cmd->name, synopsis);
	free(synopsis);
}

/*
 * Load the layers a command declares before it runs (git's run_builtin
 * idea: prerequisites come from the command's flags, never from hidden loads
 * inside getters).  A layer the command needs fails the command with the
 * load's error; a layer it only uses costs a warning the first time.
 */
struct kd_error *kd_shell_load_layers(struct kd_session *s, const struct kd_command *cmd)
{
	unsigned f = cmd->flags, needs = 0, uses = 0;
	needs |= f & KD_CMD_NEEDS_SYMBOLS ? KD_LAYER_SYMBOLS : 0;
	needs |= f & KD_CMD_NEEDS_TYPES ? KD_LAYER_TYPES : 0;
	uses |= f & KD_CMD_USES_SYMBOLS ? KD_LAYER_SYMBOLS : 0;
	uses |= f & KD_CMD_USES_TYPES ? KD_LAYER_TYPES : 0;
	uses |= f & KD_CMD_USES_MODULES ? KD_LAYER_MODULES : 0;
	struct kd_error *err = kd_layers_load(s, needs, uses);
	if (!err && (f & KD_CMD_NEEDS_TASKS))
		err = kd_tasks_load(s);
	return err;
}

static bool run_shell_escape(const char *text)
{
	fflush(stdout);
	while (*text == ' ' || *text == '\t')
		text++;
	int st;
	if (!*text) {
		const char *shell = getenv("SHELL");
		char *cmd = NULL;
		if (asprintf(&cmd, "%s", shell && *shell ? shell : "/bin/sh") < 0)
			return false;
		st = system(cmd);
		free(cmd);
	} else {
		st = system(text);
	}
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static bool run_one(struct kd_shell *sh, struct kd_cmdline *cl, int depth);

// Run cl as "expansion args..." (args without the word at index drop, if
// drop > 0), keeping its redirection: user aliases and built-in forwards.
static bool expand_alias(struct kd_shell *sh, struct kd_cmdline *cl, const char *expansion,
			 int drop, int depth)
{
	size_t len = strlen(expansion) + 1;
	for (int i = 1; i < cl->argc; i++)
		len += strlen(cl->argv[i]) * 4 + 3;
	char *line = malloc(len + 1);
	if (!line)
		return false;
	strcpy(line, expansion);
	for (int i = 1; i < cl->argc; i++) {
		if (i == drop)
			continue;
		strcat(line, " '");
		// Quote the argument for re-lexing: ' becomes '\''
		char *d = line + strlen(line);
		for (const char *q = cl->argv[i]; *q; q++) {
			if (*q == '\'') {
				memcpy(d, "'\\''", 4);
				d += 4;
			} else {
				*d++ = *q;
			}
		}
		*d++ = '\'';
		*d = '\0';
	}
	struct kd_lexed l;
	struct kd_error *err = kd_lex(line, &l);
	free(line);
	if (err) {
		report(sh, cl->argv[0], err, NULL);
		kd_error_destroy(err);
		return false;
	}
	bool ok = true;
	for (int i = 0; i < l.n; i++) {
		if (l.cmds[i].redir == KD_REDIR_NONE && cl->redir != KD_REDIR_NONE && i == l.n - 1) {
			l.cmds[i].redir = cl->redir;
			l.cmds[i].target = strdup(cl->target);
		}
		if (!run_one(sh, &l.cmds[i], depth + 1))
			ok = false;
	}
	kd_lexed_free(&l);
	return ok;
}

static bool run_one(struct kd_shell *sh, struct kd_cmdline *cl, int depth)
{
	struct kd_session *s = sh->s;
	if (cl->redir == KD_REDIR_SHELL)
		return run_shell_escape(cl->target);
	const char *name = cl->argv[0];
	int drop = 0;
	const char *alias = kd_alias_lookup(sh, name);
	if (!alias)
		alias = kd_builtin_forward(sh, cl->argc, cl->argv, &drop);
	if (alias) {
		if (depth > 16) {
			kd_shell_error(sh, "%s: alias loop", name);
			return false;
		}
		return expand_alias(sh, cl, alias, drop, depth);
	}
	const struct kd_command *cmd = kd_shell_find(sh, name);
	if (!cmd) {
		kd_shell_error(sh, "kdive: unknown command '%s' (try 'help')", name);
		return false;
	}

	if ((cmd->flags & KD_CMD_NEEDS_DUMP) && !kd_dump_path(s)) {
		kd_shell_error(sh, "%s: no dump is open%s%s", name, sh->no_dump_why ? ": " : "",
			       sh->no_dump_why ? sh->no_dump_why : "");
		return false;
	}
	if ((cmd->flags & KD_CMD_NEEDS_VMCOREINFO) && kd_vmcoreinfo_count(s) == 0) {
		kd_shell_error(sh, "%s: needs VMCOREINFO (none found in the dump; use --vmcoreinfo FILE)", name);
		return false;
	}

	FILE *out = stdout, *pager = NULL;
	bool is_pipe = false;
	if (cl->redir == KD_REDIR_WRITE || cl->redir == KD_REDIR_APPEND) {
		out = fopen(cl->target, cl->redir == KD_REDIR_WRITE ? "we" : "ae");
		if (!out) {
			kd_shell_error(sh, "%s: cannot open '%s': %s", name, cl->target, strerror(errno));
			return false;
		}
	} else if (cl->redir == KD_REDIR_PIPE) {
		fflush(stdout);
		out = popen(cl->target, "w");
		if (!out) {
			kd_shell_error(sh, "%s: cannot run '%s': %s", name, cl->target, strerror(errno));
			return false;
		}
		is_pipe = true;
	} else if (sh->interactive && sh->scroll && !(cmd->flags & KD_CMD_NO_PAGER) &&
		   isatty(STDOUT_FILENO)) {
		pager = open_pager();
		if (pager)
			out = pager;
	}

	s->out = out;
	s->json_depth = 0;
	s->warnings = 0;
	// The options, parsed against the command's table (a usage error is
	// reported with the usage line); --json is one of them, an output mode
	// of the session.  The parse permutes a copy of the word array, so the
	// lexer can still free every word.
	struct kd_args args;
	struct kd_error *err = kd_args_init(&args, cmd, cl->argc, cl->argv);
	if (!err) {
		int json = kd_option_index(cmd, "json");
		s->json = json >= 0 && cmd->options[json].arg == KD_ARG_NONE && args.opt[json].count;
		err = kd_shell_load_layers(s, cmd);
		if (!err)
			err = run_contained(sh, cmd, &args);
		kd_args_deinit(&args);
	}
	bool ok = err == NULL;

	errno = 0;
	int ferr = fflush(out) != 0 || ferror(out);
	int werrno = errno;
	if (out != stdout) {
		int r = (is_pipe || pager) ? pclose(out) : fclose(out);
		if (r != 0 && !is_pipe && !pager && !ferr) {
			ferr = 1;
			werrno = errno;
		}
	} else {
		clearerr(stdout);
	}
	s->out = stdout;
	s->json = false;
	if (err) {
		report(sh, name, err, cmd);
		kd_error_destroy(err);
	}
	// A reader that went away (head, q in less) is not an error of ours.
	if (ferr && werrno != EPIPE && !is_pipe && !pager) {
		kd_shell_error(sh, "%s: write error: %s", name, strerror(werrno ? werrno : EIO));
		ok = false;
	}
	return ok;
}

bool kd_shell_run_nested(struct kd_shell *sh, int argc, char **argv)
{
	struct kd_session *s = sh->s;
	const struct kd_command *cmd = argc > 0 ? kd_shell_find(sh, argv[0]) : NULL;
	if (!cmd) {
		kd_shell_error(sh, "kdive: unknown command '%s' (try 'help')", argc > 0 ? argv[0] : "");
		return false;
	}
	bool saved_json = s->json;
	struct kd_args args;
	struct kd_error *err = kd_args_init(&args, cmd, argc, argv);
	if (!err) {
		int json = kd_option_index(cmd, "json");
		s->json = json >= 0 && cmd->options[json].arg == KD_ARG_NONE && args.opt[json].count;
		err = kd_shell_load_layers(s, cmd);
		if (!err)
			err = run_contained(sh, cmd, &args);
		kd_args_deinit(&args);
	}
	s->json = saved_json;
	if (err) {
		report(sh, argv[0], err, cmd);
		kd_error_destroy(err);
		return false;
	}
	return true;
}

bool kd_shell_run_line(struct kd_shell *sh, const char *line)
{
	struct kd_lexed l;
	struct kd_error *err = kd_lex(line, &l);
	if (err) {
		kd_shell_error(sh, "kdive: %s", err->msg);
		kd_error_destroy(err);
		sh->failures++;
		return false;
	}
	bool ok = true;
	for (int i = 0; i < l.n && !sh->exit_requested; i++) {
		if (!run_one(sh, &l.cmds[i], 0)) {
			ok = false;
			sh->failures++;
			if (sh->stop_on_error)
				break;
		}
		// Ctrl-C in batch mode stops the whole run, not just one command.
		if (!sh->interactive && *sh->s->interrupted) {
			sh->exit_requested = true;
			break;
		}
	}
	kd_lexed_free(&l);
	return ok;
}

bool kd_shell_run_file(struct kd_shell *sh, const char *path, bool quiet_missing)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	if (!f) {
		if (quiet_missing && errno == ENOENT)
			return true;
		kd_shell_error(sh, "kdive: cannot open '%s': %s", path, strerror(errno));
		sh->failures++;
		return false;
	}
	if (sh->source_depth > 16) {
		kd_shell_error(sh, "kdive: '%s': source nested too deeply", path);
		if (f != stdin)
			fclose(f);
		sh->failures++;
		return false;
	}
	sh->source_depth++;
	// Errors and warnings of a command read from a named file say where it
	// is, as a compiler does ("triage.kd:12: rd: ..."); stdin has no name.
	const char *saved_where = sh->s->where;
	char *where = NULL;
	unsigned lineno = 0;
	bool ok = true;
	char *line = NULL;
	size_t cap = 0;
	while (!sh->exit_requested && getline(&line, &cap, f) >= 0) {
		lineno++;
		if (f != stdin) {
			free(where);
			if (asprintf(&where, "%s:%u", path, lineno) < 0)
				where = NULL;
			sh->s->where = where;
		}
		bool line_ok = kd_shell_run_line(sh, line);
		sh->s->where = saved_where;
		if (!line_ok) {
			ok = false;
			if (sh->stop_on_error)
				break;
		}
	}
	free(where);
	free(line);
	if (f != stdin)
		fclose(f);
	sh->source_depth--;
	return ok;
}
