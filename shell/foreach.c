// SPDX-License-Identifier: GPL-3.0-or-later
// foreach: run a command for each selected task (crash's foreach), and the
// triage view crash lacks: every selected task's kernel stack, identical
// stacks grouped with their task count (-g).
//
// foreach is generic: it sets the context to each task (kd_context_set) and
// runs the command through the dispatcher (kd_shell_run_nested), so any
// command works, including ones from modules loaded later.  Two command
// flags refine it: KD_CMD_CONTEXT_TASK (the command prints the task line
// itself: bt, vm, files, task, sig) and KD_CMD_TASK_OPERANDS (the command
// selects tasks by operand: ps, run once with every selected task); any
// other command gets crash's task line before each run.  The context is
// restored afterwards.
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/symbols.h>
#include <kdive/task.h>
#include <kdive/unwind.h>

#include "shell.h"

#define the_shell ((struct kd_shell *)s->shell)

/* ---- selection ---------------------------------------------------------------------- */

struct selection {
	bool kernel, user;          // -k, -u
	int nsel;
	char **sel;                 // pid, task address, name or regex
	regex_t *re;                // one per sel (compiled if it is a regex)
	bool *re_ok;
};

static bool is_decimal(const char *a)
{
	return *a && strspn(a, "0123456789") == strlen(a);
}

static bool is_address(const char *a, uint64_t *v)
{
	if (!(strncmp(a, "0x", 2) == 0 || strlen(a) >= 9))
		return false;
	struct kd_error *err = kd_parse_u64(a, true, v);
	kd_error_destroy(err);
	return err == NULL;
}

static bool matches(const struct selection *sl, const struct kd_task *t)
{
	bool kthread = t->status & KD_TASK_KTHREAD;
	if ((sl->kernel || sl->user) && !((sl->kernel && kthread) || (sl->user && !kthread)))
		return false;
	if (!sl->nsel)
		return true;
	for (int i = 0; i < sl->nsel; i++) {
		const char *a = sl->sel[i];
		uint64_t addr;
		if (is_decimal(a)) {
			if (strtoll(a, NULL, 10) == t->pid)
				return true;
		} else if (is_address(a, &addr)) {
			if (addr == t->addr)
				return true;
		} else if (strcmp(a, t->comm) == 0 ||
			   (sl->re_ok[i] && regexec(&sl->re[i], t->comm, 0, NULL, 0) == 0)) {
			return true;
		}
	}
	return false;
}

/* ---- grouped stacks (-g) --------------------------------------------------------------- */

struct stack_key {
	uint64_t pc[KD_UNWIND_MAX_FRAMES];
	unsigned n;
	bool complete;
	bool exited;    // no kernel stack (a zombie)
};

struct group {
	struct stack_key key;
	const struct kd_task **tasks;
	size_t ntasks, cap;
};

static int collect_pc(const struct kd_frame *f, void *arg)
{
	struct stack_key *k = arg;
	// User-mode registers end a stack; their pc differs between tasks
	// blocked in the same place, so it is left out of the key.
	if (f->flags & KD_FRAME_USER)
		return 0;
	if (k->n < KD_UNWIND_MAX_FRAMES)
		k->pc[k->n++] = f->pc;
	return 0;
}

static int group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->ntasks != y->ntasks)
		return x->ntasks > y->ntasks ? -1 : 1;
	return x->tasks[0]->pid < y->tasks[0]->pid ? -1 : x->tasks[0]->pid > y->tasks[0]->pid;
}

static void print_group(struct kd_session *s, const struct group *g, bool json)
{
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_u64(s, "count", g->ntasks);
		kd_json_begin_array(s, "tasks");
		for (size_t i = 0; i < g->ntasks; i++) {
			kd_json_begin_object(s, NULL);
			kd_json_i64(s, "pid", g->tasks[i]->pid);
			kd_json_hex(s, "task", g->tasks[i]->addr);
			kd_json_string(s, "command", g->tasks[i]->comm);
			kd_json_end_object(s);
		}
		kd_json_end_array(s);
		kd_json_bool(s, "complete", g->key.complete);
		if (g->key.exited)
			kd_json_bool(s, "exited", true);
		kd_json_begin_array(s, "frames");
	} else {
		kd_printf(s, "%zu task%s:", g->ntasks, g->ntasks == 1 ? "" : "s");
		for (size_t i = 0; i < g->ntasks; i++)
			kd_printf(s, " %" PRId64, g->tasks[i]->pid);
		kd_printf(s, "  (%s%s)\n", g->tasks[0]->comm, g->ntasks > 1 ? ", ..." : "");
	}
	for (unsigned i = 0; i < g->key.n; i++) {
		uint64_t pc = g->key.pc[i], off = 0;
		struct kd_symbol sym;
		// Return addresses are looked up one byte back (see bt); the first
		// frame of a sleeping task is one too.
		struct kd_error *err = kd_symbol_at(s, pc ? pc - 1 : pc, &sym, &off);
		if (!err)
			off = pc - sym.address;
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "pc", pc);
			if (err)
				kd_json_null(s, "function");
			else
				kd_json_string(s, "function", sym.name);
			kd_json_u64(s, "offset", err ? 0 : off);
			kd_json_end_object(s);
		} else if (err) {
			kd_printf(s, "%s#%u %016" PRIx64 "\n", i < 10 ? " " : "", i, pc);
		} else {
			kd_printf(s, "%s#%u %s+%" PRIu64 " at %016" PRIx64 "\n", i < 10 ? " " : "", i,
				  sym.name, off, pc);
		}
		kd_error_destroy(err);
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	} else if (g->key.exited) {
		kd_printf(s, "    (no kernel stack: exited)\n");
	} else if (!g->key.complete) {
		kd_printf(s, "    (the stack could not be followed to its end)\n");
	}
}

static struct kd_error *grouped(struct kd_session *s, const struct kd_task **tasks, size_t n, bool json)
{
	struct group *g = NULL;
	size_t ng = 0, capg = 0;
	struct stack_key *k = malloc(sizeof(*k));
	struct kd_error *err = k ? NULL : kd_error_create(KD_ERR_NOMEM, "out of memory");
	bool all = true;
	for (size_t i = 0; i < n && !err; i++) {
		if ((err = kd_check_interrupt(s)))
			break;
		k->n = 0;
		struct kd_unwind_result res;
		struct kd_error *uerr = kd_unwind_task(s, tasks[i], collect_pc, k, &res);
		if (uerr) {
			kd_warn(s, "PID %" PRId64 " (task %016" PRIx64 "): %s", tasks[i]->pid, tasks[i]->addr,
				uerr->msg);
			kd_error_destroy(uerr);
			all = false;
			k->n = 0;
		} else if (res.stopped) {
			kd_warn(s, "PID %" PRId64 ": stack walk stopped at %016" PRIx64 ": %s", tasks[i]->pid,
				res.stopped_addr, res.stopped);
			all = false;
		}
		k->complete = !uerr && !res.stopped;
		k->exited = !uerr && res.no_stack;
		size_t j = 0;
		for (; j < ng; j++)
			if (g[j].key.n == k->n && g[j].key.complete == k->complete && g[j].key.exited == k->exited &&
			    memcmp(g[j].key.pc, k->pc, k->n * sizeof(k->pc[0])) == 0)
				break;
		if (j == ng) {
			if (ng == capg) {
				size_t nc = capg ? capg * 2 : 16;
				struct group *ng2 = realloc(g, nc * sizeof(*g));
				if (!ng2) {
					err = kd_error_create(KD_ERR_NOMEM, "out of memory");
					break;
				}
				g = ng2;
				capg = nc;
			}
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng].key = *k;
			ng++;
		}
		if (g[j].ntasks == g[j].cap) {
			size_t nc = g[j].cap ? g[j].cap * 2 : 4;
			const struct kd_task **nt = realloc(g[j].tasks, nc * sizeof(*nt));
			if (!nt) {
				err = kd_error_create(KD_ERR_NOMEM, "out of memory");
				break;
			}
			g[j].tasks = nt;
			g[j].cap = nc;
		}
		g[j].tasks[g[j].ntasks++] = tasks[i];
	}
	free(k);
	if (!err) {
		qsort(g, ng, sizeof(*g), group_cmp);
		if (json)
			kd_json_begin_array(s, NULL);
		for (size_t j = 0; j < ng; j++) {
			if (j && !json)
				kd_printf(s, "\n");
			print_group(s, &g[j], json);
		}
		if (json)
			kd_json_end_array(s);
	}
	for (size_t j = 0; j < ng; j++)
		free(g[j].tasks);
	free(g);
	if (!err && !all)
		err = kd_error_create(KD_ERR_CORRUPT, "some stacks could not be followed to their end");
	return err;
}

/* ---- running a command per task ------------------------------------------------------- */

static bool has_json(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") == 0)
			return true;
	return false;
}

static struct kd_error *per_task(struct kd_session *s, const struct kd_command *cmd, int cargc,
				 char **cargv, const struct kd_task **tasks, size_t n)
{
	struct kd_shell *sh = the_shell;
	bool json = has_json(cargc, cargv);
	size_t failed = 0;
	struct kd_error *err = NULL;
	char **argv = calloc((size_t)cargc + n + 1, sizeof(char *));
	char (*addrs)[20] = calloc(n ? n : 1, sizeof(*addrs));
	if (!argv || !addrs) {
		free(argv);
		free(addrs);
		return kd_error_create(KD_ERR_NOMEM, "out of memory");
	}
	memcpy(argv, cargv, (size_t)cargc * sizeof(char *));
	if (cmd->flags & KD_CMD_TASK_OPERANDS) {
		// One run with every task as an operand (ps): one table.
		for (size_t i = 0; i < n; i++) {
			snprintf(addrs[i], sizeof(addrs[i]), "%016" PRIx64, tasks[i]->addr);
			argv[cargc + i] = addrs[i];
		}
		if (n && !kd_shell_run_nested(sh, cargc + (int)n, argv))
			failed++;
	} else {
		uint64_t saved_task = 0;
		struct kd_as saved_as;
		bool had = kd_context_get(s, &saved_task, &saved_as);
		if (json)
			kd_json_begin_array(s, NULL);
		for (size_t i = 0; i < n; i++) {
			if ((err = kd_check_interrupt(s)))
				break;
			const struct kd_task *t = tasks[i];
			kd_context_set(s, t->addr, t->user_as.kind == KD_AS_USER ? &t->user_as : NULL);
			if (json) {
				kd_json_begin_object(s, NULL);
				kd_json_i64(s, "pid", t->pid);
				kd_json_hex(s, "task", t->addr);
				kd_json_string(s, "command", t->comm);
				kd_json_begin_array(s, "output");
			} else {
				if (i)
					kd_printf(s, "\n");
				if (!(cmd->flags & KD_CMD_CONTEXT_TASK)) {
					char hdr[160];
					kd_printf(s, "%s\n", kd_task_header(t, hdr, sizeof(hdr)));
				}
			}
			fflush(kd_out(s));
			bool good = kd_shell_run_nested(sh, cargc, argv);
			if (!good)
				failed++;
			if (json) {
				kd_json_end_array(s);
				kd_json_bool(s, "ok", good);
				kd_json_end_object(s);
			}
		}
		if (json)
			kd_json_end_array(s);
		if (had)
			kd_context_set(s, saved_task, saved_as.kind == KD_AS_USER ? &saved_as : NULL);
	}
	free(argv);
	free(addrs);
	if (!err && failed)
		err = kd_error_create(KD_ERR_CORRUPT, "'%s' failed for %zu task%s", cmd->name, failed,
				      failed == 1 ? "" : "s");
	return err;
}

static struct kd_error *foreach_run(struct kd_session *s, const struct kd_args *a)
{
	struct kd_shell *sh = the_shell;
	struct selection sl = { 0 };
	bool group = false, json = false;
	int i = 1;
	// foreach's own words, up to the first one naming a command.
	for (; i < a->argc; i++) {
		const char *w = a->argv[i];
		if (kd_shell_find(sh, w))
			break;
		if (strcmp(w, "-k") == 0)
			sl.kernel = true;
		else if (strcmp(w, "-u") == 0)
			sl.user = true;
		else if (strcmp(w, "-g") == 0)
			group = true;
		else if (strcmp(w, "--json") == 0)
			json = true;
		else if (w[0] == '-' && w[1])
			return kd_error_create(KD_ERR_USAGE, "unknown option '%s'", w);
	}
	if (i >= a->argc)
		return kd_error_create(KD_ERR_USAGE, "expected a command after the task selectors");
	const struct kd_command *cmd = kd_shell_find(sh, a->argv[i]);
	if (group && strcmp(cmd->name, "bt") != 0)
		return kd_error_create(KD_ERR_USAGE, "-g groups stacks: the command must be bt");
	struct kd_error *err = kd_tasks_load(s);
	if (err)
		return err;
	// The selectors: every word before the command that is not an option.
	int nsel = 0;
	for (int j = 1; j < i; j++)
		if (a->argv[j][0] != '-' || !a->argv[j][1])
			nsel++;
	sl.sel = calloc((size_t)nsel + 1, sizeof(char *));
	sl.re = calloc((size_t)nsel + 1, sizeof(regex_t));
	sl.re_ok = calloc((size_t)nsel + 1, sizeof(bool));
	size_t count = kd_task_count(s);
	const struct kd_task **tasks = calloc(count + 1, sizeof(*tasks));
	if (!sl.sel || !sl.re || !sl.re_ok || !tasks) {
		err = kd_error_create(KD_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (int j = 1; j < i; j++) {
		const char *w = a->argv[j];
		if (w[0] == '-' && w[1])
			continue;
		uint64_t v;
		sl.sel[sl.nsel] = (char *)w;
		if (!is_decimal(w) && !is_address(w, &v)) {
			int rc = regcomp(&sl.re[sl.nsel], w, REG_EXTENDED | REG_NOSUB);
			if (rc) {
				err = kd_error_create(KD_ERR_USAGE, "bad regular expression '%s'", w);
				goto out;
			}
			sl.re_ok[sl.nsel] = true;
		}
		sl.nsel++;
	}
	size_t n = 0;
	for (size_t j = 0; j < count; j++)
		if (matches(&sl, kd_task_get(s, j)))
			tasks[n++] = kd_task_get(s, j);
	if (!n) {
		err = kd_error_create(KD_ERR_NOTFOUND, "no task matches");
		goto out;
	}
	if (group)
		err = grouped(s, tasks, n, json || has_json(a->argc - i, a->argv + i));
	else
		err = per_task(s, cmd, a->argc - i, a->argv + i, tasks, n);
out:
	for (int j = 0; j < sl.nsel; j++)
		if (sl.re_ok[j])
			regfree(&sl.re[j]);
	free(sl.sel);
	free(sl.re);
	free(sl.re_ok);
	free(tasks);
	return err;
}

static const struct kd_command foreach_cmd[] = {
	{
		.name = "foreach",
		.summary = "run a command for each selected task",
		.synopsis = "[pid | task | name | regex | -k | -u]... [-g] command [options]",
		.help = "Run command once for each task selected by pid, task_struct address,\n"
			"command name or regular expression on the command name (all tasks\n"
			"when none is given), -k (kernel threads) and -u (user tasks), in pid\n"
			"order.  The current context is set to each task in turn, so any command\n"
			"that works on the context works (bt, and the task commands); commands\n"
			"that take tasks as operands (ps) run once with every selected task.\n"
			"The context is restored afterwards.  With the command's --json, the\n"
			"output is one array of {pid, task, command, output: [...], ok}.\n\n"
			"-g (with bt): the triage view of a hung system: the kernel stacks of\n"
			"the selected tasks, identical ones grouped, most common first, each with\n"
			"its task count and pids.\n\n"
			"EXAMPLES\n"
			"  kdive> foreach bt\n"
			"  kdive> foreach -u bt -s\n"
			"  kdive> foreach 'kdive-.*' ps\n"
			"  kdive> foreach -g bt\n"
			"  kdive> foreach -k -g bt --json",
		.operand = KD_ARG_PID,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_NEEDS_TASKS |
			 KD_CMD_USES_MODULES,
		.run = foreach_run,
	},
	{ NULL },
};

void kd_foreach_register(struct kd_shell *sh)
{
	struct kd_error *err = kd_shell_register(sh, &foreach_cmd[0], NULL);
	if (err) {
		fprintf(stderr, "kdive: %s\n", err->msg);
		kd_error_destroy(err);
	}
}
