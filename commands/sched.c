// SPDX-License-Identifier: GPL-3.0-or-later
// The scheduler's and the timers' queues, one module because they share the
// per-CPU walks and the task lines, in crash's layouts:
//   runq   each CPU's run queue (the per-cpu struct rq runqueues,
//          kernel/sched/sched.h): the current task, the RT priority array
//          (rt_prio_array queues of sched_rt_entity.run_list), the CFS rbtree
//          (cfs_rq.tasks_timeline of sched_entity.run_node, descending into
//          group cfs_rqs through sched_entity.my_q) and the deadline rbtree
//          (dl_rq.root of sched_dl_entity.rb_node)
//   timer  the timer wheel of each CPU (the per-cpu timer_bases[], struct
//          timer_base's vectors[] of hlists of struct timer_list,
//          kernel/time/timer.c), sorted by expiry; -r the hrtimers (the per-cpu
//          hrtimer_bases, each clock base's timerqueue rbtree of struct
//          hrtimer, include/linux/hrtimer.h)
//   waitq  the entries of a wait queue (struct wait_queue_head's list of
//          struct wait_queue_entry, include/linux/wait.h) and their tasks
// Every layout and array length comes from BTF.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "kobj.h"
#include "sched.h"

static const char *symname(struct kd_session *s, uint64_t addr, char *buf, size_t size)
{
	struct kd_symbol sym;
	uint64_t off;
	struct kd_error *err = kd_symbol_at(s, addr, &sym, &off);
	if (err)
		snprintf(buf, size, "%016" PRIx64, addr);
	else
		snprintf(buf, size, off ? "%s+%" PRIu64 : "%s", sym.name, off);
	kd_error_destroy(err);
	return buf;
}

// crash's task line: PID, TASK and COMMAND of a task address.
void sched_task_line(struct ko_run *rn, int indent, const char *prefix, uint64_t task)
{
	struct kd_session *s = rn->s;
	const struct kd_task *t = kd_task_by_addr(s, task);
	char comm[KD_TASK_COMM_LEN + 1] = "?";
	int64_t pid = -1;
	if (t) {
		pid = t->pid;
		snprintf(comm, sizeof(comm), "%s", t->comm);
	} else {
		struct ko r = { s, NULL };
		pid = (int32_t)ko_get(&r, "task_struct", "pid", task);
		struct kd_member_info m;
		if (!r.err && !(r.err = kd_type_member(s, "task_struct", "comm", &m)))
			r.err = kd_read_kernel(s, task + m.offset, comm, KD_TASK_COMM_LEN);
		comm[KD_TASK_COMM_LEN] = 0;
		if (r.err)
			ko_bad(rn, ko_take(&r), "runq: the task", task);
	}
	kd_printf(s, "%*s%sPID: %-6" PRId64 " TASK: %016" PRIx64 "  COMMAND: \"%s\"\n", indent, "", prefix, pid, task,
		  comm);
}

/* ---- runq ------------------------------------------------------------------------- */

enum { R_T, R_G, R_C, R_JSON, R_NOPT };
static const struct kd_option runq_opts[] = {
	[R_T] = { "t", KD_ARG_NONE, NULL, "timestamps: each run queue's clock and its current task's last arrival" },
	[R_G] = { "g", KD_ARG_NONE, NULL, "by task group: each group's cfs_rq with its path and its tasks" },
	[R_C] = { "c", KD_ARG_STRING, "CPU[,CPU...]", "only these CPUs (a list, ranges allowed: 0,2-3)" },
	[R_JSON] = KD_OPTION_JSON,
	[R_NOPT] = { NULL },
};

struct rq_walk {
	struct ko_run *rn;
	unsigned cpu;
	int indent;
	size_t n;
	uint64_t off_se, off_rt, off_dl; // offsets of task_struct.se, .rt, .dl
};

static void queued(struct rq_walk *w, const char *cls, uint64_t task)
{
	struct kd_session *s = w->rn->s;
	struct ko r = { s, NULL };
	int64_t prio = (int32_t)ko_get(&r, "task_struct", "prio", task);
	if (r.err) {
		ko_bad(w->rn, ko_take(&r), "runq: the queued task", task);
		return;
	}
	w->n++;
	if (w->rn->json) {
		const struct kd_task *t = kd_task_by_addr(s, task);
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "class", cls);
		kd_json_u64(s, "cpu", w->cpu);
		kd_json_hex(s, "task", task);
		if (t) {
			kd_json_i64(s, "pid", t->pid);
			kd_json_string(s, "comm", t->comm);
		}
		kd_json_i64(s, "prio", prio);
		kd_json_u64(s, "depth", (uint64_t)(w->indent - 5) / 3);
		kd_json_end_object(s);
		return;
	}
	char p[16];
	snprintf(p, sizeof(p), "[%3" PRId64 "] ", prio);
	sched_task_line(w->rn, w->indent, p, task);
}

static void cfs_queue(struct rq_walk *w, uint64_t cfs_rq, int depth);

static struct kd_error *cfs_node(struct kd_session *s, uint64_t node, void *arg)
{
	struct rq_walk *w = arg;
	struct ko r = { s, NULL };
	uint64_t se = node - ko_off(&r, "sched_entity", "run_node");
	uint64_t my_q = ko_has(s, "sched_entity", "my_q") ? ko_get(&r, "sched_entity", "my_q", se) : 0;
	if (r.err) {
		ko_bad(w->rn, ko_take(&r), "runq: the sched_entity", se);
		return NULL;
	}
	if (my_q) {
		if (!w->rn->json)
			kd_printf(s, "%*sGROUP CFS RB_ROOT: %016" PRIx64 "\n", w->indent, "",
				  my_q + ko_off(&r, "cfs_rq", "tasks_timeline"));
		kd_error_destroy(ko_take(&r));
		w->indent += 3;
		cfs_queue(w, my_q, w->indent);
		w->indent -= 3;
		return NULL;
	}
	queued(w, "CFS", se - w->off_se);
	return NULL;
}

static void cfs_queue(struct rq_walk *w, uint64_t cfs_rq, int depth)
{
	struct kd_session *s = w->rn->s;
	struct ko r = { s, NULL };
	if (depth > 64) {
		ko_bad(w->rn, kd_error_create(KD_ERR_CORRUPT, "task groups nest too deep"), "runq: the cfs_rq", cfs_rq);
		return;
	}
	uint64_t root = ko_get(&r, "cfs_rq", "tasks_timeline.rb_root.rb_node", cfs_rq);
	if (r.err) {
		ko_bad(w->rn, ko_take(&r), "runq: the cfs_rq", cfs_rq);
		return;
	}
	size_t before = w->n;
	struct kd_error *err = ko_rbtree(s, root, cfs_node, w);
	if (err)
		ko_bad(w->rn, err, "runq: the CFS rbtree of the cfs_rq", cfs_rq);
	if (w->n == before && !w->rn->json)
		kd_printf(s, "%*s[no tasks queued]\n", w->indent, "");
}

struct list_walk {
	struct rq_walk *w;
	uint64_t back; // task_struct.rt.run_list offset
};

static struct kd_error *rt_node(struct kd_session *s, uint64_t node, void *arg)
{
	(void)s;
	struct list_walk *lw = arg;
	queued(lw->w, "RT", node - lw->back);
	return NULL;
}

static struct kd_error *dl_node(struct kd_session *s, uint64_t node, void *arg)
{
	(void)s;
	struct list_walk *lw = arg;
	queued(lw->w, "DL", node - lw->back);
	return NULL;
}

static void one_rq(struct ko_run *rn, unsigned cpu, bool times)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint64_t rq = ko_percpu(&r, "runqueues", cpu);
	uint64_t curr = ko_get(&r, "rq", "curr", rq);
	uint64_t clock = ko_get(&r, "rq", "clock", rq);
	uint64_t nr = ko_get(&r, "rq", "nr_running", rq);
	struct rq_walk w = { rn, cpu, 5, 0, ko_off(&r, "task_struct", "se"), ko_off(&r, "task_struct", "rt"),
			     ko_off(&r, "task_struct", "dl") };
	uint64_t off_cfs = ko_off(&r, "rq", "cfs"), off_rt = ko_off(&r, "rq", "rt"), off_dl = ko_off(&r, "rq", "dl");
	uint64_t off_active = ko_off(&r, "rt_rq", "active");
	struct kd_member_info q;
	if (!r.err)
		r.err = kd_type_member(s, "rt_prio_array", "queue", &q);
	uint64_t lh = ko_size(&r, "list_head");
	uint64_t run_list = ko_off(&r, "sched_rt_entity", "run_list");
	uint64_t dl_node_off = ko_off(&r, "sched_dl_entity", "rb_node");
	if (r.err) {
		ko_bad(rn, ko_take(&r), "runq: the run queue of a CPU", rq);
		return;
	}
	uint64_t arrival = 0;
	if (times && curr)
		arrival = ko_get(&r, "task_struct", "sched_info.last_arrival", curr);
	kd_error_destroy(ko_take(&r));
	if (rn->json) {
		kd_json_begin_object(s, NULL);
		kd_json_u64(s, "cpu", cpu);
		kd_json_hex(s, "rq", rq);
		kd_json_hex(s, "curr", curr);
		kd_json_u64(s, "nr_running", nr);
		kd_json_u64(s, "clock", clock);
		if (times)
			kd_json_u64(s, "curr_last_arrival", arrival);
		kd_json_begin_array(s, "queued");
	} else {
		if (times) {
			kd_printf(s, " CPU %u: %" PRIu64 "\n", cpu, clock);
			kd_printf(s, "  %017" PRIu64 "  ", arrival);
			sched_task_line(rn, 0, "", curr);
		}
		kd_printf(s, "CPU %u RUNQUEUE: %016" PRIx64 "\n", cpu, rq);
		sched_task_line(rn, 2, "CURRENT: ", curr);
	}
	// RT: queue[prio] lists, highest priority (lowest index) first.
	uint64_t arr = rq + off_rt + off_active;
	if (!rn->json)
		kd_printf(s, "  RT PRIO_ARRAY: %016" PRIx64 "\n", arr);
	size_t before = w.n;
	struct list_walk lw = { &w, w.off_rt + run_list };
	for (uint64_t p = 0; p < q.nelems; p++) {
		struct kd_error *err = ko_list(s, arr + q.offset + p * lh, rt_node, &lw);
		if (err)
			ko_bad(rn, err, "runq: an RT queue", arr + q.offset + p * lh);
	}
	if (w.n == before && !rn->json)
		kd_printf(s, "     [no tasks queued]\n");
	// CFS.
	if (!rn->json)
		kd_printf(s, "  CFS RB_ROOT: %016" PRIx64 "\n", rq + off_cfs + ko_off(&r, "cfs_rq", "tasks_timeline"));
	cfs_queue(&w, rq + off_cfs, 0);
	// Deadline.
	uint64_t dlroot = rq + off_dl + ko_off(&r, "dl_rq", "root");
	uint64_t dl_top = ko_get(&r, "rb_root_cached", "rb_root.rb_node", dlroot);
	if (r.err) {
		ko_bad(rn, ko_take(&r), "runq: the deadline queue", dlroot);
	} else {
		if (!rn->json)
			kd_printf(s, "  DL_RB_ROOT: %016" PRIx64 "\n", dlroot);
		before = w.n;
		struct list_walk dw = { &w, w.off_dl + dl_node_off };
		struct kd_error *err = ko_rbtree(s, dl_top, dl_node, &dw);
		if (err)
			ko_bad(rn, err, "runq: the deadline rbtree", dlroot);
		if (w.n == before && !rn->json)
			kd_printf(s, "     [no tasks queued]\n");
	}
	if (rn->json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
}

// -c/-C CPU[,CPU...]: *want_ret[c] for each of the dump's *n_ret CPUs (all
// without a list).  *want_ret is NULL only when it could not be allocated;
// a bad list is the returned error, with *want_ret to free.
static struct kd_error *wanted_cpus(struct kd_session *s, const char *spec, unsigned *n_ret,
				    bool **want_ret)
{
	*n_ret = ko_nr_cpus(s);
	*want_ret = calloc(*n_ret, sizeof(**want_ret));
	if (!*want_ret)
		return &kd_enomem;
	return kd_parse_cpus(spec, *n_ret, *want_ret);
}

static struct kd_error *runq_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "no operands expected");
	if (v[R_T].count && v[R_G].count)
		return kd_error_create(KD_ERR_USAGE, "-t and -g exclude each other");
	unsigned n;
	bool *want;
	struct kd_error *err = wanted_cpus(s, v[R_C].count ? v[R_C].arg : NULL, &n, &want);
	if (!want)
		return err;
	struct ko_run rn = { s, kd_json_mode(s), 0, NULL };
	if (!err && rn.json)
		kd_json_begin_array(s, NULL);
	bool first = true;
	for (unsigned c = 0; c < n && !err; c++) {
		if (!want[c])
			continue;
		if (!rn.json && !first)
			kd_printf(s, "\n");
		first = false;
		if (v[R_G].count)
			sched_runq_groups(&rn, c);
		else
			one_rq(&rn, c, v[R_T].count);
		err = kd_check_interrupt(s);
	}
	if (rn.json && !(err && err->code == KD_ERR_USAGE))
		kd_json_end_array(s);
	free(want);
	return ko_finish(rn.bad, err);
}

/* ---- timer ------------------------------------------------------------------------- */

enum { T_R, T_C, T_JSON, T_NOPT };
static const struct kd_option timer_opts[] = {
	[T_R] = { "r", KD_ARG_NONE, NULL, "the high-resolution timers (hrtimers) instead of the timer wheel" },
	[T_C] = { "C", KD_ARG_STRING, "CPU[,CPU...]", "only these CPUs" },
	[T_JSON] = KD_OPTION_JSON,
	[T_NOPT] = { NULL },
};

struct tmr {
	uint64_t addr, expires, function;
};

static int tmr_cmp(const void *a, const void *b)
{
	const struct tmr *x = a, *y = b;
	if (x->expires != y->expires)
		return x->expires < y->expires ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct tmr_walk {
	struct ko_run *rn;
	struct tmr *v;
	size_t n, cap;
	uint64_t entry_off;
	bool hr;
};

static struct kd_error *tmr_add(struct tmr_walk *w, uint64_t addr, uint64_t expires, uint64_t fn)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		struct tmr *nv = realloc(w->v, w->cap * sizeof(*nv));
		if (!nv)
			return &kd_enomem;
		w->v = nv;
	}
	w->v[w->n++] = (struct tmr){ addr, expires, fn };
	return NULL;
}

static struct kd_error *wheel_node(struct kd_session *s, uint64_t node, void *arg)
{
	struct tmr_walk *w = arg;
	struct ko r = { s, NULL };
	uint64_t t = node - w->entry_off;
	uint64_t exp = ko_get(&r, "timer_list", "expires", t);
	uint64_t fn = ko_get(&r, "timer_list", "function", t);
	if (r.err) {
		ko_bad(w->rn, ko_take(&r), "timer: the timer_list", t);
		return NULL;
	}
	return tmr_add(w, t, exp, fn);
}

static struct kd_error *hr_node(struct kd_session *s, uint64_t node, void *arg)
{
	struct tmr_walk *w = arg;
	struct ko r = { s, NULL };
	uint64_t t = node - w->entry_off;
	uint64_t exp = ko_get(&r, "hrtimer", "node.expires", t);
	uint64_t fn = ko_get(&r, "hrtimer", "function", t);
	if (r.err) {
		ko_bad(w->rn, ko_take(&r), "timer: the hrtimer", t);
		return NULL;
	}
	return tmr_add(w, t, exp, fn);
}

static void print_timers(struct ko_run *rn, struct tmr_walk *w, uint64_t now, bool hr)
{
	struct kd_session *s = rn->s;
	if (w->n)
		qsort(w->v, w->n, sizeof(*w->v), tmr_cmp);
	char sym[160];
	if (!rn->json) {
		if (!w->n) {
			kd_printf(s, "  (none)\n");
			return;
		}
		if (hr)
			kd_printf(s, "       SOFTEXPIRES             EXPIRES                 TTE  HRTIMER           FUNCTION\n");
		else
			kd_printf(s, "       EXPIRES            TTE  TIMER_LIST        FUNCTION\n");
	}
	for (size_t i = 0; i < w->n; i++) {
		const struct tmr *t = &w->v[i];
		int64_t tte = (int64_t)(t->expires - now);
		uint64_t soft = 0;
		if (hr) {
			struct ko r = { s, NULL };
			soft = ko_get(&r, "hrtimer", "_softexpires", t->addr);
			kd_error_destroy(ko_take(&r));
		}
		if (rn->json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, hr ? "hrtimer" : "timer_list", t->addr);
			if (hr)
				kd_json_u64(s, "softexpires", soft);
			kd_json_u64(s, "expires", t->expires);
			kd_json_i64(s, "tte", tte);
			kd_json_hex(s, "function", t->function);
			kd_json_string(s, "symbol", symname(s, t->function, sym, sizeof(sym)));
			kd_json_end_object(s);
		} else if (hr) {
			kd_printf(s, "  %18" PRIu64 "  %18" PRIu64 "  %18" PRId64 "  %016" PRIx64 "  %016" PRIx64 " <%s>\n", soft,
				  t->expires, tte, t->addr, t->function, symname(s, t->function, sym, sizeof(sym)));
		} else {
			kd_printf(s, "  %12" PRIu64 "  %12" PRId64 "  %016" PRIx64 "  %016" PRIx64 " <%s>\n", t->expires, tte,
				  t->addr, t->function, symname(s, t->function, sym, sizeof(sym)));
		}
	}
	w->n = 0;
}

static void wheel_cpu(struct ko_run *rn, unsigned cpu, uint64_t jiffies, struct tmr_walk *w)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint32_t tid;
	struct kd_type_info ti = { 0 };
	uint64_t bases = ko_percpu(&r, "timer_bases", cpu);
	uint64_t bsize = ko_size(&r, "timer_base");
	struct kd_member_info vec;
	if (!r.err)
		r.err = kd_type_member(s, "timer_base", "vectors", &vec);
	if (!r.err && !(r.err = kd_symbol_type(s, "timer_bases", &tid, NULL)))
		r.err = kd_type_get(s, kd_type_strip(s, tid), &ti);
	uint64_t hh = ko_size(&r, "hlist_head");
	if (r.err) {
		ko_bad(rn, ko_take(&r), "timer: the timer bases of a CPU", bases);
		return;
	}
	uint64_t nbases = ti.kind == KD_TYPE_ARRAY ? ti.nelems : 1;
	for (uint64_t b = 0; b < nbases && b < 8; b++) {
		uint64_t base = bases + b * bsize;
		if (rn->json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "cpu", cpu);
			kd_json_u64(s, "base", b);
			kd_json_hex(s, "timer_base", base);
			kd_json_begin_array(s, "timers");
		} else {
			kd_printf(s, "TIMER_BASES[%u][%" PRIu64 "]: %016" PRIx64 "\n", cpu, b, base);
		}
		for (uint64_t i = 0; i < vec.nelems; i++) {
			struct kd_error *err = ko_hlist(s, base + vec.offset + i * hh, wheel_node, w);
			if (err)
				ko_bad(rn, err, "timer: a wheel vector", base + vec.offset + i * hh);
		}
		print_timers(rn, w, jiffies, false);
		if (rn->json) {
			kd_json_end_array(s);
			kd_json_end_object(s);
		}
	}
}

static void hr_cpu(struct ko_run *rn, unsigned cpu, struct tmr_walk *w)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint64_t cb = ko_percpu(&r, "hrtimer_bases", cpu);
	struct kd_member_info clk;
	if (!r.err)
		r.err = kd_type_member(s, "hrtimer_cpu_base", "clock_base", &clk);
	uint64_t csize = ko_size(&r, "hrtimer_clock_base");
	uint64_t expires_next = ko_get(&r, "hrtimer_cpu_base", "expires_next", cb);
	if (r.err) {
		ko_bad(rn, ko_take(&r), "timer: the hrtimer base of a CPU", cb);
		return;
	}
	if (!rn->json)
		kd_printf(s, "CPU: %u  HRTIMER_CPU_BASE: %016" PRIx64 "\n", cpu, cb);
	for (uint64_t i = 0; i < clk.nelems; i++) {
		uint64_t base = cb + clk.offset + i * csize;
		uint64_t get_time = ko_get(&r, "hrtimer_clock_base", "get_time", base);
		uint64_t offset = ko_get(&r, "hrtimer_clock_base", "offset", base);
		uint64_t root = ko_get(&r, "hrtimer_clock_base", "active.rb_root.rb_root.rb_node", base);
		if (r.err) {
			ko_bad(rn, ko_take(&r), "timer: the clock base", base);
			continue;
		}
		char sym[160];
		symname(s, get_time, sym, sizeof(sym));
		if (rn->json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "cpu", cpu);
			kd_json_u64(s, "clock", i);
			kd_json_hex(s, "hrtimer_clock_base", base);
			kd_json_string(s, "get_time", sym);
			kd_json_i64(s, "offset", (int64_t)offset);
			kd_json_begin_array(s, "timers");
		} else {
			kd_printf(s, "  CLOCK: %" PRIu64 "  HRTIMER_CLOCK_BASE: %016" PRIx64 "  [%s]\n", i, base, sym);
		}
		struct kd_error *err = ko_rbtree(s, root, hr_node, w);
		if (err)
			ko_bad(rn, err, "timer: the hrtimer rbtree of the clock base", base);
		// Time to expiry against the CPU's next programmed event, the
		// closest the dump has to "now" for that CPU.
		print_timers(rn, w, expires_next, true);
		if (rn->json) {
			kd_json_end_array(s);
			kd_json_end_object(s);
		}
	}
}

static struct kd_error *timer_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "no operands expected");
	unsigned n;
	bool *want;
	struct kd_error *err = wanted_cpus(s, v[T_C].count ? v[T_C].arg : NULL, &n, &want);
	if (!want)
		return err;
	struct ko_run rn = { s, kd_json_mode(s), 0, NULL };
	bool hr = v[T_R].count;
	struct tmr_walk w = { &rn, NULL, 0, 0, 0, hr };
	struct ko r = { s, NULL };
	uint64_t jiffies = 0;
	if (!err) {
		if (hr) {
			w.entry_off = ko_off(&r, "hrtimer", "node.node");
		} else {
			w.entry_off = ko_off(&r, "timer_list", "entry");
			jiffies = ko_word(&r, ko_sym(&r, "jiffies"));
		}
		err = ko_take(&r);
	}
	if (err) {
		free(want);
		return err;
	}
	if (rn.json) {
		kd_json_begin_object(s, NULL);
		if (!hr)
			kd_json_u64(s, "jiffies", jiffies);
		kd_json_begin_array(s, hr ? "clock_bases" : "timer_bases");
	} else if (!hr) {
		kd_printf(s, "JIFFIES\n%" PRIu64 "\n", jiffies);
	}
	for (unsigned c = 0; c < n && !err; c++) {
		if (!want[c])
			continue;
		if (hr)
			hr_cpu(&rn, c, &w);
		else
			wheel_cpu(&rn, c, jiffies, &w);
		err = kd_check_interrupt(s);
	}
	if (rn.json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	free(w.v);
	free(want);
	return ko_finish(rn.bad, err);
}

/* ---- waitq ------------------------------------------------------------------------- */

enum { W_JSON, W_NOPT };
static const struct kd_option waitq_opts[] = {
	[W_JSON] = KD_OPTION_JSON,
	[W_NOPT] = { NULL },
};

struct wq_walk {
	struct ko_run *rn;
	uint64_t entry_off;
	size_t n;
};

static struct kd_error *wq_node(struct kd_session *s, uint64_t node, void *arg)
{
	struct wq_walk *w = arg;
	struct ko r = { s, NULL };
	uint64_t e = node - w->entry_off;
	uint64_t priv = ko_get(&r, "wait_queue_entry", "private", e);
	uint64_t func = ko_get(&r, "wait_queue_entry", "func", e);
	if (r.err) {
		ko_bad(w->rn, ko_take(&r), "waitq: the wait_queue_entry", e);
		return NULL;
	}
	w->n++;
	const struct kd_task *t = priv ? kd_task_by_addr(s, priv) : NULL;
	char sym[160];
	symname(s, func, sym, sizeof(sym));
	if (w->rn->json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "entry", e);
		kd_json_hex(s, "private", priv);
		kd_json_string(s, "func", sym);
		if (t) {
			kd_json_i64(s, "pid", t->pid);
			kd_json_hex(s, "task", t->addr);
			kd_json_string(s, "comm", t->comm);
		}
		kd_json_end_object(s);
	} else if (t) {
		char buf[128];
		kd_printf(s, "%s\n", kd_task_header(t, buf, sizeof(buf)));
	} else {
		kd_printf(s, "ENTRY: %016" PRIx64 "  PRIVATE: %016" PRIx64 "  FUNC: %s\n", e, priv, sym);
	}
	return NULL;
}

static struct kd_error *waitq_run(struct kd_session *s, const struct kd_args *args)
{
	uint64_t head;
	struct kd_error *err;
	struct ko r = { s, NULL };
	if (args->argc == 2) {
		// An address, or a symbol that is a wait_queue_head.
		if ((err = kd_parse_address(s, args->argv[1], &head)))
			return err;
	} else if (args->argc == 3) {
		// struct.member ADDRESS: the head is a member of the object at ADDRESS.
		const char *dot = strchr(args->argv[1], '.');
		if (!dot)
			return kd_error_create(KD_ERR_USAGE, "expected struct.member and an address");
		char *type = strndup(args->argv[1], (size_t)(dot - args->argv[1]));
		if (!type)
			return &kd_enomem;
		uint64_t obj;
		struct kd_member_info m;
		err = kd_parse_address(s, args->argv[2], &obj);
		if (!err)
			err = kd_type_member(s, type, dot + 1, &m);
		free(type);
		if (err)
			return err;
		head = obj + m.offset;
	} else {
		return kd_error_create(KD_ERR_USAGE, "expected an address, a symbol, or struct.member and an address");
	}
	struct ko_run rn = { s, kd_json_mode(s), 0, NULL };
	struct wq_walk w = { &rn, ko_off(&r, "wait_queue_entry", "entry"), 0 };
	uint64_t list = head + ko_off(&r, "wait_queue_head", "head");
	if (r.err)
		return ko_take(&r);
	if (rn.json)
		kd_json_begin_array(s, NULL);
	err = ko_list(s, list, wq_node, &w);
	if (rn.json)
		kd_json_end_array(s);
	else if (!err && !w.n)
		kd_printf(s, "wait queue %016" PRIx64 " is empty\n", head);
	if (err && err->code != KD_ERR_INTERRUPTED)
		err = kd_error_prefix(err, "the wait queue at 0x%016" PRIx64, head);
	return ko_finish(rn.bad, err);
}

static const struct kd_command commands[] = {
	{
		.name = "runq",
		.summary = "each CPU's run queue",
		.synopsis = "[-t | -g] [-c CPU[,CPU...]] [--json]",
		.help = "For each CPU, print its run queue (struct rq) and current task, then the\n"
			"tasks queued in the RT priority array (with their priority), the CFS\n"
			"rbtree in vruntime order (entering task groups, shown as GROUP CFS\n"
			"RB_ROOT) and the deadline rbtree.  The current task is not in the\n"
			"queues, as in the kernel.  -t prints each run queue's clock and its\n"
			"current task's last arrival time first; -c limits the CPUs.\n"
			"-g shows the queues by task group (crash's layout): for each CPU the\n"
			"root task group's RT_RQ and CFS_RQ with their tasks, then each task\n"
			"group with something runnable on that CPU (its struct task_group,\n"
			"its cfs_rq there, its path as /proc/sched_debug names it, THROTTLED\n"
			"when CFS bandwidth holds it) and the tasks queued in it, nested by\n"
			"the group hierarchy.  With --json every group is listed, with its\n"
			"nr_running and the task its cfs_rq runs (curr_task).\n\n"
			"EXAMPLES\n"
			"  kdive> runq\n"
			"  kdive> runq -g\n"
			"  kdive> runq -c 1\n"
			"  kdive> runq --json",
		.options = runq_opts,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_NEEDS_TASKS,
		.run = runq_run,
	},
	{
		.name = "timer",
		.summary = "timer wheel and hrtimers of each CPU",
		.synopsis = "[-r] [-C CPU[,CPU...]] [--json]",
		.help = "Print jiffies and, for each CPU and timer base, the pending timers of the\n"
			"timer wheel (struct timer_list) sorted by expiry: expires (jiffies), time\n"
			"to expiry, the timer and its function.  -r prints the hrtimers instead:\n"
			"for each CPU and clock base (with its get_time function) the queued\n"
			"struct hrtimer by expiry (nanoseconds), the time to expiry from the CPU's\n"
			"next programmed event, and the function.\n\n"
			"EXAMPLES\n"
			"  kdive> timer\n"
			"  kdive> timer -r -C 0",
		.options = timer_opts,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_USES_MODULES,
		.run = timer_run,
	},
	{
		.name = "waitq",
		.summary = "the tasks waiting on a wait queue",
		.synopsis = "address|symbol | struct.member address [--json]",
		.help = "List the entries of a wait queue (struct wait_queue_head): for each\n"
			"entry whose private pointer is a task, crash's task line; otherwise the\n"
			"entry, its private pointer and its wake function.  The head is given by\n"
			"address or symbol, or as a struct.member of the object at an address.\n\n"
			"EXAMPLES\n"
			"  kdive> waitq signal_struct.wait_chldexit ffff8a8fc1a3c000\n"
			"  kdive> waitq ffff8a8fc24f2840",
		.options = waitq_opts,
		.operand = KD_ARG_ADDR,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_NEEDS_TASKS |
			 KD_CMD_USES_MODULES,
		.run = waitq_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "sched",
	.version = "1",
	.commands = commands,
};
