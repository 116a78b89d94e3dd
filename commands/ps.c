// SPDX-License-Identifier: GPL-3.0-or-later
// ps and context: the task list of the dumped kernel, in crash's layout, and
// the current context used by rd -u, vtop -u and dis -u.
//
// The tasks come from the session's task table (<kdive/task.h>), built once
// from the dump's own types; this file only selects, sorts and prints them.
// What ps shows beyond the table (%MEM's total, the argument and
// environment areas of mm_struct) is looked up in the dump's BTF here.
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/panic.h>
#include <kdive/symbols.h>
#include <kdive/task.h>
#include <kdive/types.h>

// What ps reads besides the task table.
struct figures {
	uint64_t totalram_pages;
	uint64_t kb_per_page;
	bool args_ok, env_ok;
	uint64_t arg_start, arg_end, env_start, env_end; // offsets in mm_struct
};

static bool ok(struct kd_error *err)
{
	bool r = err == NULL;
	kd_error_destroy(err);
	return r;
}

static bool member_off(struct kd_session *s, const char *path, uint64_t *off)
{
	struct kd_member_info m;
	if (!ok(kd_type_member(s, "mm_struct", path, &m)))
		return false;
	*off = m.offset;
	return true;
}

// Load the task table, then ps's own figures.
static struct kd_error *load(struct kd_session *s, struct figures *f)
{
	struct kd_error *err = kd_tasks_load(s);
	if (err)
		return err;
	memset(f, 0, sizeof(*f));
	f->kb_per_page = kd_page_size(s) / 1024;
	f->args_ok = member_off(s, "arg_start", &f->arg_start) && member_off(s, "arg_end", &f->arg_end);
	f->env_ok = member_off(s, "env_start", &f->env_start) && member_off(s, "env_end", &f->env_end);
	uint64_t tr;
	if (!ok(kd_symbol_address(s, "_totalram_pages", &tr)) || !ok(kd_read_kernel(s, tr, &f->totalram_pages, 8)))
		f->totalram_pages = kd_phys_total(s) / kd_page_size(s);
	else
		f->totalram_pages = kd_dump_uint(s, &f->totalram_pages, 8);
	return NULL;
}

static bool is_kthread(const struct kd_task *t)
{
	return t->status & KD_TASK_KTHREAD;
}

static bool is_active(const struct kd_task *t)
{
	return t->status & KD_TASK_ON_CPU;
}

static const char *state_name(const struct kd_task *t, bool crash_style)
{
	return kd_task_state_name(kd_task_state(t), crash_style ? KD_TS_CRASH : KD_TS_PROC);
}

enum { O_K, O_U, O_G, O_P, O_C, O_T, O_A, O_S, O_AA, O_H, O_JSON, O_NOPT };
static const struct kd_option ps_opts[] = {
	[O_K] = { "k", KD_ARG_NONE, NULL, "kernel threads only" },
	[O_U] = { "u", KD_ARG_NONE, NULL, "user tasks only" },
	[O_G] = { "G", KD_ARG_NONE, NULL, "thread group leaders only" },
	[O_P] = { "p", KD_ARG_NONE, NULL, "the parental hierarchy of each selected task" },
	[O_C] = { "c", KD_ARG_NONE, NULL, "the children of each selected task" },
	[O_T] = { "t", KD_ARG_NONE, NULL, "run times: start time, user and system time" },
	[O_A] = { "a", KD_ARG_NONE, NULL, "arguments and environment, read from the task's memory" },
	[O_S] = { "S", KD_ARG_NONE, NULL, "a summary of the task states" },
	[O_AA] = { "A", KD_ARG_NONE, NULL, "the active task on each CPU" },
	[O_H] = { "H", KD_ARG_NONE, NULL, "no header" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

// Operand matching: a decimal pid, a task address (hex), or a regex on comm.
struct selector {
	int n;
	char **args;
	regex_t *re;
};

static bool selected(const struct selector *sel, const struct kd_task *t)
{
	if (!sel->n)
		return true;
	for (int i = 0; i < sel->n; i++) {
		const char *a = sel->args[i];
		// As in crash: a decimal number is a pid and nothing else (not a
		// regex on names: "ps 1" is pid 1); "\NAME" is a command name
		// that looks like a number.
		if (*a && strspn(a, "0123456789") == strlen(a)) {
			if (strtoll(a, NULL, 10) == t->pid)
				return true;
			continue;
		}
		if (a[0] == '\\') {
			if (strcmp(a + 1, t->comm) == 0)
				return true;
			continue;
		}
		uint64_t addr;
		struct kd_error *err = kd_parse_u64(a, true, &addr);
		bool hex = !err && (strncmp(a, "0x", 2) == 0 || strlen(a) >= 9);
		kd_error_destroy(err);
		if (hex && addr == t->addr)
			return true;
		if (sel->re && regexec(&sel->re[i], t->comm, 0, NULL, 0) == 0)
			return true;
	}
	return false;
}

static void print_header(struct kd_session *s)
{
	kd_printf(s, "   PID    PPID  CPU       TASK        ST  %%MEM     VSZ    RSS  COMM\n");
}

// crash's "PID: ... COMMAND:" line, indented.
static void print_line(struct kd_session *s, int indent, const struct kd_task *t)
{
	char buf[128];
	kd_printf(s, "%*s%s\n", indent, "", kd_task_header(t, buf, sizeof(buf)));
}

static double mem_percent(const struct figures *f, const struct kd_task *t)
{
	return f->totalram_pages ? 100.0 * (double)(t->rss * f->kb_per_page) /
					   (double)(f->totalram_pages * f->kb_per_page)
				 : 0;
}

// The task lines are the bulk of ps's output (one a thread: 5,000 and more on
// a busy machine), so they are formatted here without printf: each column
// right- or left-justified into one line buffer, written with one fwrite.
// The columns and widths are those of the header above ("%6s" and so on).
struct line {
	char b[160];
	size_t n;
};

static void put_char(struct line *l, char c)
{
	l->b[l->n++] = c;
}

static void put_spaces(struct line *l, size_t n)
{
	memset(l->b + l->n, ' ', n);
	l->n += n;
}

// s (len bytes) right-justified in width columns (printf's "%*s").
static void put_right(struct line *l, const char *s, size_t len, size_t width)
{
	if (len < width)
		put_spaces(l, width - len);
	memcpy(l->b + l->n, s, len);
	l->n += len;
}

// s left-justified in width columns ("%-*s").
static void put_left(struct line *l, const char *s, size_t len, size_t width)
{
	memcpy(l->b + l->n, s, len);
	l->n += len;
	if (len < width)
		put_spaces(l, width - len);
}

// v in decimal into the end of buf[24]; returns where it starts.
static char *dec(char buf[24], int64_t v)
{
	char *p = buf + 24;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return p;
}

// A decimal field right-justified, or '?' when the dump did not hold it.
static void put_field(struct line *l, bool unknown, int64_t v, size_t width)
{
	char buf[24];
	const char *p = unknown ? "?" : dec(buf, v);
	put_right(l, p, unknown ? 1 : (size_t)(buf + 24 - p), width);
}

static void put_hex16(struct line *l, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--, v >>= 4)
		l->b[l->n + (size_t)i] = digits[v & 15];
	l->n += 16;
}

// %MEM as "%4.1f" would print it; threads of one process share their mm and
// come one after another, so the last answer is kept (printf is the cost).
struct mem_memo {
	bool valid;
	uint64_t rss;
	char text[24];
};

static const char *mem_text(const struct figures *f, const struct kd_task *t, struct mem_memo *m)
{
	if (!m->valid || m->rss != t->rss) {
		snprintf(m->text, sizeof(m->text), "%4.1f", mem_percent(f, t));
		m->rss = t->rss;
		m->valid = true;
	}
	return m->text;
}

static void print_task(struct kd_session *s, const struct figures *f, const struct kd_task *t,
		       struct mem_memo *memo)
{
	struct line l = { .n = 0 };
	bool mm = t->unknown & KD_TU_MM, rs = t->unknown & (KD_TU_MM | KD_TU_RSS);
	// "%c %6d %6s %4s  %016x  %-2s  %4s %7s %6s  %s\n"
	put_char(&l, is_active(t) ? '>' : ' ');
	put_char(&l, ' ');
	put_field(&l, false, t->pid, 6);
	put_char(&l, ' ');
	put_field(&l, t->unknown & KD_TU_PARENT, t->ppid, 6);
	put_char(&l, ' ');
	put_field(&l, t->unknown & KD_TU_CPU, t->cpu, 4);
	put_spaces(&l, 2);
	put_hex16(&l, t->addr);
	put_spaces(&l, 2);
	const char *st = t->unknown & KD_TU_STATE ? "?" : state_name(t, true);
	put_left(&l, st, strlen(st), 2);
	put_spaces(&l, 2);
	const char *mem = rs ? "?" : mem_text(f, t, memo);
	put_right(&l, mem, strlen(mem), 4);
	put_char(&l, ' ');
	put_field(&l, mm, (int64_t)(t->total_vm * f->kb_per_page), 7);
	put_char(&l, ' ');
	put_field(&l, rs, (int64_t)(t->rss * f->kb_per_page), 6);
	put_spaces(&l, 2);
	FILE *out = kd_out(s);
	fwrite(l.b, 1, l.n, out);
	if (t->unknown & KD_TU_COMM) {
		fputs("?\n", out);
		return;
	}
	// comm is NUL-terminated within KD_TASK_COMM_LEN + 1 bytes
	size_t n = strnlen(t->comm, KD_TASK_COMM_LEN);
	bool k = is_kthread(t);
	char c[KD_TASK_COMM_LEN + 4];
	size_t m = 0;
	if (k)
		c[m++] = '[';
	memcpy(c + m, t->comm, n);
	m += n;
	if (k)
		c[m++] = ']';
	c[m++] = '\n';
	fwrite(c, 1, m, out);
}

static struct kd_error *read_user_area(struct kd_session *s, const struct kd_task *t, uint64_t start_off,
				       uint64_t end_off, char **buf_ret, size_t *len_ret);

// ps -a --json: "argv" and "envp" as arrays of strings, or "argv_error"...
static void json_strings(struct kd_session *s, const struct figures *f, const struct kd_task *t)
{
	const char *key[] = { "argv", "envp" }, *ekey[] = { "argv_error", "envp_error" };
	const bool have[] = { f->args_ok, f->env_ok };
	const uint64_t off[][2] = { { f->arg_start, f->arg_end }, { f->env_start, f->env_end } };
	for (int k = 0; k < 2; k++) {
		char *buf = NULL;
		size_t len = 0;
		struct kd_error *err = have[k] ? read_user_area(s, t, off[k][0], off[k][1], &buf, &len)
					       : kd_error_create(KD_ERR_NOTFOUND, "the dump's types have no "
								 "mm_struct.%s_start", k ? "env" : "arg");
		if (err) {
			kd_json_string(s, ekey[k], err->msg);
			kd_error_destroy(err);
			continue;
		}
		kd_json_begin_array(s, key[k]);
		for (size_t i = 0; i < len;) {
			size_t n = strnlen(buf + i, len - i);
			kd_json_string_n(s, NULL, buf + i, n);
			i += n + 1;
		}
		kd_json_end_array(s);
		free(buf);
	}
}

static void json_task(struct kd_session *s, const struct figures *f, const struct kd_task *t, bool args,
		      bool times)
{
	unsigned u = t->unknown;
	kd_json_begin_object(s, NULL);
	kd_json_i64(s, "pid", t->pid);
	if (!(u & KD_TU_PARENT))
		kd_json_i64(s, "ppid", t->ppid);
	if (!(u & KD_TU_TGID))
		kd_json_i64(s, "tgid", t->tgid);
	if (!(u & KD_TU_CPU))
		kd_json_u64(s, "cpu", t->cpu);
	kd_json_hex(s, "task", t->addr);
	if (!(u & KD_TU_STATE)) {
		kd_json_string(s, "state", state_name(t, true));
		kd_json_string(s, "proc_state", state_name(t, false));
	}
	if (!(u & (KD_TU_MM | KD_TU_RSS)))
		kd_json_u64(s, "mem_permille", (uint64_t)(mem_percent(f, t) * 10 + 0.5));
	if (!(u & KD_TU_MM))
		kd_json_u64(s, "vsz_kb", t->total_vm * f->kb_per_page);
	if (!(u & (KD_TU_MM | KD_TU_RSS)))
		kd_json_u64(s, "rss_kb", t->rss * f->kb_per_page);
	if (!(u & KD_TU_COMM))
		kd_json_string(s, "comm", t->comm);
	if (!(u & KD_TU_FLAGS))
		kd_json_bool(s, "kernel_thread", is_kthread(t));
	kd_json_bool(s, "active", is_active(t));
	if (times) {
		kd_json_u64(s, "start_time_ns", t->start_time);
		kd_json_u64(s, "utime", t->utime);
		kd_json_u64(s, "stime", t->stime);
	}
	if (args && t->mm)
		json_strings(s, f, t);
	if (t->incomplete) {
		kd_json_bool(s, "incomplete", true);
		kd_json_string(s, "reason", t->incomplete);
	}
	kd_json_end_object(s);
}

// Read a user string area [start, end) of a task through its page tables.
static struct kd_error *read_user_area(struct kd_session *s, const struct kd_task *t, uint64_t start_off,
				       uint64_t end_off, char **buf_ret, size_t *len_ret)
{
	uint64_t start = 0, end = 0;
	struct kd_error *err;
	if (!t->mm)
		return kd_error_create(KD_ERR_NOTFOUND, "pid %" PRId64 " has no user memory", t->pid);
	if ((err = kd_read_kernel(s, t->mm + start_off, &start, 8)) ||
	    (err = kd_read_kernel(s, t->mm + end_off, &end, 8)))
		return err;
	start = kd_dump_uint(s, &start, 8);
	end = kd_dump_uint(s, &end, 8);
	if (end < start || end - start > (1 << 20))
		return kd_error_create(KD_ERR_CORRUPT, "pid %" PRId64 ": bad argument area 0x%" PRIx64 "-0x%" PRIx64, t->pid, start, end);
	if (t->user_as.kind != KD_AS_USER)
		return kd_error_create(KD_ERR_CORRUPT, "pid %" PRId64 ": finding its page tables: %s", t->pid,
				       t->incomplete ? t->incomplete : "unknown");
	char *buf = malloc(end - start + 1);
	if (!buf)
		return &kd_enomem;
	if ((err = kd_read_virt(s, &t->user_as, start, buf, end - start))) {
		free(buf);
		return err;
	}
	buf[end - start] = '\0';
	*buf_ret = buf;
	*len_ret = end - start;
	return NULL;
}

static void print_strings(struct kd_session *s, const char *label, const char *buf, size_t len)
{
	kd_printf(s, "%s", label);
	for (size_t i = 0; i < len;) {
		size_t n = strnlen(buf + i, len - i);
		kd_printf(s, " %.*s", (int)n, buf + i);
		i += n + 1;
		if (!strcmp(label, "ENV:") && i < len)
			kd_printf(s, "\n    ");
	}
	kd_printf(s, "\n");
}

// ps -a: the header, then ARG: and ENV: from the task's memory.
static void print_args(struct kd_session *s, const struct figures *f, const struct kd_task *t)
{
	print_line(s, 0, t);
	const char *label[] = { "ARG:", "ENV:" };
	const bool have[] = { f->args_ok, f->env_ok };
	const uint64_t off[][2] = { { f->arg_start, f->arg_end }, { f->env_start, f->env_end } };
	const char *missing[] = { "no mm_struct.arg_start", "no mm_struct.env_start" };
	for (int k = 0; k < 2; k++) {
		char *buf = NULL;
		size_t len = 0;
		struct kd_error *err = have[k] ? read_user_area(s, t, off[k][0], off[k][1], &buf, &len)
					       : kd_error_create(KD_ERR_NOTFOUND, "%s", missing[k]);
		if (err) {
			kd_printf(s, "%s (%s)\n", label[k], err->msg);
			kd_error_destroy(err);
		} else {
			print_strings(s, label[k], buf, len);
			free(buf);
		}
	}
}

// ps -p: the chain from init down to this task.
static void print_parents(struct kd_session *s, const struct kd_task *t)
{
	const struct kd_task *chain[64];
	int depth = 0;
	for (const struct kd_task *p = t; p && depth < 64; p = kd_task_by_addr(s, p->parent)) {
		chain[depth++] = p;
		if (p->pid == 0)
			break;
	}
	for (int k = depth - 1; k >= 0; k--)
		print_line(s, depth - 1 - k, chain[k]);
	kd_printf(s, "\n");
}

// ps -c: the task and its children (thread group leaders it is the parent of).
static void print_children(struct kd_session *s, const struct kd_task *t)
{
	print_line(s, 0, t);
	bool any = false;
	for (size_t j = 0; j < kd_task_count(s); j++) {
		const struct kd_task *c = kd_task_get(s, j);
		if (c->parent == t->addr && c->addr != t->addr && c->pid == c->tgid) {
			print_line(s, 2, c);
			any = true;
		}
	}
	if (!any)
		kd_printf(s, "  (no children)\n");
	kd_printf(s, "\n");
}

static void print_times(struct kd_session *s, const struct kd_task *t)
{
	print_line(s, 0, t);
	kd_printf(s, "    START TIME: %" PRIu64 ".%09" PRIu64 "\n       UTIME: %" PRIu64 "\n       STIME: %" PRIu64 "\n",
		  t->start_time / 1000000000, t->start_time % 1000000000, t->utime, t->stime);
}

static void print_summary(struct kd_session *s)
{
	unsigned counts[KD_TS_COUNT] = { 0 };
	for (size_t i = 0; i < kd_task_count(s); i++)
		counts[kd_task_state(kd_task_get(s, i))]++;
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_object(s, NULL);
	for (unsigned k = 0; k < KD_TS_COUNT; k++) {
		const char *name = kd_task_state_name(k, KD_TS_CRASH);
		if (!counts[k])
			continue;
		if (json)
			kd_json_u64(s, name, counts[k]);
		else
			kd_printf(s, "  %s: %u\n", name, counts[k]);
	}
	if (json)
		kd_json_end_object(s);
}

// Name on stderr each task the table lost or holds in part (once each), and
// fail when there was any: the listing above is all ps could read.
static struct kd_error *losses(struct kd_session *s)
{
	size_t lost = 0, part = 0;
	const char *why;
	for (; (why = kd_task_lost(s, lost)); lost++)
		kd_warn(s, "ps: %s", why);
	for (size_t i = 0; i < kd_task_count(s); i++) {
		const struct kd_task *t = kd_task_get(s, i);
		if (t->unknown) {
			kd_warn(s, "ps: %s", t->incomplete ? t->incomplete : "task read in part");
			part++;
		}
	}
	if (!lost && !part)
		return NULL;
	return kd_error_create(KD_ERR_NODATA, "%zu task(s) or list link(s) unreadable, %zu task(s) read in part (named above)",
			       lost, part);
}

static struct kd_error *ps_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	struct figures f;
	if ((err = load(s, &f)))
		return err;
	struct selector sel = { .n = nargs, .args = argv + 1 };
	if (nargs) {
		sel.re = calloc((size_t)nargs, sizeof(*sel.re));
		if (!sel.re)
			return &kd_enomem;
		for (int i = 0; i < nargs; i++)
			if (regcomp(&sel.re[i], argv[i + 1], REG_EXTENDED | REG_NOSUB) != 0) {
				for (int j = 0; j < i; j++)
					regfree(&sel.re[j]);
				free(sel.re);
				return kd_error_create(KD_ERR_USAGE, "bad regular expression '%s'", argv[i + 1]);
			}
	}
	bool json = kd_json_mode(s);
	size_t shown = 0;
	struct mem_memo memo = { .valid = false };
	if (v[O_S].count) {
		print_summary(s);
		goto out;
	}
	if (json)
		kd_json_begin_array(s, NULL);
	bool header = !json && !v[O_H].count && !v[O_A].count && !v[O_P].count && !v[O_T].count;
	for (size_t i = 0; i < kd_task_count(s); i++) {
		const struct kd_task *t = kd_task_get(s, i);
		if (v[O_K].count && !is_kthread(t))
			continue;
		if (v[O_U].count && is_kthread(t))
			continue;
		if (v[O_G].count && t->pid != t->tgid)
			continue;
		if (v[O_AA].count && !is_active(t))
			continue;
		if (!selected(&sel, t))
			continue;
		if (header && !shown++)
			print_header(s); // none when nothing matches
		else
			shown++;
		if (json)
			json_task(s, &f, t, v[O_A].count > 0, v[O_T].count > 0);
		else if (v[O_A].count)
			print_args(s, &f, t);
		else if (v[O_P].count)
			print_parents(s, t);
		else if (v[O_C].count)
			print_children(s, t);
		else if (v[O_T].count)
			print_times(s, t);
		else
			print_task(s, &f, t, &memo);
	}
	if (json)
		kd_json_end_array(s);
	if (nargs && !shown)
		err = kd_error_create(KD_ERR_NOTFOUND, "no task matches '%s'", argv[1]);
out:
	if (!err)
		err = losses(s);
	if (sel.re) {
		for (int i = 0; i < nargs; i++)
			regfree(&sel.re[i]);
		free(sel.re);
	}
	return err;
}

/* ---- context (crash's "set") ---- */

static const struct kd_option ctx_opts[] = {
	{ "c", KD_ARG_INT, "CPU", "the task running on this CPU" },
	KD_OPTION_JSON,
	{ NULL },
};

static void print_context(struct kd_session *s, const struct kd_task *t)
{
	const char *ls = kd_task_state_name(kd_task_state(t), KD_TS_LONG);
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_i64(s, "pid", t->pid);
		kd_json_string(s, "command", t->comm);
		kd_json_hex(s, "task", t->addr);
		kd_json_u64(s, "cpu", t->cpu);
		kd_json_string(s, "state", ls);
		kd_json_end_object(s);
		return;
	}
	// crash marks the panic task (PANIC), other tasks on a CPU (ACTIVE).
	const struct kd_panic *p = NULL;
	kd_error_destroy(kd_panic_find(s, &p));
	bool panic_task = p && p->task && p->task == t->addr;
	kd_printf(s, "     PID: %" PRId64 "\n COMMAND: \"%s\"\n    TASK: %016" PRIx64 "\n     CPU: %u\n   STATE: %s%s\n",
		  t->pid, t->comm, t->addr, t->cpu, ls,
		  panic_task ? " (PANIC)" : is_active(t) ? " (ACTIVE)" : "");
}

static struct kd_error *context_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	if ((err = kd_tasks_load(s)))
		return err;
	const struct kd_task *pick = NULL;
	size_t n = kd_task_count(s);
	if (v[0].count) {
		uint64_t cpu;
		if ((err = kd_parse_u64(v[0].arg, false, &cpu)))
			return err;
		for (size_t i = 0; i < n; i++)
			if (is_active(kd_task_get(s, i)) && kd_task_get(s, i)->cpu == cpu)
				pick = kd_task_get(s, i);
		if (!pick)
			return kd_error_create(KD_ERR_NOTFOUND, "no task is running on CPU %" PRIu64, cpu);
	} else if (nargs == 1) {
		struct selector sel = { .n = 1, .args = argv + 1 };
		for (size_t i = 0; i < n && !pick; i++)
			if (selected(&sel, kd_task_get(s, i)))
				pick = kd_task_get(s, i);
		if (!pick)
			return kd_error_create(KD_ERR_NOTFOUND, "no task with pid or address '%s'", argv[1]);
	} else if (nargs == 0) {
		uint64_t cur = 0;
		bool have_ctx = kd_context_get(s, &cur, NULL);
		for (size_t i = 0; i < n && !pick; i++) {
			const struct kd_task *t = kd_task_get(s, i);
			if (have_ctx ? t->addr == cur : (is_active(t) && t->cpu == 0))
				pick = t;
		}
		if (!pick)
			return kd_error_create(KD_ERR_NOTFOUND, "no current context");
	} else {
		return kd_error_create(KD_ERR_USAGE, "expected one pid or task address");
	}
	kd_context_set(s, pick->addr, pick->user_as.kind == KD_AS_USER ? &pick->user_as : NULL);
	print_context(s, pick);
	return NULL;
}

static const struct kd_command commands[3] = {
	{
		.name = "ps",
		.summary = "the tasks of the dumped kernel",
		.synopsis = "[-k|-u|-G] [-p|-c|-t|-a|-S|-A] [-H] [pid|task|regex]...",
		.help = "List the tasks (processes and threads) in crash's layout: PID, parent PID,\n"
			"CPU, the task_struct address, the state (RU IN UN ST TR DE ZO PA ID), %MEM,\n"
			"virtual size and resident size in KiB, and the command, in [brackets] for\n"
			"kernel threads.  '>' marks the task running on each CPU.  Operands select\n"
			"tasks by pid, task_struct address or a regular expression on the command.\n"
			"Everything is read through the dump's own types (BTF): no vmlinux.\n\n"
			"EXAMPLES\n"
			"  kdive> ps\n"
			"  kdive> ps -u 'kdive'\n"
			"  kdive> ps -a 1\n"
			"  kdive> ps --json | jq '.[] | select(.state == \"UN\")'",
		.options = ps_opts,
		.operand = KD_ARG_PID,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES |
			 KD_CMD_NEEDS_TASKS | KD_CMD_TASK_OPERANDS,
		.run = ps_run,
	},
	{
		.name = "context",
		.summary = "show or set the current task context (crash's set)",
		.synopsis = "[pid | task | -c cpu]",
		.help = "The current context is the task that rd -u, vtop -u and dis -u use for\n"
			"user addresses.  Without an argument, show it (by default the task that\n"
			"was running on CPU 0).  'set PID' does the same.\n\n"
			"EXAMPLES\n"
			"  kdive> context 1\n"
			"  kdive> set -c 1",
		.options = ctx_opts,
		.operand = KD_ARG_PID,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES |
			 KD_CMD_NEEDS_TASKS,
		.run = context_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "ps",
	.version = "1",
	.commands = commands,
};
