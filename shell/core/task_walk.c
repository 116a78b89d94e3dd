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
enum { MAX_TASKS = 1 << 22, MAX_BAD = 64 };

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
	// the pid IDR: init_pid_ns.idr.idr_rt.xa_head, xa_node.slots,
	// pid.tasks, task_struct.pid_links
	struct member ns_head, xa_slots, pid_tasks, pid_links;
	uint64_t init_pid_ns;
	// rss: either atomic_long_t count[N] (count at pc_count, stride
	// rss_stride) or percpu_counter[N] (count at pc_count, per-CPU s32
	// array at pc_counters)
	bool rss_percpu;
	uint64_t rss_n, rss_stride, pc_count, pc_counters;
	int64_t mm_file, mm_anon, mm_shmem;
	uint64_t init_task, runqueues;
	unsigned ncpus;
	// the unreadable byte ranges of the task_struct in buf
	uint64_t bad[MAX_BAD][2];
	unsigned nbad;
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

// An unsigned value of size bytes at addr, in the dump's byte order.
static struct kd_error *read_uint(struct kd_session *s, uint64_t addr, unsigned size, uint64_t *v)
{
	uint8_t b[8];
	struct kd_error *err = kd_read_kernel(s, addr, b, size);
	if (!err)
		*v = kd_dump_uint(s, b, size);
	return err;
}

static struct kd_error *read_u64(struct kd_session *s, uint64_t addr, uint64_t *v)
{
	return read_uint(s, addr, 8, v);
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
	get_member(s, "pid_namespace", "idr.idr_rt.xa_head", &l->ns_head);
	get_member(s, "xa_node", "slots", &l->xa_slots);
	get_member(s, "pid", "tasks", &l->pid_tasks);
	get_member(s, "task_struct", "pid_links", &l->pid_links);
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
	if (!ok(kd_symbol_address(s, "init_pid_ns", &l->init_pid_ns)))
		l->init_pid_ns = 0;
	l->ncpus = kd_dump_nr_cpus(s);
	uint64_t ids, v = 0;
	if (ok(kd_symbol_address(s, "nr_cpu_ids", &ids)) && ok(read_uint(s, ids, 4, &v)) && v && v < 65536)
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

// The mm's resident pages; false (and *why_ret set) when a counter, or a
// CPU's share of one, could not be read: the sum would be too small.
static bool mm_rss_pages(struct kd_session *s, const struct kd_task_layout *l, uint64_t mm, uint64_t *ret,
			 struct kd_error **why_ret)
{
	*ret = 0;
	if (!l->rss_n || !l->mm_rss_stat.ok)
		return true;
	int64_t total = 0;
	const int64_t idx[] = { l->mm_file, l->mm_anon, l->mm_shmem };
	struct kd_error *err = NULL;
	for (size_t k = 0; k < 3 && !err; k++) {
		if (idx[k] < 0 || (uint64_t)idx[k] >= l->rss_n)
			continue;
		uint64_t base = mm + l->mm_rss_stat.m.offset + (uint64_t)idx[k] * l->rss_stride;
		uint64_t u = 0;
		if ((err = read_u64(s, base + l->pc_count, &u)))
			break;
		int64_t v = (int64_t)u;
		if (l->rss_percpu) {
			// percpu_counter: the shared count plus each CPU's delta.
			uint64_t pcp = 0;
			err = read_u64(s, base + l->pc_counters, &pcp);
			for (unsigned cpu = 0; !err && pcp && cpu < l->ncpus; cpu++) {
				uint64_t off, d = 0;
				if (!(err = kd_percpu_offset(s, cpu, &off)) && !(err = read_uint(s, pcp + off, 4, &d)))
					v += (int32_t)(uint32_t)d;
			}
		}
		if (v > 0)
			total += v;
	}
	*ret = (uint64_t)total;
	*why_ret = err;
	return !err;
}

// What a thread shares with its group's leader when their mm is the same.
static void mm_figures(struct kd_session *s, const struct kd_task_layout *l, struct kd_task *t)
{
	struct kd_error *e;
	if (l->mm_total_vm.ok && (e = read_u64(s, t->mm + l->mm_total_vm.m.offset, &t->total_vm))) {
		t->total_vm = 0;
		t->unknown |= KD_TU_MM;
		incomplete(t, "task_struct at 0x%" PRIx64 ": the total_vm of its mm_struct at 0x%" PRIx64 ": %s",
			   t->addr, t->mm, e->msg);
		kd_error_destroy(e);
	}
	struct kd_error *why = NULL;
	if (!mm_rss_pages(s, l, t->mm, &t->rss, &why)) {
		t->rss = 0;
		t->unknown |= KD_TU_RSS;
		incomplete(t, "task_struct at 0x%" PRIx64 ": the rss counters of its mm_struct at 0x%" PRIx64 ": %s",
			   t->addr, t->mm, why->msg);
		kd_error_destroy(why);
	}
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

// The parts of the task_struct just read that were unreadable, as merged
// [lo, hi) byte ranges (one per run of missing pages).
static void bad_add(struct kd_task_layout *l, uint64_t lo, uint64_t hi)
{
	if (l->nbad && l->bad[l->nbad - 1][1] == lo)
		l->bad[l->nbad - 1][1] = hi;
	else if (l->nbad < MAX_BAD)
		l->bad[l->nbad][0] = lo, l->bad[l->nbad++][1] = hi;
	else
		l->bad[MAX_BAD - 1][1] = hi; // (cannot happen below 1 MiB task_structs)
}

// Whether a member of the task_struct just read was read.
static bool known(const struct kd_task_layout *l, const struct member *m)
{
	if (!m->ok)
		return false;
	uint64_t lo = m->m.offset, hi = lo + (m->m.size ? m->m.size : 1);
	for (unsigned k = 0; k < l->nbad; k++)
		if (lo < l->bad[k][1] && hi > l->bad[k][0])
			return false;
	return true;
}

struct read_pages {
	struct kd_task_layout *l;
	struct kd_error *first; // why the first unreadable page was
};

static bool task_hole(uint64_t off, uint64_t len, const struct kd_error *why, void *arg)
{
	struct read_pages *r = arg;
	bad_add(r->l, off, off + len);
	if (!r->first)
		r->first = kd_error_copy(why);
	return true;
}

// Read the task_struct at addr into l->buf page by page: a page that is not
// in the dump costs only the members in it (zeroed, listed in l->bad).
// Fails only when the pid is unreadable (then the task cannot be listed).
static struct kd_error *read_pages(struct kd_session *s, struct kd_task_layout *l, uint64_t addr,
				   struct kd_error **why_ret)
{
	struct read_pages r = { .l = l };
	l->nbad = 0;
	struct kd_error *err = kd_read_kernel_partial(s, addr, l->buf, l->task_size, task_hole, &r);
	if (err) {
		kd_error_destroy(r.first);
		return err;
	}
	struct kd_error *first = r.first;
	*why_ret = first;
	if (first && !known(l, &l->pid)) {
		*why_ret = NULL;
		return kd_error_prefix(first, "task_struct at 0x%" PRIx64, addr);
	}
	return NULL;
}

// group, when not NULL, is the thread group's leader, already read: its
// threads share its mm, whose figures need not be read again.
static struct kd_error *read_task(struct kd_session *s, struct kd_task_layout *l, uint64_t addr,
				  const struct kd_task *group, struct kd_task *t, uint64_t *signal_ret)
{
	memset(t, 0, sizeof(*t));
	unsigned char *buf = l->buf;
	struct kd_error *why = NULL, *err = read_pages(s, l, addr, &why);
	if (err)
		return err;
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
	const struct member *par = l->real_parent.ok ? &l->real_parent : &l->parent;
	t->parent = extract(s, par, buf, n);
	if (signal_ret)
		*signal_ret = known(l, &l->signal) ? extract(s, &l->signal, buf, n) : 0;
	if (why) {
		// Which fields the missing pages held.
		const struct { const struct member *m; unsigned bit; } f[] = {
			{ &l->comm, KD_TU_COMM }, { &l->state, KD_TU_STATE }, { &l->exit_state, KD_TU_STATE },
			{ &l->flags, KD_TU_FLAGS }, { &l->cpu, KD_TU_CPU }, { &l->mm, KD_TU_MM },
			{ par, KD_TU_PARENT }, { &l->tgid, KD_TU_TGID }, { &l->group_leader, KD_TU_TGID },
			{ &l->start_time, KD_TU_TIMES }, { &l->utime, KD_TU_TIMES }, { &l->stime, KD_TU_TIMES },
		};
		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
			if (f[k].m->ok && !known(l, f[k].m))
				t->unknown |= f[k].bit;
		incomplete(t, "task_struct at 0x%" PRIx64 ": bytes 0x%" PRIx64 "-0x%" PRIx64 " unreadable: %s",
			   addr, l->bad[0][0], l->bad[l->nbad - 1][1], why->msg);
		kd_error_destroy(why);
	}
	if (t->unknown & KD_TU_TGID)
		t->tgid = t->pid;
	if (((t->flags & PF_KTHREAD) && !(t->unknown & KD_TU_FLAGS)) || t->pid == 0)
		t->status |= KD_TASK_KTHREAD;
	t->user_as.kind = KD_AS_KERNEL;
	if (t->mm && group && group->mm == t->mm) {
		t->total_vm = group->total_vm;
		t->rss = group->rss;
		t->user_as = group->user_as;
		t->unknown |= group->unknown & (KD_TU_MM | KD_TU_RSS);
		if (group->incomplete && !t->incomplete &&
		    ((group->unknown & (KD_TU_MM | KD_TU_RSS)) || group->user_as.kind != KD_AS_USER))
			incomplete(t, "task_struct at 0x%" PRIx64 ": as its thread group's leader: %s", t->addr,
				   group->incomplete);
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

/* ---- the walk: every path, each task once ---- */

struct walk {
	struct kd_session *s;
	struct kd_task_layout *l;
	kd_task_walk_fn *fn;
	kd_task_lost_fn *lost;
	void *arg;
	uint64_t *seen; // open addressing, 0 = empty
	size_t cap, n;
	size_t nlost;   // what went to lost
};

static uint64_t hash(uint64_t a)
{
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdULL;
	return a ^ (a >> 33);
}

// Add addr to the seen set: false if it was there already.
static bool mark(struct walk *w, uint64_t addr, struct kd_error **err)
{
	if (2 * (w->n + 1) > w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 1024;
		uint64_t *nv = calloc(cap, sizeof(*nv));
		if (!nv) {
			*err = &kd_enomem;
			return false;
		}
		for (size_t i = 0; i < w->cap; i++)
			for (size_t j = hash(w->seen[i]) & (cap - 1); w->seen[i]; j = (j + 1) & (cap - 1))
				if (!nv[j]) {
					nv[j] = w->seen[i];
					break;
				}
		free(w->seen);
		w->seen = nv;
		w->cap = cap;
	}
	for (size_t j = hash(addr) & (w->cap - 1);; j = (j + 1) & (w->cap - 1)) {
		if (w->seen[j] == addr)
			return false;
		if (!w->seen[j]) {
			w->seen[j] = addr;
			w->n++;
			return true;
		}
	}
}

static bool seen(const struct walk *w, uint64_t addr)
{
	if (!w->cap)
		return false;
	for (size_t j = hash(addr) & (w->cap - 1); w->seen[j]; j = (j + 1) & (w->cap - 1))
		if (w->seen[j] == addr)
			return true;
	return false;
}

// Report what could not be read; only out-of-memory and Ctrl-C stop the walk.
static struct kd_error *lose(struct walk *w, struct kd_error *why)
{
	if (why->code == KD_ERR_INTERRUPTED || why->code == KD_ERR_NOMEM)
		return why;
	struct kd_error *err = w->lost(why->msg, w->arg);
	kd_error_destroy(why);
	w->nlost++;
	return err;
}

// Read and hand over one task not seen yet; *t_ret (may be NULL) keeps a copy
// whose incomplete the caller frees.  *got is false when it was not read.
static struct kd_error *visit(struct walk *w, uint64_t addr, const struct kd_task *group,
			      struct kd_task *t_ret, uint64_t *signal_ret, bool *got)
{
	struct kd_error *err = NULL;
	struct kd_task t;
	*got = false;
	if (!mark(w, addr, &err))
		return err;
	if ((err = read_task(w->s, w->l, addr, group, &t, signal_ret)))
		return lose(w, err);
	if (t_ret) {
		*t_ret = t;
		t_ret->incomplete = t.incomplete ? strdup(t.incomplete) : NULL;
	}
	*got = true;
	return w->fn(&t, w->arg);
}

// A circular list from head (a list_head): each node's entry at node - link
// is visited (entries equal to skip are not).  Forwards until the head or a
// link that cannot be read, then backwards from the head the same way until
// an entry already seen: one lost link costs only the entries between it and
// the next.  each(w, entry, ctx) visits an entry.
typedef struct kd_error *entry_fn(struct walk *w, uint64_t entry, void *ctx);

static struct kd_error *walk_ring(struct walk *w, uint64_t head, uint64_t link, uint64_t skip,
				  const char *what, entry_fn *each, void *ctx)
{
	static const char *const dirname[] = { "next", "prev" };
	for (int dir = 0; dir < 2; dir++) {
		uint64_t node, at = head + 8 * (uint64_t)dir;
		struct kd_error *err = read_u64(w->s, at, &node);
		struct kd_cycle c = { 0 };
		for (size_t k = 0; !err && node != head; k++) {
			uint64_t entry = node - link;
			if (!node || k > MAX_TASKS || kd_cycle_step(&c, node)) {
				err = kd_error_create(KD_ERR_CORRUPT, "%s", !node ? "a NULL link" : "a cycle (corrupted?)");
				break;
			}
			if ((err = kd_check_interrupt(w->s)))
				return err;
			// The link must lead to a readable list_head before its
			// entry is read: else the link is what was lost.
			uint64_t after;
			if ((err = read_u64(w->s, node + 8 * (uint64_t)dir, &after))) {
				err = kd_error_prefix(err, "it leads to 0x%" PRIx64, node);
				break;
			}
			if (dir == 1 && seen(w, entry) && entry != skip)
				return NULL; // met the forward walk
			if (entry != skip && (err = each(w, entry, ctx)))
				return err;
			at = node + 8 * (uint64_t)dir;
			node = after;
		}
		// A next link cut back to the head ends the walk early: the
		// head's prev names the real last node.
		uint64_t prev;
		if (!err && dir == 0 && ok(read_u64(w->s, head + 8, &prev)) && prev != at)
			err = kd_error_create(KD_ERR_CORRUPT, "it leads back to the head, whose prev link is 0x%" PRIx64,
					      prev);
		if (!err)
			return NULL;
		err = kd_error_prefix(err, "%s: the %s link at 0x%" PRIx64, what, dirname[dir], at);
		if ((err = lose(w, err)))
			return err;
	}
	return NULL;
}

static struct kd_error *thread_entry(struct walk *w, uint64_t th, void *ctx)
{
	bool got;
	return seen(w, th) ? NULL : visit(w, th, ctx, NULL, NULL, &got);
}

// The task at addr and, if it leads a thread group, its other threads:
// on signal->thread_head (every thread, the leader included, skipped) or
// on the leader's thread_group (a ring through the leader: the others).
static struct kd_error *walk_group(struct walk *w, uint64_t addr)
{
	struct kd_task_layout *l = w->l;
	struct kd_task lead;
	uint64_t sig = 0;
	bool got;
	struct kd_error *err = visit(w, addr, NULL, &lead, &sig, &got);
	if (err || !got)
		return err;
	char what[64];
	snprintf(what, sizeof(what), "the thread list of pid %" PRId64, lead.pid);
	if (l->thread_node.ok && l->sig_thread_head.ok && sig)
		err = walk_ring(w, sig + l->sig_thread_head.m.offset, l->thread_node.m.offset, addr, what,
				thread_entry, &lead);
	else if (l->thread_group.ok && !l->sig_thread_head.ok)
		err = walk_ring(w, addr + l->thread_group.m.offset, l->thread_group.m.offset, addr, what,
				thread_entry, &lead);
	free((char *)lead.incomplete);
	return err;
}

static struct kd_error *process_entry(struct walk *w, uint64_t task, void *ctx)
{
	(void)ctx;
	return seen(w, task) ? NULL : walk_group(w, task);
}

// The pid IDR (init_pid_ns.idr, an xarray since 4.20; include/linux/xarray.h):
// an entry whose low two bits are 10 and that is above 4096 is a node
// (pointer + 2), whose slots hold entries one level down; other non-zero
// entries with low bits 00 are the struct pids.  pid->tasks[PIDTYPE_PID]
// .first is the task's pid_links[PIDTYPE_PID].  Each task not seen yet is
// walked with its thread group.
static struct kd_error *idr_entry(struct walk *w, uint64_t entry, unsigned depth)
{
	struct kd_task_layout *l = w->l;
	struct kd_error *err;
	if (!entry || (entry & 3) == 1 || depth > 12)
		return NULL;
	if ((entry & 3) == 2) {
		if (entry <= 4096)
			return NULL; // retry and zero entries
		uint64_t node = entry - 2, n = l->xa_slots.m.nelems;
		for (uint64_t k = 0; k < n && n <= 4096; k++) {
			uint64_t e;
			if ((err = read_u64(w->s, node + l->xa_slots.m.offset + 8 * k, &e)))
				return lose(w, kd_error_prefix(err, "the pid IDR's node at 0x%" PRIx64, node));
			if ((err = idr_entry(w, e, depth + 1)))
				return err;
		}
		return kd_check_interrupt(w->s);
	}
	uint64_t first;
	if ((err = read_u64(w->s, entry + l->pid_tasks.m.offset, &first)))
		return lose(w, kd_error_prefix(err, "struct pid at 0x%" PRIx64, entry));
	uint64_t task = first ? first - l->pid_links.m.offset : 0;
	return first && !seen(w, task) ? walk_group(w, task) : NULL;
}

static struct kd_error *walk_idr(struct walk *w)
{
	struct kd_task_layout *l = w->l;
	if (!l->init_pid_ns || !l->ns_head.ok || !l->xa_slots.ok || !l->pid_tasks.ok || !l->pid_links.ok)
		return NULL;
	uint64_t head;
	struct kd_error *err = read_u64(w->s, l->init_pid_ns + l->ns_head.m.offset, &head);
	if (err)
		return lose(w, kd_error_prefix(err, "the pid IDR (init_pid_ns)"));
	return idr_entry(w, head, 0);
}

struct kd_error *kd_task_walk(struct kd_session *s, struct kd_task_layout *l, kd_task_walk_fn *fn,
			      kd_task_lost_fn *lost, void *arg)
{
	struct walk w = { .s = s, .l = l, .fn = fn, .lost = lost, .arg = arg };
	struct kd_error *err = walk_group(&w, l->init_task);
	if (!err)
		err = walk_ring(&w, l->init_task + l->tasks.m.offset, l->tasks.m.offset, l->init_task,
				"the task list", process_entry, NULL);
	// The lists lost something: every task also has a pid in the IDR.
	if (!err && w.nlost)
		err = walk_idr(&w);
	// Each CPU's current task and its group, should a lost link have hidden
	// them (the idle tasks are task.c's).
	for (unsigned cpu = 0; !err && kd_task_layout_has_runqueues(l) && cpu < l->ncpus && cpu < 65536; cpu++) {
		uint64_t curr, idle;
		struct kd_error *e = kd_task_runqueue(s, l, cpu, &curr, &idle);
		if (!e && curr && curr != idle && !seen(&w, curr)) {
			struct kd_task t;
			uint64_t leader = 0;
			if (!(e = read_task(s, l, curr, NULL, &t, NULL))) {
				leader = t.unknown & KD_TU_TGID ? 0 : t.leader;
				free((char *)t.incomplete);
			}
			if (leader && leader != curr && !seen(&w, leader))
				err = walk_group(&w, leader);
			if (!err && !seen(&w, curr))
				err = walk_group(&w, curr);
		}
		kd_error_destroy(e);
	}
	free(w.seen);
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
