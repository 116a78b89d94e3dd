// SPDX-License-Identifier: GPL-3.0-or-later
// sig: a thread group's signal handling in crash's layout: the handler, mask
// and flags of every signal (sighand_struct.action[], include/linux/sched/
// signal.h), the signals pending for the group (signal_struct.shared_pending)
// and, for each thread, its blocked set and its own pending signals
// (task_struct.blocked, .pending: a sigset_t and a list of struct sigqueue,
// include/linux/signal_types.h).  -l lists the signal names, -s decodes a
// sigset.  The numbers and flag bits are the user ABI's
// (include/uapi/asm-generic/signal.h, signal-defs.h), shared by x86_64 and
// arm64; the layouts come from BTF.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/task.h>
#include <kdive/types.h>

enum { SG_L, SG_S, SG_JSON, SG_NOPT };
static const struct kd_option sig_opts[] = {
	[SG_L] = { "l", KD_ARG_NONE, NULL, "list the signal numbers and names" },
	[SG_S] = { "s", KD_ARG_STRING, "SIGSET", "name the signals of a hexadecimal sigset" },
	[SG_JSON] = KD_OPTION_JSON,
	[SG_NOPT] = { NULL },
};

enum { MAX_SIGWORDS = 4, MAX_QUEUE = 1 << 20 };

static const char *const signame[32] = {
	[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP",
	[6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1",
	[11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
	[16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP",
	[21] = "SIGTTIN", [22] = "SIGTTOU", [23] = "SIGURG", [24] = "SIGXCPU", [25] = "SIGXFSZ",
	[26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO", [30] = "SIGPWR",
	[31] = "SIGSYS",
};

// "SIGHUP", "SIGRTMIN+3" (SIGRTMIN is 32 in the kernel's numbering).
static const char *sig_name(unsigned sig, char *buf, size_t size)
{
	if (sig < 32 && signame[sig])
		return signame[sig];
	if (sig == 32)
		return "SIGRTMIN";
	snprintf(buf, size, "SIGRTMIN+%u", sig - 32);
	return buf;
}

static const struct {
	uint64_t bit;
	const char *name;
} sa_flags[] = {
	{ 0x1, "SA_NOCLDSTOP" }, { 0x2, "SA_NOCLDWAIT" }, { 0x4, "SA_SIGINFO" },
	{ 0x400, "SA_UNSUPPORTED" }, { 0x800, "SA_EXPOSE_TAGBITS" }, { 0x04000000, "SA_RESTORER" },
	{ 0x08000000, "SA_ONSTACK" }, { 0x10000000, "SA_RESTART" }, { 0x40000000, "SA_NODEFER" },
	{ 0x80000000, "SA_RESETHAND" },
};

// What sig reads, from BTF.
struct layout {
	unsigned nsig;        // signals: the length of sighand_struct.action
	unsigned words;       // unsigned longs in a sigset_t
	uint64_t sighand, signal, blocked, pending, action, action_size;
	uint64_t sa_handler, sa_flags, sa_mask;
	uint64_t nr_threads, shared_pending;
	uint64_t sp_list, sp_signal, sq_list, sq_signo;
};

static struct kd_error *member(struct kd_session *s, const char *type, const char *path, uint64_t *off,
			       struct kd_member_info *mi)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	if (err)
		return err;
	*off = m.offset;
	if (mi)
		*mi = m;
	return NULL;
}

static struct kd_error *get_layout(struct kd_session *s, struct layout *l)
{
	struct kd_member_info act, set;
	struct kd_error *err;
	if ((err = member(s, "task_struct", "sighand", &l->sighand, NULL)) ||
	    (err = member(s, "task_struct", "signal", &l->signal, NULL)) ||
	    (err = member(s, "task_struct", "blocked", &l->blocked, NULL)) ||
	    (err = member(s, "task_struct", "pending", &l->pending, NULL)) ||
	    (err = member(s, "sighand_struct", "action", &l->action, &act)) ||
	    (err = member(s, "k_sigaction", "sa.sa_handler", &l->sa_handler, NULL)) ||
	    (err = member(s, "k_sigaction", "sa.sa_flags", &l->sa_flags, NULL)) ||
	    (err = member(s, "k_sigaction", "sa.sa_mask", &l->sa_mask, NULL)) ||
	    (err = member(s, "signal_struct", "nr_threads", &l->nr_threads, NULL)) ||
	    (err = member(s, "signal_struct", "shared_pending", &l->shared_pending, NULL)) ||
	    (err = member(s, "sigpending", "list", &l->sp_list, NULL)) ||
	    (err = member(s, "sigpending", "signal", &l->sp_signal, &set)) ||
	    (err = member(s, "sigqueue", "list", &l->sq_list, NULL)) ||
	    (err = member(s, "sigqueue", "info.si_signo", &l->sq_signo, NULL)))
		return err;
	if (!act.nelems || act.nelems > 64 * MAX_SIGWORDS || set.size % 8 || !set.size ||
	    set.size > 8 * MAX_SIGWORDS)
		return kd_error_create(KD_ERR_UNSUPPORTED, "unexpected shape of sighand_struct.action or sigset_t");
	l->nsig = (unsigned)act.nelems;
	l->action_size = act.size / act.nelems;
	l->words = (unsigned)(set.size / 8);
	return NULL;
}

struct sigset {
	uint64_t w[MAX_SIGWORDS];
};

static struct kd_error *read_set(struct kd_session *s, const struct layout *l, uint64_t addr, struct sigset *ret)
{
	unsigned char buf[8 * MAX_SIGWORDS];
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = kd_read_kernel(s, addr, buf, l->words * 8u);
	if (err)
		return err;
	for (unsigned i = 0; i < l->words; i++)
		ret->w[i] = kd_dump_u64(s, buf + 8 * i);
	return NULL;
}

// The set as /proc/PID/status prints it: the highest word first.
static void fmt_set(const struct layout *l, const struct sigset *set, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = l->words; i-- > 0 && n < size;)
		n += (size_t)snprintf(buf + n, size - n, "%016" PRIx64, set->w[i]);
}

struct counts {
	size_t bad;
};

static void lost(struct kd_session *s, struct counts *c, struct kd_error *err, const char *what, uint64_t addr)
{
	kd_warn(s, "sig: %s at 0x%" PRIx64 ": %s", what, addr, err->msg);
	kd_error_destroy(err);
	c->bad++;
}

// A struct sigpending: its set and its queue of struct sigqueue.
static void show_pending(struct kd_session *s, const struct layout *l, const char *title, uint64_t sp,
			 struct counts *c)
{
	bool json = kd_json_mode(s);
	struct sigset set;
	struct kd_error *err = read_set(s, l, sp + l->sp_signal, &set);
	if (err)
		lost(s, c, err, "sigpending", sp);
	char buf[16 * MAX_SIGWORDS + 1];
	fmt_set(l, &set, buf, sizeof(buf));
	if (json) {
		kd_json_begin_object(s, title);
		kd_json_string(s, "signal", buf);
		kd_json_begin_array(s, "queue");
	} else {
		kd_printf(s, "%s\n    SIGNAL: %s\n", title, buf);
	}
	uint64_t head = sp + l->sp_list, next;
	struct kd_cycle cy = { 0 };
	size_t n = 0;
	if ((err = kd_read_member_u64(s, "list_head", "next", head, &next))) {
		lost(s, c, err, "sigpending list", head);
		next = head;
	}
	while (next != head) {
		if (!next || n >= MAX_QUEUE || kd_cycle_step(&cy, next)) {
			lost(s, c, kd_error_create(KD_ERR_CORRUPT, "the queue does not end"), "sigpending list", head);
			break;
		}
		uint64_t q = next - l->sq_list, signo = 0;
		if ((err = kd_read_member_u64(s, "sigqueue", "info.si_signo", q, &signo))) {
			lost(s, c, err, "sigqueue", q);
			break;
		}
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "signal", (uint32_t)signo);
			kd_json_hex(s, "sigqueue", q);
			kd_json_end_object(s);
		} else {
			if (!n)
				kd_printf(s, "  SIGQUEUE:  SIG  SIGINFO\n");
			kd_printf(s, "             %3u  %016" PRIx64 "\n", (unsigned)signo, q + l->sq_signo);
		}
		n++;
		if ((err = kd_read_member_u64(s, "list_head", "next", next, &next))) {
			lost(s, c, err, "sigqueue", q);
			break;
		}
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	} else if (!n) {
		kd_printf(s, "  SIGQUEUE: (empty)\n");
	}
}

static void show_handlers(struct kd_session *s, const struct layout *l, uint64_t sighand, struct counts *c)
{
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, "handlers");
	else
		kd_printf(s, " SIG SIGACTION        HANDLER          MASK             FLAGS\n");
	// A run of unreadable k_sigactions (a missing page) is named once.
	unsigned run_from = 0;
	uint64_t run_addr = 0;
	struct kd_error *run_err = NULL;
	for (unsigned sig = 1; sig <= l->nsig + 1; sig++) {
		uint64_t ka = sighand + l->action + (sig - 1) * l->action_size;
		uint64_t handler = 0, flags = 0;
		struct sigset mask;
		struct kd_error *err = NULL;
		if (sig <= l->nsig &&
		    ((err = kd_read_member_u64(s, "k_sigaction", "sa.sa_handler", ka, &handler)) ||
		     (err = kd_read_member_u64(s, "k_sigaction", "sa.sa_flags", ka, &flags)) ||
		     (err = read_set(s, l, ka + l->sa_mask, &mask)))) {
			if (!run_err) {
				run_from = sig;
				run_addr = ka;
				run_err = err;
			} else {
				kd_error_destroy(err);
			}
			continue;
		}
		if (run_err) {
			kd_warn(s, "sig: k_sigaction at 0x%" PRIx64 " (signals %u-%u): %s", run_addr, run_from, sig - 1,
				run_err->msg);
			kd_error_destroy(run_err);
			run_err = NULL;
			c->bad++;
		}
		if (sig > l->nsig)
			break;
		char hb[24], mb[16 * MAX_SIGWORDS + 1], nb[24];
		if (handler == 0)
			snprintf(hb, sizeof(hb), "SIG_DFL");
		else if (handler == 1)
			snprintf(hb, sizeof(hb), "SIG_IGN");
		else if (handler == UINT64_MAX)
			snprintf(hb, sizeof(hb), "SIG_ERR");
		else
			snprintf(hb, sizeof(hb), "%" PRIx64, handler);
		fmt_set(l, &mask, mb, sizeof(mb));
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "signal", sig);
			kd_json_string(s, "name", sig_name(sig, nb, sizeof(nb)));
			kd_json_hex(s, "sigaction", ka);
			kd_json_string(s, "handler", hb);
			kd_json_string(s, "mask", mb);
			kd_json_hex(s, "flags", flags);
			kd_json_begin_array(s, "flag_names");
			for (size_t i = 0; i < sizeof(sa_flags) / sizeof(sa_flags[0]); i++)
				if (flags & sa_flags[i].bit)
					kd_json_string(s, NULL, sa_flags[i].name);
			kd_json_end_array(s);
			kd_json_end_object(s);
			continue;
		}
		char num[16];
		snprintf(num, sizeof(num), "[%u]", sig);
		kd_printf(s, "%4s %016" PRIx64 " %-16s %s %" PRIx64, num, ka, hb, mb, flags);
		const char *sep = " (";
		for (size_t i = 0; i < sizeof(sa_flags) / sizeof(sa_flags[0]); i++)
			if (flags & sa_flags[i].bit) {
				kd_printf(s, "%s%s", sep, sa_flags[i].name);
				sep = "|";
			}
		kd_printf(s, "%s\n", *sep == '|' ? ")" : "");
	}
	if (json)
		kd_json_end_array(s);
}

static void show_thread(struct kd_session *s, const struct layout *l, const struct kd_task *t, struct counts *c)
{
	bool json = kd_json_mode(s);
	char hdr[128], buf[16 * MAX_SIGWORDS + 1];
	struct sigset blocked;
	struct kd_error *err = read_set(s, l, t->addr + l->blocked, &blocked);
	if (err)
		lost(s, c, err, "task_struct", t->addr);
	fmt_set(l, &blocked, buf, sizeof(buf));
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_i64(s, "pid", t->pid);
		kd_json_hex(s, "task", t->addr);
		kd_json_string(s, "blocked", buf);
	} else {
		kd_printf(s, "\n%s\n", kd_task_header(t, hdr, sizeof(hdr)));
		kd_printf(s, "   BLOCKED: %s\n", buf);
	}
	show_pending(s, l, json ? "pending" : "PRIVATE_PENDING", t->addr + l->pending, c);
	if (json)
		kd_json_end_object(s);
}

static struct kd_error *sig_task(struct kd_session *s, const struct layout *l, const struct kd_task *t,
				 struct counts *c)
{
	bool json = kd_json_mode(s);
	uint64_t sighand, signal, nr = 0;
	struct kd_error *err;
	if ((err = kd_read_member_u64(s, "task_struct", "sighand", t->addr, &sighand)) ||
	    (err = kd_read_member_u64(s, "task_struct", "signal", t->addr, &signal)))
		return kd_error_prefix(err, "task at 0x%" PRIx64, t->addr);
	if (signal && (err = kd_read_member_u64(s, "signal_struct", "nr_threads", signal, &nr))) {
		lost(s, c, err, "signal_struct", signal);
		err = NULL;
	}
	char hdr[128];
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_i64(s, "pid", t->pid);
		kd_json_hex(s, "task", t->addr);
		kd_json_string(s, "comm", t->comm);
		kd_json_hex(s, "signal_struct", signal);
		kd_json_hex(s, "sighand_struct", sighand);
		kd_json_i64(s, "nr_threads", (int32_t)nr);
	} else {
		kd_printf(s, "%s\n", kd_task_header(t, hdr, sizeof(hdr)));
		kd_printf(s, "SIGNAL_STRUCT: %016" PRIx64 "  NR_THREADS: %d\n", signal, (int32_t)nr);
	}
	if (sighand)
		show_handlers(s, l, sighand, c);
	else if (!json)
		kd_printf(s, "(no sighand_struct: the task has exited)\n");
	if (signal)
		show_pending(s, l, json ? "shared_pending" : "SHARED_PENDING", signal + l->shared_pending, c);
	// Each thread of the group, in pid order (the one asked for alone if it
	// is not in the table's groups).
	if (json)
		kd_json_begin_array(s, "threads");
	bool any = false;
	for (size_t i = 0; i < kd_task_count(s); i++) {
		const struct kd_task *u = kd_task_get(s, i);
		if (u->tgid == t->tgid && !(u->status & KD_TASK_CPU_IDLE) && !(u->unknown & KD_TU_TGID) &&
		    (t->pid || u == t)) {
			show_thread(s, l, u, c);
			any = true;
		}
	}
	if (!any)
		show_thread(s, l, t, c);
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	return NULL;
}

static struct kd_error *list_names(struct kd_session *s, const char *set_text)
{
	uint64_t w[MAX_SIGWORDS] = { 0 };
	unsigned nsig = 64;
	if (set_text) {
		// Hex digits, the highest word first as /proc prints them.
		const char *p = set_text;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2;
		size_t len = strlen(p);
		if (!len || len > 16 * MAX_SIGWORDS || strspn(p, "0123456789abcdefABCDEF") != len)
			return kd_error_create(KD_ERR_USAGE, "'%s' is not a hexadecimal sigset", set_text);
		for (size_t i = 0; i < len; i++) {
			char ch = p[len - 1 - i];
			unsigned v = ch <= '9' ? (unsigned)(ch - '0') : (unsigned)((ch | 0x20) - 'a' + 10);
			w[i / 16] |= (uint64_t)v << (4 * (i % 16));
		}
		nsig = 64 * MAX_SIGWORDS;
	}
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	char nb[24];
	for (unsigned sig = 1; sig <= nsig; sig++) {
		if (set_text && !(w[(sig - 1) / 64] >> ((sig - 1) % 64) & 1))
			continue;
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "signal", sig);
			kd_json_string(s, "name", sig_name(sig, nb, sizeof(nb)));
			kd_json_end_object(s);
		} else {
			char num[16];
			snprintf(num, sizeof(num), "[%u]", sig);
			kd_printf(s, "%5s %s\n", num, sig_name(sig, nb, sizeof(nb)));
		}
	}
	if (json)
		kd_json_end_array(s);
	return NULL;
}

static struct kd_error *sig_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	struct kd_error *err = NULL;
	if (v[SG_L].count || v[SG_S].arg) {
		if (args->argc > 1)
			return kd_error_create(KD_ERR_USAGE, "-l and -s take no task operands");
		return list_names(s, v[SG_S].arg);
	}
	if ((err = kd_tasks_load(s)))
		return err;
	struct layout l;
	if ((err = get_layout(s, &l)))
		return err;
	const struct kd_task **list = calloc((size_t)args->argc, sizeof(*list));
	if (!list)
		return &kd_enomem;
	int n = 0;
	if (args->argc == 1 && !(list[n++] = kd_task_current(s)))
		err = kd_error_create(KD_ERR_NOTFOUND, "no current context");
	for (int i = 1; i < args->argc && !err; i++)
		err = kd_task_lookup(s, args->argv[i], &list[n++]);
	bool json = kd_json_mode(s);
	bool began = !err && json;
	struct counts c = { 0 };
	if (began)
		kd_json_begin_array(s, NULL);
	for (int i = 0; i < n && !err; i++) {
		if (i && !json)
			kd_printf(s, "\n");
		err = sig_task(s, &l, list[i], &c);
	}
	if (began)
		kd_json_end_array(s);
	free(list);
	if (!err && c.bad)
		err = kd_error_create(KD_ERR_NODATA, "%zu signal structure(s) unreadable (named above)", c.bad);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "sig",
	.summary = "a task's signal handlers, pending and blocked signals",
	.synopsis = "[pid | task]... | -l | -s SIGSET",
	.help = "For each task (the current context without operands) print its thread\n"
		"group's signal_struct and, for every signal, the k_sigaction: its address,\n"
		"the handler (SIG_DFL, SIG_IGN or a user address), the mask of signals\n"
		"blocked while it runs and its SA_ flags; then the signals pending for the\n"
		"whole group (SHARED_PENDING, with their queue of struct sigqueue) and, for\n"
		"each thread of the group, its blocked set and its own pending signals.\n"
		"Sets print as /proc/PID/status prints them (SigBlk, SigPnd, ShdPnd).\n"
		"-l lists the signal names; -s SIGSET names the signals in a hexadecimal set.\n\n"
		"EXAMPLES\n"
		"  kdive> sig 103\n"
		"  PID: 103    TASK: ffff8a8fc2680000  CPU: 1   COMMAND: \"kdive-marker\"\n"
		"  SIGNAL_STRUCT: ffff8a8fc2651000  NR_THREADS: 3\n"
		"   SIG SIGACTION        HANDLER          MASK             FLAGS\n"
		"   [1] ffff8a8fc2654020 SIG_DFL          0000000000000000 0\n"
		"  ...\n"
		"  kdive> sig -s 0000000000000801\n"
		"  kdive> sig --json 1 | jq '.[0].handlers[] | select(.handler != \"SIG_DFL\")'",
	.options = sig_opts,
	.operand = KD_ARG_PID,
	.flags = KD_CMD_USES_SYMBOLS | KD_CMD_USES_TYPES | KD_CMD_CONTEXT_TASK,
	.run = sig_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "sig",
	.version = "1",
	.commands = commands,
};
