// SPDX-License-Identifier: GPL-3.0-or-later
// ps and context: the task list of the dumped kernel, in crash's layout, and
// the current context used by rd -u, vtop -u and dis -u.
//
// Everything comes from the dump: the list heads and fields of task_struct,
// signal_struct, mm_struct and rq are looked up in the dump's BTF at run
// time, so a new kernel works without code changes.  Where a structure
// changed shape across versions this file asks the types which shape it has:
// the task state is `__state` (5.14+) or `state`; threads hang off
// signal_struct.thread_head (6.x) or task_struct.thread_group (older); the
// CPU is task_struct.cpu or thread_info.cpu; mm rss counters are an array of
// atomic_long_t in mm_rss_stat (<= 6.1) or an array of percpu_counter (6.2+).
// The state letters follow fs/proc/array.c task_state_array: bit i of
// (state | exit_state) & TASK_REPORT names the state, TASK_IDLE is its own.
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

// include/linux/sched.h: flags and state bits that are ABI for /proc.
enum {
	PF_KTHREAD = 0x00200000,
	TASK_UNINTERRUPTIBLE = 0x2,
	TASK_NOLOAD = 0x400,
	TASK_REPORT = 0x7f,
};
enum { MAX_TASKS = 1 << 22, MAX_THREADS = 1 << 20, COMM_LEN = 16 };

struct member {
	bool ok;
	struct kd_member_info m;
};

struct layout {
	uint64_t task_size;
	struct member tasks, pid, tgid, comm, state, exit_state, mm, real_parent, parent, flags, cpu,
		signal, thread_node, thread_group, start_time, utime, stime;
	struct member mm_total_vm, mm_rss_stat, mm_pgd, mm_arg_start, mm_arg_end, mm_env_start,
		mm_env_end;
	struct member sig_thread_head;
	struct member rq_curr, rq_idle;
	// rss: either atomic_long_t count[N] (count_off, stride 8) or
	// percpu_counter[N] (count at pc_count, per-cpu s32 array at pc_counters)
	bool rss_percpu;
	uint64_t rss_n, rss_stride, pc_count, pc_counters;
	int64_t mm_file, mm_anon, mm_shmem;
	uint64_t init_task, runqueues;
	unsigned ncpus;
	uint64_t totalram_pages;
};

struct task {
	uint64_t addr, mm, parent_addr;
	int64_t pid, tgid, ppid;
	unsigned cpu;
	uint64_t state, exit_state, flags;
	uint64_t vsz_kb, rss_kb;
	uint64_t start_time, utime, stime;
	char comm[COMM_LEN + 1];
	bool active, idle_task;
};

static void get_member(struct kd_session *s, const char *type, const char *path, struct member *m)
{
	struct kd_error *err = kd_type_member(s, type, path, &m->m);
	m->ok = err == NULL;
	kd_error_destroy(err);
}

static struct kd_error *need(const struct member *m, const char *what)
{
	if (!m->ok)
		return kd_error_create(KD_ERR_NOTFOUND, "the dump's types have no %s", what);
	return NULL;
}

static uint64_t extract(struct kd_session *s, const struct member *m, const void *buf, size_t len)
{
	uint64_t v = 0;
	if (m->ok) {
		struct kd_error *err = kd_member_extract(s, &m->m, buf, len, &v);
		if (err) {
			kd_error_destroy(err);
			v = 0;
		}
	}
	return v;
}

static struct kd_error *read_u64(struct kd_session *s, uint64_t addr, uint64_t *v)
{
	return kd_read_kernel(s, addr, v, 8);
}

// For optional figures: true if it worked; a failure is not an error.
static bool ok(struct kd_error *err)
{
	bool r = err == NULL;
	kd_error_destroy(err);
	return r;
}

static struct kd_error *get_layout(struct kd_session *s, struct layout *l)
{
	memset(l, 0, sizeof(*l));
	if (!kd_symbols_available(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "needs the kernel's symbols (none found in the dump)");
	if (!kd_types_available(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "needs the kernel's types (no BTF found in the dump)");
	struct kd_error *err;
	if ((err = kd_type_size(s, "task_struct", &l->task_size)))
		return err;
	if (l->task_size == 0 || l->task_size > (1 << 20))
		return kd_error_create(KD_ERR_CORRUPT, "task_struct has an impossible size %" PRIu64, l->task_size);
	get_member(s, "task_struct", "tasks", &l->tasks);
	get_member(s, "task_struct", "pid", &l->pid);
	get_member(s, "task_struct", "tgid", &l->tgid);
	get_member(s, "task_struct", "comm", &l->comm);
	get_member(s, "task_struct", "__state", &l->state);
	if (!l->state.ok)
		get_member(s, "task_struct", "state", &l->state);
	get_member(s, "task_struct", "exit_state", &l->exit_state);
	get_member(s, "task_struct", "mm", &l->mm);
	get_member(s, "task_struct", "real_parent", &l->real_parent);
	get_member(s, "task_struct", "parent", &l->parent);
	get_member(s, "task_struct", "flags", &l->flags);
	get_member(s, "task_struct", "cpu", &l->cpu);
	if (!l->cpu.ok)
		get_member(s, "task_struct", "thread_info.cpu", &l->cpu);
	get_member(s, "task_struct", "signal", &l->signal);
	get_member(s, "task_struct", "thread_node", &l->thread_node);
	get_member(s, "task_struct", "thread_group", &l->thread_group);
	get_member(s, "task_struct", "start_time", &l->start_time);
	get_member(s, "task_struct", "utime", &l->utime);
	get_member(s, "task_struct", "stime", &l->stime);
	get_member(s, "signal_struct", "thread_head", &l->sig_thread_head);
	get_member(s, "mm_struct", "total_vm", &l->mm_total_vm);
	get_member(s, "mm_struct", "rss_stat", &l->mm_rss_stat);
	get_member(s, "mm_struct", "pgd", &l->mm_pgd);
	get_member(s, "mm_struct", "arg_start", &l->mm_arg_start);
	get_member(s, "mm_struct", "arg_end", &l->mm_arg_end);
	get_member(s, "mm_struct", "env_start", &l->mm_env_start);
	get_member(s, "mm_struct", "env_end", &l->mm_env_end);
	get_member(s, "rq", "curr", &l->rq_curr);
	get_member(s, "rq", "idle", &l->rq_idle);
	if ((err = need(&l->tasks, "task_struct.tasks")) || (err = need(&l->pid, "task_struct.pid")) ||
	    (err = need(&l->tgid, "task_struct.tgid")) || (err = need(&l->comm, "task_struct.comm")) ||
	    (err = need(&l->state, "task_struct.__state or task_struct.state")))
		return err;
	if (l->comm.m.offset + COMM_LEN > l->task_size)
		return kd_error_create(KD_ERR_CORRUPT, "task_struct.comm lies outside task_struct");

	// rss_stat's shape, by its type.
	if (l->mm_rss_stat.ok) {
		struct kd_member_info cnt;
		struct kd_error *e2 = kd_type_member(s, "mm_struct", "rss_stat.count", &cnt);
		if (!e2 && cnt.nelems) {
			l->rss_n = cnt.nelems;
			l->rss_stride = cnt.size / cnt.nelems;
			l->pc_count = cnt.offset - l->mm_rss_stat.m.offset;
		} else if (l->mm_rss_stat.m.nelems) {
			struct kd_member_info c, pcs;
			struct kd_error *e3 = kd_type_member(s, "percpu_counter", "count", &c);
			struct kd_error *e4 = kd_type_member(s, "percpu_counter", "counters", &pcs);
			if (!e3 && !e4) {
				l->rss_percpu = true;
				l->rss_n = l->mm_rss_stat.m.nelems;
				l->rss_stride = l->mm_rss_stat.m.size / l->rss_n;
				l->pc_count = c.offset;
				l->pc_counters = pcs.offset;
			}
			kd_error_destroy(e3);
			kd_error_destroy(e4);
		}
		kd_error_destroy(e2);
		l->mm_file = l->mm_anon = l->mm_shmem = -1;
		struct kd_error *e5 = kd_enum_value(s, NULL, "MM_FILEPAGES", &l->mm_file);
		kd_error_destroy(e5);
		e5 = kd_enum_value(s, NULL, "MM_ANONPAGES", &l->mm_anon);
		kd_error_destroy(e5);
		e5 = kd_enum_value(s, NULL, "MM_SHMEMPAGES", &l->mm_shmem);
		kd_error_destroy(e5);
	}
	if ((err = kd_symbol_address(s, "init_task", &l->init_task)))
		return err;
	err = kd_symbol_address(s, "runqueues", &l->runqueues);
	if (err) {
		kd_error_destroy(err);
		l->runqueues = 0;
	}
	l->ncpus = kd_dump_nr_cpus(s);
	uint64_t ids, v = 0;
	if (ok(kd_symbol_address(s, "nr_cpu_ids", &ids)) && ok(kd_read_kernel(s, ids, &v, 4)) && v && v < 65536)
		l->ncpus = (unsigned)(v & 0xffffffff);
	uint64_t tr;
	err = kd_symbol_address(s, "_totalram_pages", &tr);
	if (!err)
		err = read_u64(s, tr, &l->totalram_pages);
	if (err) {
		kd_error_destroy(err);
		l->totalram_pages = kd_phys_total(s) / kd_page_size(s);
	}
	return NULL;
}

static uint64_t mm_rss_pages(struct kd_session *s, const struct layout *l, uint64_t mm)
{
	if (!l->rss_n || !l->mm_rss_stat.ok)
		return 0;
	int64_t total = 0;
	const int64_t idx[] = { l->mm_file, l->mm_anon, l->mm_shmem };
	for (size_t k = 0; k < 3; k++) {
		if (idx[k] < 0 || (uint64_t)idx[k] >= l->rss_n)
			continue;
		uint64_t base = mm + l->mm_rss_stat.m.offset + (uint64_t)idx[k] * l->rss_stride;
		int64_t v = 0;
		if (ok(kd_read_kernel(s, base + l->pc_count, &v, 8)) && l->rss_percpu) {
			// percpu_counter: the shared count plus each CPU's delta.
			uint64_t pcp = 0;
			struct kd_error *err = read_u64(s, base + l->pc_counters, &pcp);
			for (unsigned cpu = 0; !err && pcp && cpu < l->ncpus; cpu++) {
				uint64_t off;
				int32_t d = 0;
				if (ok(kd_percpu_offset(s, cpu, &off)) && ok(kd_read_kernel(s, pcp + off, &d, 4)))
					v += d;
			}
			kd_error_destroy(err);
		}
		if (v > 0)
			total += v;
	}
	return (uint64_t)total;
}

// group, when not NULL, is the thread group's leader, already read: its
// threads share its mm, whose VSZ and RSS need not be read again.
static struct kd_error *read_task(struct kd_session *s, const struct layout *l, uint64_t addr,
				  unsigned char *buf, struct task *t, const struct task *group)
{
	memset(t, 0, sizeof(*t));
	struct kd_error *err = kd_read_kernel(s, addr, buf, l->task_size);
	if (err)
		return kd_error_prefix(err, "reading task_struct at 0x%" PRIx64, addr);
	size_t n = l->task_size;
	t->addr = addr;
	t->pid = (int32_t)extract(s, &l->pid, buf, n);
	t->tgid = (int32_t)extract(s, &l->tgid, buf, n);
	memcpy(t->comm, buf + l->comm.m.offset, COMM_LEN);
	t->comm[COMM_LEN] = '\0';
	t->state = extract(s, &l->state, buf, n);
	t->exit_state = extract(s, &l->exit_state, buf, n);
	t->flags = extract(s, &l->flags, buf, n);
	t->cpu = (unsigned)extract(s, &l->cpu, buf, n);
	t->mm = extract(s, &l->mm, buf, n);
	t->start_time = extract(s, &l->start_time, buf, n);
	t->utime = extract(s, &l->utime, buf, n);
	t->stime = extract(s, &l->stime, buf, n);
	t->parent_addr = extract(s, l->real_parent.ok ? &l->real_parent : &l->parent, buf, n);
	if (t->mm && group && group->mm == t->mm) {
		t->vsz_kb = group->vsz_kb;
		t->rss_kb = group->rss_kb;
	} else if (t->mm) {
		uint64_t tv = 0;
		if (l->mm_total_vm.ok && ok(kd_read_kernel(s, t->mm + l->mm_total_vm.m.offset, &tv, 8)))
			t->vsz_kb = tv * (kd_page_size(s) / 1024);
		t->rss_kb = mm_rss_pages(s, l, t->mm) * (kd_page_size(s) / 1024);
	}
	return NULL;
}

// fs/proc/array.c task_state_array, and crash's two-letter names.
static const char *state_name(const struct task *t, bool crash_style)
{
	static const char *const crash_names[] = { "RU", "IN", "UN", "ST", "TR", "DE", "ZO", "PA", "ID" };
	static const char *const proc_names[] = { "R", "S", "D", "T", "t", "X", "Z", "P", "I" };
	uint64_t st = (t->state | t->exit_state) & TASK_REPORT;
	unsigned idx = 0;
	if ((t->state & (TASK_UNINTERRUPTIBLE | TASK_NOLOAD)) == (TASK_UNINTERRUPTIBLE | TASK_NOLOAD) &&
	    !t->exit_state)
		idx = 8;
	else
		while (st) {
			idx++;
			st >>= 1;
		}
	if (idx > 8)
		idx = 8;
	return crash_style ? crash_names[idx] : proc_names[idx];
}


struct tasklist {
	struct task *v;
	size_t n, cap;
};

static struct kd_error *push(struct tasklist *tl, const struct task *t)
{
	if (tl->n >= MAX_TASKS)
		return kd_error_create(KD_ERR_CORRUPT, "more than %d tasks (a corrupted list?)", MAX_TASKS);
	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 256;
		struct task *nv = realloc(tl->v, cap * sizeof(*nv));
		if (!nv)
			return &kd_enomem;
		tl->v = nv;
		tl->cap = cap;
	}
	tl->v[tl->n++] = *t;
	return NULL;
}

// Add task at addr and, if it leads a thread group, its other threads.
static struct kd_error *add_group(struct kd_session *s, const struct layout *l, uint64_t addr,
				  unsigned char *buf, struct tasklist *tl)
{
	struct task t;
	struct kd_error *err = read_task(s, l, addr, buf, &t, NULL);
	if (err)
		return err;
	uint64_t sig = extract(s, &l->signal, buf, l->task_size);
	if ((err = push(tl, &t)))
		return err;
	if (l->thread_node.ok && l->sig_thread_head.ok && sig) {
		uint64_t head = sig + l->sig_thread_head.m.offset, node;
		if ((err = read_u64(s, head, &node)))
			return kd_error_prefix(err, "reading the threads of pid %" PRId64, t.pid);
		struct kd_cycle c = { 0 };
		for (unsigned k = 0; node != head; k++) {
			if (k > MAX_THREADS || kd_cycle_step(&c, node))
				return kd_error_create(KD_ERR_CORRUPT, "the thread list of pid %" PRId64 " does not end (corrupted?)", t.pid);
			uint64_t th = node - l->thread_node.m.offset;
			if (th != addr) {
				struct task tt;
				if ((err = read_task(s, l, th, buf, &tt, &t)) || (err = push(tl, &tt)))
					return err;
			}
			if ((err = read_u64(s, node, &node)))
				return err;
		}
	} else if (l->thread_group.ok) {
		uint64_t head = addr + l->thread_group.m.offset, node;
		if ((err = read_u64(s, head, &node)))
			return err;
		struct kd_cycle c = { 0 };
		for (unsigned k = 0; node != head; k++) {
			if (k > MAX_THREADS || kd_cycle_step(&c, node))
				return kd_error_create(KD_ERR_CORRUPT, "the thread list of pid %" PRId64 " does not end (corrupted?)", t.pid);
			struct task tt;
			if ((err = read_task(s, l, node - l->thread_group.m.offset, buf, &tt, &t)) ||
			    (err = push(tl, &tt)) || (err = read_u64(s, node, &node)))
				return err;
		}
	}
	return NULL;
}

static int cmp_task(const void *a, const void *b)
{
	const struct task *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct task *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static struct task *find_addr(struct tasklist *tl, uint64_t addr)
{
	size_t lo = 0, hi = tl->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (tl->v[mid].addr == addr)
			return &tl->v[mid];
		if (tl->v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

// The whole task list: init_task, every process on init_task.tasks with its
// threads, and each CPU's idle task; sorted by pid, ppid filled in, the
// tasks running on a CPU marked active.
static struct kd_error *collect(struct kd_session *s, const struct layout *l, struct tasklist *tl)
{
	memset(tl, 0, sizeof(*tl));
	unsigned char *buf = malloc(l->task_size);
	if (!buf)
		return &kd_enomem;
	struct kd_error *err = add_group(s, l, l->init_task, buf, tl);
	uint64_t head = l->init_task + l->tasks.m.offset, node = 0;
	if (!err)
		err = read_u64(s, head, &node);
	struct kd_cycle seen = { 0 };
	for (size_t k = 0; !err && node != head; k++) {
		if (k > MAX_TASKS || kd_cycle_step(&seen, node)) {
			err = kd_error_create(KD_ERR_CORRUPT, "the task list does not end (corrupted?)");
			break;
		}
		if ((err = kd_check_interrupt(s)))
			break;
		uint64_t t = node - l->tasks.m.offset;
		err = add_group(s, l, t, buf, tl);
		if (!err)
			err = read_u64(s, node, &node);
	}
	// Per-CPU runqueues: the current task (crash's '>') and the idle tasks.
	if (!err && l->runqueues && l->rq_curr.ok) {
		qsort(tl->v, tl->n, sizeof(*tl->v), cmp_addr);
		for (unsigned cpu = 0; cpu < l->ncpus && cpu < 65536; cpu++) {
			uint64_t off, curr = 0, idle = 0;
			struct kd_error *e2 = kd_percpu_offset(s, cpu, &off);
			if (!e2)
				e2 = read_u64(s, l->runqueues + off + l->rq_curr.m.offset, &curr);
			if (!e2 && l->rq_idle.ok)
				e2 = read_u64(s, l->runqueues + off + l->rq_idle.m.offset, &idle);
			if (e2) {
				kd_error_destroy(e2);
				continue;
			}
			if (idle && !find_addr(tl, idle)) {
				struct task t;
				if (ok(read_task(s, l, idle, buf, &t, NULL))) {
					t.idle_task = true;
					t.cpu = cpu;
					push(tl, &t);
					qsort(tl->v, tl->n, sizeof(*tl->v), cmp_addr);
				}
			}
			struct task *c = find_addr(tl, curr);
			if (c)
				c->active = true;
		}
	}
	if (!err) {
		qsort(tl->v, tl->n, sizeof(*tl->v), cmp_addr);
		for (size_t i = 0; i < tl->n; i++) {
			struct task *p = find_addr(tl, tl->v[i].parent_addr);
			// The idle tasks (pid 0) have no parent to show, as in crash.
			tl->v[i].ppid = p && p != &tl->v[i] && tl->v[i].pid ? p->tgid : 0;
		}
		qsort(tl->v, tl->n, sizeof(*tl->v), cmp_task);
	}
	free(buf);
	if (err) {
		free(tl->v);
		tl->v = NULL;
		tl->n = 0;
	}
	return err;
}

static bool is_kthread(const struct task *t)
{
	return (t->flags & PF_KTHREAD) || t->pid == 0;
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

static bool selected(const struct selector *sel, const struct task *t)
{
	if (!sel->n)
		return true;
	for (int i = 0; i < sel->n; i++) {
		const char *a = sel->args[i];
		char *end;
		long long pid = strtoll(a, &end, 10);
		if (*a && !*end && pid == t->pid)
			return true;
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

static void print_task(struct kd_session *s, const struct layout *l, const struct task *t)
{
	double mem = l->totalram_pages ? 100.0 * (double)t->rss_kb / (double)(l->totalram_pages * (kd_page_size(s) / 1024)) : 0;
	char comm[COMM_LEN + 3];
	snprintf(comm, sizeof(comm), is_kthread(t) ? "[%s]" : "%s", t->comm);
	kd_printf(s, "%c %6" PRId64 " %6" PRId64 " %4u  %016" PRIx64 "  %s  %4.1f %7" PRIu64 " %6" PRIu64 "  %s\n",
		  t->active ? '>' : ' ', t->pid, t->ppid, t->cpu, t->addr, state_name(t, true), mem,
		  t->vsz_kb, t->rss_kb, comm);
}

static void json_task(struct kd_session *s, const struct layout *l, const struct task *t)
{
	double mem = l->totalram_pages ? 100.0 * (double)t->rss_kb / (double)(l->totalram_pages * (kd_page_size(s) / 1024)) : 0;
	kd_json_begin_object(s, NULL);
	kd_json_i64(s, "pid", t->pid);
	kd_json_i64(s, "ppid", t->ppid);
	kd_json_i64(s, "tgid", t->tgid);
	kd_json_u64(s, "cpu", t->cpu);
	kd_json_hex(s, "task", t->addr);
	kd_json_string(s, "state", state_name(t, true));
	kd_json_string(s, "proc_state", state_name(t, false));
	kd_json_u64(s, "mem_permille", (uint64_t)(mem * 10 + 0.5));
	kd_json_u64(s, "vsz_kb", t->vsz_kb);
	kd_json_u64(s, "rss_kb", t->rss_kb);
	kd_json_string(s, "comm", t->comm);
	kd_json_bool(s, "kernel_thread", is_kthread(t));
	kd_json_bool(s, "active", t->active);
	kd_json_end_object(s);
}

// Read a user string area [start, end) of a task through its page tables.
static struct kd_error *read_user_area(struct kd_session *s, const struct layout *l, const struct task *t,
				       uint64_t start_off, uint64_t end_off, char **buf_ret, size_t *len_ret)
{
	uint64_t start = 0, end = 0, pgd = 0;
	struct kd_error *err;
	if (!t->mm)
		return kd_error_create(KD_ERR_NOTFOUND, "pid %" PRId64 " has no user memory", t->pid);
	if ((err = read_u64(s, t->mm + start_off, &start)) || (err = read_u64(s, t->mm + end_off, &end)) ||
	    (err = read_u64(s, t->mm + l->mm_pgd.m.offset, &pgd)))
		return err;
	if (end < start || end - start > (1 << 20))
		return kd_error_create(KD_ERR_CORRUPT, "pid %" PRId64 ": bad argument area 0x%" PRIx64 "-0x%" PRIx64, t->pid, start, end);
	uint64_t pgd_pa;
	if ((err = kd_translate(s, NULL, pgd, &pgd_pa, NULL)))
		return kd_error_prefix(err, "pid %" PRId64 ": finding its page tables", t->pid);
	struct kd_as as = { .kind = KD_AS_USER, .pgd = pgd_pa };
	char *buf = malloc(end - start + 1);
	if (!buf)
		return &kd_enomem;
	if ((err = kd_read_virt(s, &as, start, buf, end - start))) {
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

static struct kd_error *ps_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	struct layout l;
	if ((err = get_layout(s, &l)))
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
	struct tasklist tl;
	err = collect(s, &l, &tl);
	bool json = kd_json_mode(s);
	size_t shown = 0;
	if (!err && v[O_S].count) {
		static const char *const names[] = { "RU", "IN", "UN", "ST", "TR", "DE", "ZO", "PA", "ID" };
		unsigned counts[9] = { 0 };
		for (size_t i = 0; i < tl.n; i++)
			for (unsigned k = 0; k < 9; k++)
				if (!strcmp(state_name(&tl.v[i], true), names[k]))
					counts[k]++;
		if (json)
			kd_json_begin_object(s, NULL);
		for (unsigned k = 0; k < 9; k++) {
			if (!counts[k])
				continue;
			if (json)
				kd_json_u64(s, names[k], counts[k]);
			else
				kd_printf(s, "  %s: %u\n", names[k], counts[k]);
		}
		if (json)
			kd_json_end_object(s);
		goto out;
	}
	if (!err && json)
		kd_json_begin_array(s, NULL);
	if (!err && !json && !v[O_H].count && !v[O_A].count && !v[O_P].count && !v[O_T].count)
		print_header(s);
	for (size_t i = 0; !err && i < tl.n; i++) {
		const struct task *t = &tl.v[i];
		if (v[O_K].count && !is_kthread(t))
			continue;
		if (v[O_U].count && is_kthread(t))
			continue;
		if (v[O_G].count && t->pid != t->tgid)
			continue;
		if (v[O_AA].count && !t->active)
			continue;
		if (!selected(&sel, t))
			continue;
		shown++;
		if (json) {
			json_task(s, &l, t);
			continue;
		}
		if (v[O_A].count) {
			kd_printf(s, "PID: %-6" PRId64 " TASK: %016" PRIx64 "  CPU: %-3u COMMAND: \"%s\"\n", t->pid, t->addr, t->cpu, t->comm);
			char *buf;
			size_t len;
			struct kd_error *e2 = l.mm_arg_start.ok
				? read_user_area(s, &l, t, l.mm_arg_start.m.offset, l.mm_arg_end.m.offset, &buf, &len)
				: kd_error_create(KD_ERR_NOTFOUND, "no mm_struct.arg_start");
			if (e2) {
				kd_printf(s, "ARG: (%s)\n", e2->msg);
				kd_error_destroy(e2);
			} else {
				print_strings(s, "ARG:", buf, len);
				free(buf);
			}
			e2 = l.mm_env_start.ok
				? read_user_area(s, &l, t, l.mm_env_start.m.offset, l.mm_env_end.m.offset, &buf, &len)
				: kd_error_create(KD_ERR_NOTFOUND, "no mm_struct.env_start");
			if (e2) {
				kd_printf(s, "ENV: (%s)\n", e2->msg);
				kd_error_destroy(e2);
			} else {
				print_strings(s, "ENV:", buf, len);
				free(buf);
			}
			continue;
		}
		if (v[O_P].count) {
			// The chain from init down to this task.
			const struct task *chain[64];
			int depth = 0;
			const struct task *p = t;
			qsort(tl.v, tl.n, sizeof(*tl.v), cmp_addr);
			while (p && depth < 64) {
				chain[depth++] = p;
				if (p->pid == 0)
					break;
				p = find_addr(&tl, p->parent_addr);
			}
			for (int k = depth - 1; k >= 0; k--)
				kd_printf(s, "%*sPID: %-6" PRId64 " TASK: %016" PRIx64 "  CPU: %-3u COMMAND: \"%s\"\n",
					  (depth - 1 - k) * 1, "", chain[k]->pid, chain[k]->addr, chain[k]->cpu, chain[k]->comm);
			kd_printf(s, "\n");
			qsort(tl.v, tl.n, sizeof(*tl.v), cmp_task);
			continue;
		}
		if (v[O_C].count) {
			kd_printf(s, "PID: %-6" PRId64 " TASK: %016" PRIx64 "  CPU: %-3u COMMAND: \"%s\"\n", t->pid, t->addr, t->cpu, t->comm);
			bool any = false;
			for (size_t j = 0; j < tl.n; j++)
				if (tl.v[j].parent_addr == t->addr && tl.v[j].addr != t->addr && tl.v[j].pid == tl.v[j].tgid) {
					kd_printf(s, "  PID: %-6" PRId64 " TASK: %016" PRIx64 "  CPU: %-3u COMMAND: \"%s\"\n", tl.v[j].pid, tl.v[j].addr, tl.v[j].cpu, tl.v[j].comm);
					any = true;
				}
			if (!any)
				kd_printf(s, "  (no children)\n");
			kd_printf(s, "\n");
			continue;
		}
		if (v[O_T].count) {
			kd_printf(s, "PID: %-6" PRId64 " TASK: %016" PRIx64 "  CPU: %-3u COMMAND: \"%s\"\n", t->pid, t->addr, t->cpu, t->comm);
			kd_printf(s, "    START TIME: %" PRIu64 ".%09" PRIu64 "\n       UTIME: %" PRIu64 "\n       STIME: %" PRIu64 "\n",
				  t->start_time / 1000000000, t->start_time % 1000000000, t->utime, t->stime);
			continue;
		}
		print_task(s, &l, t);
	}
	if (!err && json)
		kd_json_end_array(s);
	if (!err && nargs && !shown)
		err = kd_error_create(KD_ERR_NOTFOUND, "no task matches '%s'", argv[1]);
out:
	free(tl.v);
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

static void print_context(struct kd_session *s, const struct layout *l, const struct task *t)
{
	static const char *const long_state[] = { "TASK_RUNNING", "TASK_INTERRUPTIBLE", "TASK_UNINTERRUPTIBLE",
						  "TASK_STOPPED", "TASK_TRACED", "EXIT_DEAD", "EXIT_ZOMBIE",
						  "TASK_PARKED", "TASK_IDLE" };
	static const char *const names[] = { "RU", "IN", "UN", "ST", "TR", "DE", "ZO", "PA", "ID" };
	const char *st = state_name(t, true), *ls = st;
	for (unsigned k = 0; k < 9; k++)
		if (!strcmp(st, names[k]))
			ls = long_state[k];
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
	(void)l;
	kd_printf(s, "     PID: %" PRId64 "\n COMMAND: \"%s\"\n    TASK: %016" PRIx64 "\n     CPU: %u\n   STATE: %s%s\n",
		  t->pid, t->comm, t->addr, t->cpu, ls, t->active ? " (ACTIVE)" : "");
}

static struct kd_error *context_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	struct layout l;
	if ((err = get_layout(s, &l)))
		return err;
	struct tasklist tl;
	if ((err = collect(s, &l, &tl)))
		return err;
	const struct task *pick = NULL;
	if (v[0].count) {
		uint64_t cpu;
		if ((err = kd_parse_u64(v[0].arg, false, &cpu)))
			goto out;
		for (size_t i = 0; i < tl.n; i++)
			if (tl.v[i].active && tl.v[i].cpu == cpu)
				pick = &tl.v[i];
		if (!pick) {
			err = kd_error_create(KD_ERR_NOTFOUND, "no task is running on CPU %" PRIu64, cpu);
			goto out;
		}
	} else if (nargs == 1) {
		struct selector sel = { .n = 1, .args = argv + 1 };
		for (size_t i = 0; i < tl.n && !pick; i++)
			if (selected(&sel, &tl.v[i]))
				pick = &tl.v[i];
		if (!pick) {
			err = kd_error_create(KD_ERR_NOTFOUND, "no task with pid or address '%s'", argv[1]);
			goto out;
		}
	} else if (nargs == 0) {
		uint64_t cur = 0;
		bool have_ctx = kd_context_get(s, &cur, NULL);
		for (size_t i = 0; i < tl.n && !pick; i++)
			if (have_ctx ? tl.v[i].addr == cur : (tl.v[i].active && tl.v[i].cpu == 0))
				pick = &tl.v[i];
		if (!pick) {
			err = kd_error_create(KD_ERR_NOTFOUND, "no current context");
			goto out;
		}
	} else {
		err = kd_error_create(KD_ERR_USAGE, "expected one pid or task address");
		goto out;
	}
	if (pick->mm && l.mm_pgd.ok) {
		uint64_t pgd, pa;
		if (ok(read_u64(s, pick->mm + l.mm_pgd.m.offset, &pgd)) && ok(kd_translate(s, NULL, pgd, &pa, NULL))) {
			struct kd_as as = { .kind = KD_AS_USER, .pgd = pa };
			kd_context_set(s, pick->addr, &as);
		} else {
			kd_context_set(s, pick->addr, NULL);
		}
	} else {
		kd_context_set(s, pick->addr, NULL);
	}
	print_context(s, &l, pick);
out:
	free(tl.v);
	return err;
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
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES,
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
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES,
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
