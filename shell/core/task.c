// SPDX-License-Identifier: GPL-3.0-or-later
// The session's task table, built once from the walk in task_walk.c: the
// tasks of the list, each CPU's idle task and the task each CPU was
// running, parents resolved to ppids, sorted by pid with an index by
// address.  Lookups by pid and address, the default context (the task that
// was running on CPU 0), task states by name, and crash's task header line.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/panic.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "session_priv.h"
#include "task_priv.h"

enum { MAX_TASKS = 1 << 22, MAX_CPUS = 65536 };

struct addr_index {
	uint64_t addr;
	size_t i;
};

struct kd_task_table {
	struct kd_task *v;            // in pid order
	size_t n, cap;
	struct addr_index *by_addr;   // every task's address and index in v, by address
	char **lost;                  // what the walk could not read, one message each
	size_t nlost;
};

static void table_destroy(struct kd_task_table *tt)
{
	if (!tt)
		return;
	for (size_t i = 0; i < tt->n; i++)
		free((char *)tt->v[i].incomplete);
	free(tt->v);
	free(tt->by_addr);
	for (size_t i = 0; i < tt->nlost; i++)
		free(tt->lost[i]);
	free(tt->lost);
	free(tt);
}

void kd_tasks_unload(struct kd_session *s)
{
	table_destroy(s->tasks);
	s->tasks = NULL;
}

static struct kd_error *push(struct kd_task *t, void *arg)
{
	struct kd_task_table *tt = arg;
	struct kd_error *err = NULL;
	if (tt->n >= MAX_TASKS) {
		err = kd_error_create(KD_ERR_CORRUPT, "more than %d tasks (a corrupted list?)", MAX_TASKS);
	} else if (tt->n == tt->cap) {
		size_t cap = tt->cap ? tt->cap * 2 : 256;
		struct kd_task *nv = realloc(tt->v, cap * sizeof(*nv));
		if (nv) {
			tt->v = nv;
			tt->cap = cap;
		} else {
			err = &kd_enomem;
		}
	}
	if (err) {
		free((char *)t->incomplete);
		return err;
	}
	tt->v[tt->n++] = *t;
	return NULL;
}

static struct kd_error *lost(const char *why, void *arg)
{
	struct kd_task_table *tt = arg;
	if (tt->nlost >= MAX_TASKS)
		return NULL;
	char **nv = realloc(tt->lost, (tt->nlost + 1) * sizeof(*nv));
	if (!nv)
		return &kd_enomem;
	tt->lost = nv;
	if (!(nv[tt->nlost] = strdup(why)))
		return &kd_enomem;
	tt->nlost++;
	return NULL;
}

// The table is sorted twice (by address while it is built, then by pid),
// 5,000 tasks and more: on precomputed keys, not on the ~250-byte tasks with
// a comparator call per pair.  A key orders by a, then b, then c; i is the
// task's index.  A merge sort, stable, without a call per comparison.
struct sort_key {
	uint64_t a, b, c;
	size_t i;
};

static inline bool key_less(const struct sort_key *x, const struct sort_key *y)
{
	if (x->a != y->a)
		return x->a < y->a;
	if (x->b != y->b)
		return x->b < y->b;
	return x->c < y->c;
}

static bool sort_keys(struct sort_key *k, size_t n)
{
	struct sort_key *tmp = malloc(n * sizeof(*tmp)), *src = k, *dst = tmp;
	if (!tmp)
		return false;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t x = lo, y = mid, o = lo;
			while (x < mid && y < hi)
				dst[o++] = key_less(&src[y], &src[x]) ? src[y++] : src[x++];
			while (x < mid)
				dst[o++] = src[x++];
			while (y < hi)
				dst[o++] = src[y++];
		}
		struct sort_key *t = src;
		src = dst;
		dst = t;
	}
	if (src != k)
		memcpy(k, src, n * sizeof(*k));
	free(tmp);
	return true;
}

// Reorder v as the sorted keys say (v[j] becomes the old v[k[j].i]).
static bool permute(struct kd_task_table *tt, const struct sort_key *k)
{
	struct kd_task *nv = malloc((tt->cap ? tt->cap : 1) * sizeof(*nv));
	if (!nv)
		return false;
	for (size_t j = 0; j < tt->n; j++)
		nv[j] = tt->v[k[j].i];
	free(tt->v);
	tt->v = nv;
	return true;
}

static struct kd_error *sort_by_addr(struct kd_task_table *tt)
{
	struct sort_key *k = malloc(tt->n * sizeof(*k));
	if (!k)
		return &kd_enomem;
	for (size_t i = 0; i < tt->n; i++)
		k[i] = (struct sort_key){ .a = tt->v[i].addr, .i = i };
	bool done = sort_keys(k, tt->n) && permute(tt, k);
	free(k);
	return done ? NULL : &kd_enomem;
}

// Binary search in v itself while it is in address order (during the build).
static struct kd_task *find_sorted(struct kd_task_table *tt, uint64_t addr)
{
	size_t lo = 0, hi = tt->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tt->v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < tt->n && tt->v[lo].addr == addr ? &tt->v[lo] : NULL;
}

// The task just pushed (the last) moved to its place in address order.
static void insert_last_sorted(struct kd_task_table *tt)
{
	struct kd_task t = tt->v[tt->n - 1];
	size_t lo = 0, hi = tt->n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tt->v[mid].addr <= t.addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&tt->v[lo + 1], &tt->v[lo], (tt->n - 1 - lo) * sizeof(t));
	tt->v[lo] = t;
}

// The per-CPU runqueues: the task each CPU ran (crash's '>') and the idle
// tasks that are not on the task list (all but init_task).  v is in
// address order on entry and on return.
static void mark_cpus(struct kd_session *s, struct kd_task_layout *l, struct kd_task_table *tt)
{
	if (!kd_task_layout_has_runqueues(l))
		return;
	for (unsigned cpu = 0; cpu < kd_task_layout_ncpus(l) && cpu < MAX_CPUS; cpu++) {
		uint64_t curr, idle;
		struct kd_error *err = kd_task_runqueue(s, l, cpu, &curr, &idle);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		if (idle && !find_sorted(tt, idle)) {
			struct kd_task t;
			err = kd_task_read(s, l, idle, &t);
			if (err)
				kd_error_destroy(lost(err->msg, tt));
			if (!err) {
				t.status |= KD_TASK_CPU_IDLE;
				t.cpu = cpu;
				if (!push(&t, tt))
					insert_last_sorted(tt);
			}
			kd_error_destroy(err);
		}
		struct kd_task *c = find_sorted(tt, curr);
		if (c)
			c->status |= KD_TASK_ON_CPU;
	}
}

static struct kd_error *build(struct kd_session *s, struct kd_task_table *tt)
{
	struct kd_task_layout *l;
	struct kd_error *err = kd_task_layout_create(s, &l);
	if (err)
		return err;
	struct sort_key *k = NULL;
	if (!(err = kd_task_walk(s, l, push, lost, tt)) && tt->n) // (the walk may have lost every task)
		err = sort_by_addr(tt);
	if (!err)
		mark_cpus(s, l, tt);
	if (!err && tt->n) {
		for (size_t i = 0; i < tt->n; i++) {
			struct kd_task *t = &tt->v[i], *p = find_sorted(tt, t->parent);
			// The idle tasks (pid 0) have no parent to show, as in crash.
			t->ppid = p && p != t && t->pid ? p->tgid : 0;
			// A parent that was not listed (its task_struct was lost), or
			// whose tgid is unknown: the ppid is not known either.
			if (t->pid && t->parent && !(t->unknown & KD_TU_PARENT) &&
			    (!p || (p != t && (p->unknown & KD_TU_TGID)))) {
				t->unknown |= KD_TU_PARENT;
				t->ppid = 0;
				char *why;
				if (!t->incomplete && asprintf(&why, "task_struct at 0x%" PRIx64 ": its parent, "
							       "task_struct at 0x%" PRIx64 ", %s", t->addr, t->parent,
							       p ? "has an unknown tgid" : "could not be read") >= 0)
					t->incomplete = why;
			}
		}
		// Then by pid, CPU (the idle tasks share pid 0), address; the
		// index by address is the address order just left, each entry
		// pointing at where its task went.
		k = malloc(tt->n * sizeof(*k));
		tt->by_addr = malloc(tt->n * sizeof(*tt->by_addr));
		if (!k || !tt->by_addr) {
			err = &kd_enomem;
		} else {
			for (size_t i = 0; i < tt->n; i++)
				k[i] = (struct sort_key){ .a = (uint64_t)tt->v[i].pid ^ (1ull << 63),
							  .b = tt->v[i].cpu, .c = tt->v[i].addr, .i = i };
			if (!sort_keys(k, tt->n))
				err = &kd_enomem;
		}
		if (!err) {
			for (size_t j = 0; j < tt->n; j++)
				tt->by_addr[k[j].i] = (struct addr_index){ tt->v[k[j].i].addr, j };
			if (!permute(tt, k))
				err = &kd_enomem;
		}
	}
	free(k);
	kd_task_layout_destroy(l);
	return err;
}

struct kd_error *kd_tasks_load(struct kd_session *s)
{
	if (!s->core)
		return kd_error_create(KD_ERR_USAGE, "no dump is open");
	struct kd_cache_info ci;
	kd_dump_cache_info(s, &ci);
	if (s->tasks && !ci.live)
		return NULL;
	// The task table's point of use of the symbols and types (a command
	// that declares KD_CMD_NEEDS_TASKS has them loaded already).
	kd_error_destroy(kd_layers_load(s, 0, KD_LAYER_SYMBOLS | KD_LAYER_TYPES));
	struct kd_task_table *tt = calloc(1, sizeof(*tt));
	if (!tt)
		return &kd_enomem;
	struct kd_error *err = build(s, tt);
	if (err) {
		table_destroy(tt);
		return err;
	}
	kd_tasks_unload(s);
	s->tasks = tt;
	return NULL;
}

const char *kd_task_lost(const struct kd_session *s, size_t i)
{
	return s->tasks && i < s->tasks->nlost ? s->tasks->lost[i] : NULL;
}

size_t kd_task_count(const struct kd_session *s)
{
	return s->tasks ? s->tasks->n : 0;
}

const struct kd_task *kd_task_get(const struct kd_session *s, size_t i)
{
	return i < kd_task_count(s) ? &s->tasks->v[i] : NULL;
}

const struct kd_task *kd_task_by_addr(const struct kd_session *s, uint64_t addr)
{
	const struct kd_task_table *tt = s->tasks;
	size_t lo = 0, hi = tt ? tt->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct addr_index *x = &tt->by_addr[mid];
		if (x->addr == addr)
			return &tt->v[x->i];
		if (x->addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct kd_task *kd_task_by_pid(const struct kd_session *s, int64_t pid)
{
	const struct kd_task_table *tt = s->tasks;
	size_t lo = 0, hi = tt ? tt->n : 0;
	// The first of equal pids: the lowest CPU, as the table is sorted.
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tt->v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return tt && lo < tt->n && tt->v[lo].pid == pid ? &tt->v[lo] : NULL;
}

struct kd_error *kd_task_foreach(struct kd_session *s, kd_task_fn *fn, void *arg)
{
	struct kd_error *err = kd_tasks_load(s);
	for (size_t i = 0; !err && i < s->tasks->n; i++) {
		int r = fn(&s->tasks->v[i], arg);
		if (r)
			return r < 0 ? kd_error_create(KD_ERR_INTERRUPTED, "stopped") : NULL;
	}
	return err;
}

// The user address space of a task with mm, or why there is none.
static struct kd_error *user_as(const struct kd_task *t, struct kd_as *as_ret)
{
	*as_ret = t->user_as;
	if (t->mm && t->user_as.kind != KD_AS_USER)
		return kd_error_create(KD_ERR_CORRUPT, "%s",
				       t->incomplete ? t->incomplete : "its page tables are unknown");
	return NULL;
}

struct kd_error *kd_task_find_pid(struct kd_session *s, int64_t pid, uint64_t *task_ret,
				  struct kd_as *as_ret)
{
	struct kd_error *err = kd_tasks_load(s);
	if (err)
		return kd_error_prefix(err, "finding pid %" PRId64, pid);
	const struct kd_task *t = kd_task_by_pid(s, pid);
	if (!t)
		return kd_error_create(KD_ERR_NOTFOUND, "no task with pid %" PRId64, pid);
	*task_ret = t->addr;
	return as_ret ? user_as(t, as_ret) : NULL;
}

struct kd_error *kd_task_read_one(struct kd_session *s, uint64_t addr, struct kd_task *ret,
				  char *why, size_t why_size)
{
	const struct kd_task *known = kd_task_by_addr(s, addr);
	if (why_size)
		why[0] = '\0';
	if (known) {
		*ret = *known;
		if (known->incomplete && why_size) {
			snprintf(why, why_size, "%s", known->incomplete);
			ret->incomplete = why;
		}
		return NULL;
	}
	struct kd_task_layout *l;
	struct kd_error *err = kd_task_layout_create(s, &l);
	if (err)
		return err;
	struct kd_task t = { 0 };
	err = kd_task_read(s, l, addr, &t);
	kd_task_layout_destroy(l);
	if (err) {
		free((char *)t.incomplete);
		return err;
	}
	*ret = t;
	ret->incomplete = NULL;
	if (t.incomplete && why_size) {
		snprintf(why, why_size, "%s", t.incomplete);
		ret->incomplete = why;
	}
	free((char *)t.incomplete);
	return NULL;
}

// The default context, as crash chooses it: the panic task (the task the
// panicking CPU was running, <kdive/panic.h>), else the task that was
// running on CPU 0 (rq->curr of CPU 0's runqueue).
struct kd_error *kd_task_default_context(struct kd_session *s, uint64_t *task_ret, struct kd_as *as_ret)
{
	const struct kd_panic *p = NULL;
	kd_error_destroy(kd_panic_find(s, &p));
	uint64_t panic_task = p && p->task ? p->task : 0;
	if (s->tasks) {
		for (size_t i = 0; i < s->tasks->n; i++) {
			const struct kd_task *t = &s->tasks->v[i];
			if (panic_task ? t->addr == panic_task
				       : (t->status & KD_TASK_ON_CPU) && t->cpu == 0) {
				*task_ret = t->addr;
				return user_as(t, as_ret);
			}
		}
		if (!panic_task)
			return kd_error_create(KD_ERR_NOTFOUND, "no task was running on CPU 0");
	}
	// Without the table (vtop, rd -u before any ps): CPU 0's runqueue and
	// that one task's mm, a handful of reads, not a walk of every task.
	kd_error_destroy(kd_layers_load(s, 0, KD_LAYER_SYMBOLS | KD_LAYER_TYPES));
	uint64_t rq, off, curr = panic_task, mm = 0, pgd, pa;
	struct kd_member_info m_curr, m_mm, m_pgd;
	struct kd_error *err = NULL;
	if (!curr) {
		err = kd_symbol_address(s, "runqueues", &rq);
		if (!err)
			err = kd_percpu_offset(s, 0, &off);
		if (!err)
			err = kd_type_member(s, "rq", "curr", &m_curr);
		if (!err)
			err = kd_read_kernel(s, rq + off + m_curr.offset, &curr, sizeof(curr));
		if (!err)
			curr = kd_dump_uint(s, &curr, sizeof(curr));
	}
	if (!err)
		err = kd_type_member(s, "task_struct", "mm", &m_mm);
	if (!err)
		err = kd_read_kernel(s, curr + m_mm.offset, &mm, sizeof(mm));
	if (err)
		return err;
	mm = kd_dump_uint(s, &mm, sizeof(mm));
	*task_ret = curr;
	*as_ret = (struct kd_as){ .kind = KD_AS_KERNEL };
	if (!mm)
		return NULL; // a kernel thread (the idle task, mostly)
	err = kd_type_member(s, "mm_struct", "pgd", &m_pgd);
	if (!err)
		err = kd_read_kernel(s, mm + m_pgd.offset, &pgd, sizeof(pgd));
	if (!err)
		pgd = kd_dump_uint(s, &pgd, sizeof(pgd));
	if (!err)
		err = kd_translate(s, NULL, pgd, &pa, NULL);
	if (err)
		return kd_error_prefix(err, "the page tables of task 0x%" PRIx64, curr);
	*as_ret = (struct kd_as){ .kind = KD_AS_USER, .pgd = pa };
	return NULL;
}

enum kd_task_state kd_task_state(const struct kd_task *t)
{
	// include/linux/sched.h: state bits that are ABI for /proc.
	enum { TASK_UNINTERRUPTIBLE = 0x2, TASK_NOLOAD = 0x400, TASK_REPORT = 0x7f };
	if ((t->state & (TASK_UNINTERRUPTIBLE | TASK_NOLOAD)) == (TASK_UNINTERRUPTIBLE | TASK_NOLOAD) &&
	    !t->exit_state)
		return KD_TS_IDLE;
	// Bit i of (state | exit_state) & TASK_REPORT names state i + 1.
	uint64_t st = (t->state | t->exit_state) & TASK_REPORT;
	unsigned idx = 0;
	while (st) {
		idx++;
		st >>= 1;
	}
	return idx > KD_TS_IDLE ? KD_TS_IDLE : (enum kd_task_state)idx;
}

const char *kd_task_state_name(enum kd_task_state st, enum kd_task_state_style style)
{
	static const char *const names[][KD_TS_COUNT] = {
		[KD_TS_CRASH] = { "RU", "IN", "UN", "ST", "TR", "DE", "ZO", "PA", "ID" },
		[KD_TS_PROC] = { "R", "S", "D", "T", "t", "X", "Z", "P", "I" },
		[KD_TS_LONG] = { "TASK_RUNNING", "TASK_INTERRUPTIBLE", "TASK_UNINTERRUPTIBLE",
				 "TASK_STOPPED", "TASK_TRACED", "EXIT_DEAD", "EXIT_ZOMBIE",
				 "TASK_PARKED", "TASK_IDLE" },
	};
	if ((unsigned)st >= KD_TS_COUNT || (unsigned)style > KD_TS_LONG)
		return "??";
	return names[style][st];
}

const char *kd_task_header(const struct kd_task *t, char *buf, size_t size)
{
	snprintf(buf, size, "PID: %-6" PRId64 " TASK: %016" PRIx64 "  CPU: %-3u COMMAND: \"%s\"", t->pid,
		 t->addr, t->cpu, t->comm);
	return buf;
}

struct kd_error *kd_task_lookup(struct kd_session *s, const char *arg, const struct kd_task **ret)
{
	if (*arg && strspn(arg, "0123456789") == strlen(arg)) {
		*ret = kd_task_by_pid(s, strtoll(arg, NULL, 10));
	} else {
		uint64_t a;
		struct kd_error *err = kd_parse_address(s, arg, &a);
		if (err)
			return err;
		*ret = kd_task_by_addr(s, a);
	}
	return *ret ? NULL : kd_error_create(KD_ERR_NOTFOUND, "no task with pid or address '%s'", arg);
}

const struct kd_task *kd_task_current(struct kd_session *s)
{
	uint64_t cur;
	if (kd_context_get(s, &cur, NULL))
		return kd_task_by_addr(s, cur);
	for (size_t i = 0; i < kd_task_count(s); i++) {
		const struct kd_task *t = kd_task_get(s, i);
		if ((t->status & KD_TASK_ON_CPU) && t->cpu == 0)
			return t;
	}
	return NULL;
}
