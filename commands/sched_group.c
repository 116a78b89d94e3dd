// SPDX-License-Identifier: GPL-3.0-or-later
// runq -g: the run queues by task group, in crash's layout.  For each CPU,
// the root task group's RT queue (rq.rt's rt_prio_array) and CFS queue
// (root_task_group.cfs_rq[cpu], which is rq.cfs), then each task group of
// the hierarchy (struct task_group's children and siblings lists, depth
// first from root_task_group, kernel/sched/sched.h) with its cfs_rq on that
// CPU, its path as /proc/sched_debug names it (task_group_path(),
// kernel/sched/debug.c: "/autogroup-N" for an autogroup, else the cgroup's
// kernfs path, include/linux/kernfs.h) and the tasks queued in it (the CFS
// rbtree's entities without a my_q; group entities are shown as their own
// group).  Text shows the groups with something runnable on the CPU, --json
// every group.  Every layout from BTF.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "kobj.h"
#include "sched.h"

enum { TG_MAX_DEPTH = 64, TG_MAX_GROUPS = 100000, TG_PATH_MAX = 512 };

struct gwalk {
	struct ko_run *rn;
	unsigned cpu;
	uint64_t off_se, off_rt, siblings_off;
	int indent;
	size_t ngroups, nqueued;
};

// One queued task (CFS or RT) in the text or JSON.
static void task_entry(struct gwalk *g, uint64_t task, int indent)
{
	struct kd_session *s = g->rn->s;
	struct ko r = { s, NULL };
	int64_t prio = (int32_t)ko_get(&r, "task_struct", "prio", task);
	if (r.err) {
		ko_bad(g->rn, ko_take(&r), "runq: the queued task", task);
		return;
	}
	g->nqueued++;
	if (g->rn->json) {
		const struct kd_task *t = kd_task_by_addr(s, task);
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "task", task);
		if (t) {
			kd_json_i64(s, "pid", t->pid);
			kd_json_string(s, "comm", t->comm);
		}
		kd_json_i64(s, "prio", prio);
		kd_json_end_object(s);
		return;
	}
	char p[16];
	snprintf(p, sizeof(p), "[%3" PRId64 "] ", prio);
	sched_task_line(g->rn, indent, p, task);
}

/* ---- CFS ---------------------------------------------------------------------- */

struct cfs_tasks {
	struct gwalk *g;
	int indent;
	uint64_t run_node_off;
};

static struct kd_error *cfs_task_node(struct kd_session *s, uint64_t node, void *arg)
{
	struct cfs_tasks *c = arg;
	struct ko r = { s, NULL };
	uint64_t se = node - c->run_node_off;
	uint64_t my_q = ko_has(s, "sched_entity", "my_q") ? ko_get(&r, "sched_entity", "my_q", se) : 0;
	if (r.err)
		ko_bad(c->g->rn, ko_take(&r), "runq: the sched_entity", se);
	else if (!my_q) // a group's entity: the group is shown on its own
		task_entry(c->g, se - c->g->off_se, c->indent);
	return kd_check_interrupt(s);
}

// task_group_path(): "/autogroup-N", or the cgroup's kernfs names up to the root.
static void group_path(struct kd_session *s, uint64_t tg, char *out, size_t size)
{
	struct ko r = { s, NULL };
	snprintf(out, size, "?");
	if (ko_has(s, "task_group", "autogroup")) {
		uint64_t ag = ko_get(&r, "task_group", "autogroup", tg);
		if (ag) {
			int64_t id = (int64_t)ko_get(&r, "autogroup", "id", ag);
			if (!r.err)
				snprintf(out, size, "/autogroup-%" PRId64, id);
			kd_error_destroy(ko_take(&r));
			return;
		}
	}
	const char *parent = ko_has(s, "kernfs_node", "parent") ? "parent" : "__parent";
	uint64_t cg = ko_get(&r, "task_group", "css.cgroup", tg);
	uint64_t kn = cg ? ko_get(&r, "cgroup", "kn", cg) : 0;
	// Names from the leaf up, joined from the root down.
	char names[TG_MAX_DEPTH][64];
	int n = 0;
	while (kn && !r.err && n < TG_MAX_DEPTH) {
		uint64_t up = ko_get(&r, "kernfs_node", parent, kn);
		if (!up) // the root's own name is the hierarchy's, not a component
			break;
		uint64_t name = ko_get(&r, "kernfs_node", "name", kn);
		if (!r.err)
			r.err = ko_string(s, name, names[n], sizeof(names[n]));
		n++;
		kn = up;
	}
	if (r.err || !cg) {
		kd_error_destroy(ko_take(&r));
		return;
	}
	size_t k = 0;
	out[0] = '\0';
	for (int i = n - 1; i >= 0 && k + 1 < size; i--)
		k += (size_t)snprintf(out + k, size - k, "/%s", names[i]);
	if (!n)
		snprintf(out, size, "/");
}

struct tg_children {
	struct gwalk *g;
	int depth;
};

static void one_group(struct gwalk *g, uint64_t tg, int depth);

static struct kd_error *tg_child_node(struct kd_session *s, uint64_t node, void *arg)
{
	struct tg_children *c = arg;
	one_group(c->g, node - c->g->siblings_off, c->depth);
	return kd_check_interrupt(s);
}

// One task group's cfs_rq on the CPU, then its children.
static void one_group(struct gwalk *g, uint64_t tg, int depth)
{
	struct kd_session *s = g->rn->s;
	struct ko r = { s, NULL };
	if (depth > TG_MAX_DEPTH || ++g->ngroups > TG_MAX_GROUPS) {
		ko_bad(g->rn, kd_error_create(KD_ERR_CORRUPT, "the task group tree is too deep or too large"),
			  "runq: the task_group", tg);
		return;
	}
	uint64_t cfs_rqs = ko_get(&r, "task_group", "cfs_rq", tg);
	uint64_t cfs_rq = ko_word(&r, cfs_rqs + 8 * (uint64_t)g->cpu);
	uint64_t nr = cfs_rq ? ko_get(&r, "cfs_rq", "nr_running", cfs_rq) : 0;
	uint64_t h_nr = cfs_rq ? ko_get(&r, "cfs_rq", "h_nr_running", cfs_rq) : 0;
	uint64_t curr = cfs_rq ? ko_get(&r, "cfs_rq", "curr", cfs_rq) : 0;
	uint64_t top = cfs_rq ? ko_get(&r, "cfs_rq", "tasks_timeline.rb_root.rb_node", cfs_rq) : 0;
	uint64_t run_node_off = ko_off(&r, "sched_entity", "run_node");
	uint64_t children = tg + ko_off(&r, "task_group", "children");
	if (r.err) {
		ko_bad(g->rn, ko_take(&r), "runq: the task_group", tg);
		return;
	}
	uint64_t throttled = 0;
	if (cfs_rq && ko_has(s, "cfs_rq", "throttled"))
		throttled = ko_get(&r, "cfs_rq", "throttled", cfs_rq);
	uint64_t curr_task = 0;
	if (curr && ko_has(s, "sched_entity", "my_q") && !ko_get(&r, "sched_entity", "my_q", curr))
		curr_task = curr - g->off_se;
	kd_error_destroy(ko_take(&r));
	char path[TG_PATH_MAX];
	group_path(s, tg, path, sizeof(path));
	bool show = g->rn->json || depth == 0 || nr > 0;
	int indent = 2 + 3 * depth;
	if (show && g->rn->json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "task_group", tg);
		kd_json_string(s, "path", path);
		kd_json_u64(s, "depth", (uint64_t)depth);
		kd_json_hex(s, "cfs_rq", cfs_rq);
		kd_json_u64(s, "nr_running", nr);
		kd_json_u64(s, "h_nr_running", h_nr);
		kd_json_bool(s, "throttled", throttled != 0);
		if (curr_task)
			kd_json_hex(s, "curr_task", curr_task);
		kd_json_begin_array(s, "queued");
	} else if (show) {
		if (depth == 0)
			kd_printf(s, "  ROOT_TASK_GROUP: %016" PRIx64 "  CFS_RQ: %016" PRIx64 "\n", tg, cfs_rq);
		else
			kd_printf(s, "%*sTASK_GROUP: %016" PRIx64 "  CFS_RQ: %016" PRIx64 "  <%s>%s\n", indent, "", tg,
				  cfs_rq, path, throttled ? " (THROTTLED)" : "");
	}
	if (show && cfs_rq) {
		size_t before = g->nqueued;
		struct cfs_tasks c = { g, indent + 3, run_node_off };
		struct kd_error *err = ko_rbtree(s, top, cfs_task_node, &c);
		if (err && err->code == KD_ERR_INTERRUPTED)
			kd_error_destroy(err);
		else if (err)
			ko_bad(g->rn, err, "runq: the CFS rbtree of the cfs_rq", cfs_rq);
		// A group with its running task only has nothing queued either.
		if (g->nqueued == before && !g->rn->json)
			kd_printf(s, "%*s[no tasks queued]\n", indent + 3, "");
	}
	if (show && g->rn->json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	struct tg_children c = { g, depth + 1 };
	struct kd_error *err = ko_list(s, children, tg_child_node, &c);
	if (err && err->code == KD_ERR_INTERRUPTED)
		kd_error_destroy(err);
	else if (err)
		ko_bad(g->rn, err, "runq: the children of the task_group", tg);
}

/* ---- RT ----------------------------------------------------------------------- */

struct rt_tasks {
	struct gwalk *g;
	uint64_t run_list_off; // sched_rt_entity.run_list
};

static struct kd_error *rt_task_node(struct kd_session *s, uint64_t node, void *arg)
{
	struct rt_tasks *t = arg;
	struct ko r = { s, NULL };
	uint64_t rse = node - t->run_list_off;
	// With RT_GROUP_SCHED a queued entity may be a group's (my_q set).
	uint64_t my_q = ko_has(s, "sched_rt_entity", "my_q") ? ko_get(&r, "sched_rt_entity", "my_q", rse) : 0;
	if (r.err)
		ko_bad(t->g->rn, ko_take(&r), "runq: the sched_rt_entity", rse);
	else if (my_q && !t->g->rn->json)
		kd_printf(s, "        RT_RQ: %016" PRIx64 " (a task group's)\n", my_q);
	else if (!my_q)
		task_entry(t->g, rse - t->g->off_rt, 5);
	return kd_check_interrupt(s);
}

static void root_rt(struct gwalk *g, uint64_t root_tg, uint64_t rq)
{
	struct kd_session *s = g->rn->s;
	struct ko r = { s, NULL };
	uint64_t rt_rq = rq + ko_off(&r, "rq", "rt");
	uint64_t arr = rt_rq + ko_off(&r, "rt_rq", "active");
	uint64_t lh = ko_size(&r, "list_head");
	struct rt_tasks t = { g, ko_off(&r, "sched_rt_entity", "run_list") };
	struct kd_member_info q = { 0 };
	if (!r.err)
		r.err = kd_type_member(s, "rt_prio_array", "queue", &q);
	if (r.err) {
		ko_bad(g->rn, ko_take(&r), "runq: the RT queue of the run queue", rq);
		return;
	}
	if (g->rn->json) {
		kd_json_hex(s, "rt_rq", rt_rq);
		kd_json_begin_array(s, "rt");
	} else {
		kd_printf(s, "  ROOT_TASK_GROUP: %016" PRIx64 "  RT_RQ: %016" PRIx64 "\n", root_tg, rt_rq);
	}
	size_t before = g->nqueued;
	for (uint64_t p = 0; p < q.nelems; p++) {
		struct kd_error *err = ko_list(s, arr + q.offset + p * lh, rt_task_node, &t);
		if (err && err->code == KD_ERR_INTERRUPTED) {
			kd_error_destroy(err);
			break;
		}
		if (err)
			ko_bad(g->rn, err, "runq: an RT queue", arr + q.offset + p * lh);
	}
	if (g->rn->json)
		kd_json_end_array(s);
	else if (g->nqueued == before)
		kd_printf(s, "     [no tasks queued]\n");
}

void sched_runq_groups(struct ko_run *rn, unsigned cpu)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint64_t rq = ko_percpu(&r, "runqueues", cpu);
	uint64_t curr = ko_get(&r, "rq", "curr", rq);
	uint64_t root_tg = ko_sym(&r, "root_task_group");
	struct gwalk g = { rn, cpu, ko_off(&r, "task_struct", "se"), ko_off(&r, "task_struct", "rt"),
			   ko_off(&r, "task_group", "siblings"), 0, 0, 0 };
	if (r.err) {
		ko_bad(rn, ko_take(&r), "runq: the run queue of a CPU (task groups need CONFIG_CGROUP_SCHED)",
			  rq);
		return;
	}
	if (rn->json) {
		kd_json_begin_object(s, NULL);
		kd_json_u64(s, "cpu", cpu);
		kd_json_hex(s, "rq", rq);
		kd_json_hex(s, "curr", curr);
		kd_json_hex(s, "root_task_group", root_tg);
	} else {
		kd_printf(s, "CPU %u\n", cpu);
		sched_task_line(rn, 2, "CURRENT: ", curr);
	}
	root_rt(&g, root_tg, rq);
	if (rn->json)
		kd_json_begin_array(s, "groups");
	one_group(&g, root_tg, 0);
	if (rn->json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
}
