// SPDX-License-Identifier: GPL-3.0-or-later
// The one walk over the dumped kernel's tasks: the task_struct, mm_struct,
// signal_struct and rq members it needs, resolved once from the dump's
// types (no hard-coded offsets); one task_struct read into a struct
// kd_task; init_task.tasks and each process's thread group; a CPU's
// runqueue.  Where a structure changed shape across versions the types say
// which shape this kernel has: the state is `__state` (5.14+) or `state`;
// threads hang off signal_struct.thread_head (6.x) or
// task_struct.thread_group (older); the CPU is task_struct.cpu or
// thread_info.cpu; the mm rss counters are atomic_long_t in mm_rss_stat
// (<= 6.1) or percpu_counter (6.2+).  task.c builds the table on this.
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/symbols.h>
#include <kdive/types.h>

#include "task_priv.h"

// include/linux/sched.h: a flag that is ABI for /proc.
enum { PF_KTHREAD = 0x00200000 };
enum { MAX_TASKS = 1 << 22, MAX_THREADS = 1 << 20 };

struct member {
	bool ok;
	struct kd_member_info m;
};

struct kd_task_layout {
	uint64_t task_size;
	unsigned char *buf; // one task_struct
	struct member tasks, pid, tgid, comm, state, exit_state, mm, active_mm, real_parent, parent,
		group_leader, flags, cpu, signal, thread_node, thread_group, start_time, utime, stime;
	struct member mm_total_vm, mm_rss_stat, mm_pgd;
	struct member sig_thread_head;
	struct member rq_curr, rq_idle;
	// rss: either atomic_long_t count[N] (count at pc_count, stride
	// rss_stride) or percpu_counter[N] (count at pc_count, per-CPU s32
	// array at pc_counters)
	bool rss_percpu;
	uint64_t rss_n, rss_stride, pc_count, pc_counters;
	int64_t mm_file, mm_anon, mm_shmem;
	uint64_t init_task, runqueues;
	unsigned ncpus;
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

// For optional figures: true if it worked; a failure is not an error.
static bool ok(struct kd_error *err)
{
	bool r = err == NULL;
	kd_error_destroy(err);
	return r;
}

static struct kd_error *read_u64(struct kd_session *s, uint64_t addr, uint64_t *v)
{
	return kd_read_kernel(s, addr, v, 8);
}

static void rss_layout(struct kd_session *s, struct kd_task_layout *l)
{
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
	kd_error_destroy(kd_enum_value(s, NULL, "MM_FILEPAGES", &l->mm_file));
	kd_error_destroy(kd_enum_value(s, NULL, "MM_ANONPAGES", &l->mm_anon));
	kd_error_destroy(kd_enum_value(s, NULL, "MM_SHMEMPAGES", &l->mm_shmem));
}

struct kd_error *kd_task_layout_create(struct kd_session *s, struct kd_task_layout **ret)
{
	*ret = NULL;
	if (!kd_symbols_available(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "needs the kernel's symbols (none found in the dump)");
	if (!kd_types_available(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "needs the kernel's types (no BTF found in the dump)");
	struct kd_task_layout *l = calloc(1, sizeof(*l));
	if (!l)
		return &kd_enomem;
	struct kd_error *err;
	if ((err = kd_type_size(s, "task_struct", &l->task_size)))
		goto fail;
	if (l->task_size == 0 || l->task_size > (1 << 20)) {
		err = kd_error_create(KD_ERR_CORRUPT, "task_struct has an impossible size %" PRIu64, l->task_size);
		goto fail;
	}
	get_member(s, "task_struct", "tasks", &l->tasks);
	get_member(s, "task_struct", "pid", &l->pid);
	get_member(s, "task_struct", "tgid", &l->tgid);
	get_member(s, "task_struct", "comm", &l->comm);
	get_member(s, "task_struct", "__state", &l->state);
	if (!l->state.ok)
		get_member(s, "task_struct", "state", &l->state);
	get_member(s, "task_struct", "exit_state", &l->exit_state);
	get_member(s, "task_struct", "mm", &l->mm);
	get_member(s, "task_struct", "active_mm", &l->active_mm);
	get_member(s, "task_struct", "real_parent", &l->real_parent);
	get_member(s, "task_struct", "parent", &l->parent);
	get_member(s, "task_struct", "group_leader", &l->group_leader);
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
	get_member(s, "rq", "curr", &l->rq_curr);
	get_member(s, "rq", "idle", &l->rq_idle);
	if ((err = need(&l->tasks, "task_struct.tasks")) || (err = need(&l->pid, "task_struct.pid")) ||
	    (err = need(&l->tgid, "task_struct.tgid")) || (err = need(&l->comm, "task_struct.comm")) ||
	    (err = need(&l->state, "task_struct.__state or task_struct.state")))
		goto fail;
	if (l->comm.m.offset + KD_TASK_COMM_LEN > l->task_size) {
		err = kd_error_create(KD_ERR_CORRUPT, "task_struct.comm lies outside task_struct");
		goto fail;
	}
	if (l->mm_rss_stat.ok)
		rss_layout(s, l);
	if ((err = kd_symbol_address(s, "init_task", &l->init_task)))
		goto fail;
	if (!ok(kd_symbol_address(s, "runqueues", &l->runqueues)))
		l->runqueues = 0;
	l->ncpus = kd_dump_nr_cpus(s);
	uint64_t ids, v = 0;
	if (ok(kd_symbol_address(s, "nr_cpu_ids", &ids)) && ok(kd_read_kernel(s, ids, &v, 4)) && v && v < 65536)
		l->ncpus = (unsigned)(v & 0xffffffff);
	if (!(l->buf = malloc(l->task_size))) {
		err = &kd_enomem;
		goto fail;
	}
	*ret = l;
	return NULL;
fail:
	free(l);
	return err;
}

void kd_task_layout_destroy(struct kd_task_layout *l)
{
	if (l)
		free(l->buf);
	free(l);
}

unsigned kd_task_layout_ncpus(const struct kd_task_layout *l)
{
	return l->ncpus;
}

bool kd_task_layout_has_runqueues(const struct kd_task_layout *l)
{
	return l->runqueues && l->rq_curr.ok;
}

static uint64_t extract(struct kd_session *s, const struct member *m, const void *buf, size_t len)
{
	uint64_t v = 0;
	if (m->ok && !ok(kd_member_extract(s, &m->m, buf, len, &v)))
		v = 0;
	return v;
}

// Keep the first reason a task is incomplete.
static void KD_PRINTF(2, 3) incomplete(struct kd_task *t, const char *fmt, ...)
{
	if (t->incomplete)
		return;
	char *why;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) >= 0)
		t->incomplete = why;
	va_end(ap);
}

static uint64_t mm_rss_pages(struct kd_session *s, const struct kd_task_layout *l, uint64_t mm)
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

// What a thread shares with its group's leader when their mm is the same.
static void mm_figures(struct kd_session *s, const struct kd_task_layout *l, struct kd_task *t)
{
	if (l->mm_total_vm.ok && !ok(kd_read_kernel(s, t->mm + l->mm_total_vm.m.offset, &t->total_vm, 8))) {
		t->total_vm = 0;
		incomplete(t, "mm_struct at 0x%" PRIx64 " is unreadable", t->mm);
	}
	t->rss = mm_rss_pages(s, l, t->mm);
	uint64_t pgd = 0, pa;
	struct kd_error *err = l->mm_pgd.ok ? read_u64(s, t->mm + l->mm_pgd.m.offset, &pgd)
					    : kd_error_create(KD_ERR_NOTFOUND, "the dump's types have no mm_struct.pgd");
	if (!err)
		err = kd_translate(s, NULL, pgd, &pa, NULL);
	if (err) {
		incomplete(t, "the page tables of task 0x%" PRIx64 ": %s", t->addr, err->msg);
		kd_error_destroy(err);
	} else {
		t->user_as = (struct kd_as){ .kind = KD_AS_USER, .pgd = pa };
	}
}

// group, when not NULL, is the thread group's leader, already read: its
// threads share its mm, whose figures need not be read again.
static struct kd_error *read_task(struct kd_session *s, struct kd_task_layout *l, uint64_t addr,
				  const struct kd_task *group, struct kd_task *t, uint64_t *signal_ret)
{
	memset(t, 0, sizeof(*t));
	unsigned char *buf = l->buf;
	struct kd_error *err = kd_read_kernel(s, addr, buf, l->task_size);
	if (err)
		return kd_error_prefix(err, "reading task_struct at 0x%" PRIx64, addr);
	size_t n = l->task_size;
	t->addr = addr;
	t->pid = (int32_t)extract(s, &l->pid, buf, n);
	t->tgid = (int32_t)extract(s, &l->tgid, buf, n);
	memcpy(t->comm, buf + l->comm.m.offset, KD_TASK_COMM_LEN);
	t->comm[KD_TASK_COMM_LEN] = '\0';
	t->state = extract(s, &l->state, buf, n);
	t->exit_state = extract(s, &l->exit_state, buf, n);
	t->flags = extract(s, &l->flags, buf, n);
	t->cpu = (unsigned)extract(s, &l->cpu, buf, n);
	t->mm = extract(s, &l->mm, buf, n);
	t->active_mm = extract(s, &l->active_mm, buf, n);
	t->leader = extract(s, &l->group_leader, buf, n);
	t->start_time = extract(s, &l->start_time, buf, n);
	t->utime = extract(s, &l->utime, buf, n);
	t->stime = extract(s, &l->stime, buf, n);
	t->parent = extract(s, l->real_parent.ok ? &l->real_parent : &l->parent, buf, n);
	if (signal_ret)
		*signal_ret = extract(s, &l->signal, buf, n);
	if ((t->flags & PF_KTHREAD) || t->pid == 0)
		t->status |= KD_TASK_KTHREAD;
	t->user_as.kind = KD_AS_KERNEL;
	if (t->mm && group && group->mm == t->mm) {
		t->total_vm = group->total_vm;
		t->rss = group->rss;
		t->user_as = group->user_as;
		if (group->incomplete)
			t->incomplete = strdup(group->incomplete);
	} else if (t->mm) {
		mm_figures(s, l, t);
	}
	return NULL;
}

struct kd_error *kd_task_read(struct kd_session *s, struct kd_task_layout *l, uint64_t addr,
			      struct kd_task *t)
{
	return read_task(s, l, addr, NULL, t, NULL);
}

static struct kd_error *thread_loop_error(const struct kd_task *leader)
{
	return kd_error_create(KD_ERR_CORRUPT, "the thread list of pid %" PRId64 " does not end (corrupted?)",
			       leader->pid);
}

// The task at addr and, if it leads a thread group, its other threads:
// on signal->thread_head (every thread, the leader included, skipped) or
// on the leader's thread_group (a ring through the leader: the others).
static struct kd_error *walk_group(struct kd_session *s, struct kd_task_layout *l, uint64_t addr,
				   kd_task_walk_fn *fn, void *arg)
{
	struct kd_task lead, t;
	uint64_t sig = 0, head, node, link;
	struct kd_error *err = read_task(s, l, addr, NULL, &lead, &sig);
	if (err)
		return err;
	// The leader's copy stays here (for its threads), its reason with it.
	struct kd_task keep = lead;
	keep.incomplete = lead.incomplete ? strdup(lead.incomplete) : NULL;
	if ((err = fn(&lead, arg)))
		goto out;
	if (l->thread_node.ok && l->sig_thread_head.ok && sig) {
		head = sig + l->sig_thread_head.m.offset;
		link = l->thread_node.m.offset;
		if ((err = read_u64(s, head, &node))) {
			err = kd_error_prefix(err, "reading the threads of pid %" PRId64, keep.pid);
			goto out;
		}
	} else if (l->thread_group.ok) {
		head = addr + l->thread_group.m.offset;
		link = l->thread_group.m.offset;
		if ((err = read_u64(s, head, &node)))
			goto out;
	} else {
		goto out;
	}
	struct kd_cycle c = { 0 };
	for (unsigned k = 0; node != head; k++) {
		if (k > MAX_THREADS || kd_cycle_step(&c, node)) {
			err = thread_loop_error(&keep);
			goto out;
		}
		uint64_t th = node - link;
		if (th != addr && ((err = read_task(s, l, th, &keep, &t, NULL)) || (err = fn(&t, arg))))
			goto out;
		if ((err = read_u64(s, node, &node)))
			goto out;
	}
out:
	free((char *)keep.incomplete);
	return err;
}

struct kd_error *kd_task_walk(struct kd_session *s, struct kd_task_layout *l, kd_task_walk_fn *fn,
			      void *arg)
{
	struct kd_error *err = walk_group(s, l, l->init_task, fn, arg);
	uint64_t head = l->init_task + l->tasks.m.offset, node = 0;
	if (!err)
		err = read_u64(s, head, &node);
	struct kd_cycle seen = { 0 };
	for (size_t k = 0; !err && node != head; k++) {
		if (k > MAX_TASKS || kd_cycle_step(&seen, node))
			return kd_error_create(KD_ERR_CORRUPT, "the task list does not end (corrupted?)");
		if ((err = kd_check_interrupt(s)))
			break;
		err = walk_group(s, l, node - l->tasks.m.offset, fn, arg);
		if (!err)
			err = read_u64(s, node, &node);
	}
	return err;
}

struct kd_error *kd_task_runqueue(struct kd_session *s, const struct kd_task_layout *l,
				  unsigned cpu, uint64_t *curr_ret, uint64_t *idle_ret)
{
	if (!l->runqueues || !l->rq_curr.ok)
		return kd_error_create(KD_ERR_NOTFOUND, "the dump has no runqueues or rq.curr");
	uint64_t off;
	*curr_ret = *idle_ret = 0;
	struct kd_error *err = kd_percpu_offset(s, cpu, &off);
	if (!err)
		err = read_u64(s, l->runqueues + off + l->rq_curr.m.offset, curr_ret);
	if (!err && l->rq_idle.ok)
		err = read_u64(s, l->runqueues + off + l->rq_idle.m.offset, idle_ret);
	return err;
}
