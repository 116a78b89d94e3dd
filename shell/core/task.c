// SPDX-License-Identifier: GPL-3.0-or-later
// Finding one task by pid, and its user address space, for commands that
// take -c PID (vtop) or need the current context's memory.  The list walk
// uses the dump's types: init_task.tasks, then each process's threads on
// signal_struct.thread_head (task_struct.thread_node) or, on older kernels,
// task_struct.thread_group.  Walks are bounded.  The ps module lists every
// task; this is the cheap single lookup.
#include <inttypes.h>

#include <kdive/symbols.h>
#include <kdive/types.h>

#include "session_priv.h"

enum { MAX_WALK = 1 << 22 };


static struct kd_error *rd64(struct kd_session *s, uint64_t addr, uint64_t *v)
{
	return kd_read_kernel(s, addr, v, 8);
}

static bool member_off(struct kd_session *s, const char *type, const char *path, uint64_t *off)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	*off = m.offset;
	return true;
}

static struct kd_error *pid_of(struct kd_session *s, uint64_t task, int64_t *pid)
{
	uint64_t v;
	struct kd_error *err = kd_read_member_u64(s, "task_struct", "pid", task, &v);
	*pid = (int32_t)v;
	return err;
}

struct kd_error *kd_task_user_as(struct kd_session *s, uint64_t task, struct kd_as *as_ret)
{
	uint64_t mm = 0, pgd = 0, pa;
	struct kd_error *err = kd_read_member_u64(s, "task_struct", "mm", task, &mm);
	if (err)
		return err;
	*as_ret = (struct kd_as){ .kind = KD_AS_KERNEL };
	if (!mm)
		return NULL; // a kernel thread: no user memory
	if ((err = kd_read_member_u64(s, "mm_struct", "pgd", mm, &pgd)))
		return err;
	if ((err = kd_translate(s, NULL, pgd, &pa, NULL)))
		return kd_error_prefix(err, "the page tables of task 0x%" PRIx64, task);
	*as_ret = (struct kd_as){ .kind = KD_AS_USER, .pgd = pa };
	return NULL;
}

struct kd_error *kd_task_foreach(struct kd_session *s, kd_task_fn *fn, void *arg)
{
	uint64_t init_task, off_tasks, off_signal = 0, off_head = 0, off_node = 0, off_group = 0, off_comm;
	struct kd_error *err = kd_symbol_address(s, "init_task", &init_task);
	if (err)
		return err;
	if (!member_off(s, "task_struct", "tasks", &off_tasks) ||
	    !member_off(s, "task_struct", "comm", &off_comm))
		return kd_error_create(KD_ERR_NOTFOUND, "the dump's types have no task_struct.tasks or .comm");
	bool by_signal = member_off(s, "task_struct", "signal", &off_signal) &&
			 member_off(s, "signal_struct", "thread_head", &off_head) &&
			 member_off(s, "task_struct", "thread_node", &off_node);
	bool by_group = !by_signal && member_off(s, "task_struct", "thread_group", &off_group);
	uint64_t proc = init_task;
	// Every walk is bounded: MAX_WALK tasks in all, and a loop that misses
	// its head ends as soon as it is seen.
	unsigned long steps = 0;
	struct kd_cycle procs = { 0 };
	for (unsigned long n = 0; n < MAX_WALK; n++) {
		// The process, then its other threads.
		uint64_t head = 0, node = 0, t = proc;
		if (by_signal) {
			uint64_t sig;
			if ((err = rd64(s, proc + off_signal, &sig)))
				return err;
			head = sig ? sig + off_head : 0;
		} else if (by_group) {
			head = proc + off_group;
		}
		if (head && (err = rd64(s, head, &node)))
			return err;
		struct kd_cycle threads = { 0 };
		for (unsigned long k = 0; k < MAX_WALK; k++) {
			int64_t pid;
			char comm[17] = "";
			if ((err = pid_of(s, t, &pid)) || (err = kd_read_kernel(s, t + off_comm, comm, 16)))
				return err;
			int r = fn(t, pid, comm, arg);
			if (r)
				return r < 0 ? kd_error_create(KD_ERR_INTERRUPTED, "stopped") : NULL;
			// next thread other than the process itself
			for (;;) {
				if (!head || node == head)
					goto next_proc;
				if (++steps > MAX_WALK || kd_cycle_step(&threads, node))
					return kd_error_create(KD_ERR_CORRUPT,
							       "the thread list of pid %" PRId64
							       " does not end (corrupted?)", pid);
				t = node - (by_signal ? off_node : off_group);
				if ((err = rd64(s, node, &node)))
					return err;
				if (t != proc)
					break;
			}
		}
next_proc:;
		uint64_t next;
		if ((err = rd64(s, proc + off_tasks, &next)))
			return err;
		proc = next - off_tasks;
		if (proc == init_task)
			return NULL;
		if (++steps > MAX_WALK || kd_cycle_step(&procs, proc))
			break;
		if ((err = kd_check_interrupt(s)))
			return err;
	}
	return kd_error_create(KD_ERR_CORRUPT, "the task list does not end (corrupted?)");
}

struct find_arg {
	int64_t pid;
	uint64_t task;
};

static int find_cb(uint64_t task, int64_t pid, const char *comm, void *arg)
{
	(void)comm;
	struct find_arg *f = arg;
	if (pid != f->pid)
		return 0;
	f->task = task;
	return 1;
}

struct kd_error *kd_task_find_pid(struct kd_session *s, int64_t pid, uint64_t *task_ret,
				  struct kd_as *as_ret)
{
	struct find_arg f = { pid, 0 };
	// A pid the user typed: the point of use of the symbols and types.
	kd_error_destroy(kd_layers_load(s, 0, KD_LAYER_SYMBOLS | KD_LAYER_TYPES));
	struct kd_error *err = kd_task_foreach(s, find_cb, &f);
	if (err)
		return kd_error_prefix(err, "finding pid %" PRId64, pid);
	if (!f.task)
		return kd_error_create(KD_ERR_NOTFOUND, "no task with pid %" PRId64, pid);
	*task_ret = f.task;
	return as_ret ? kd_task_user_as(s, f.task, as_ret) : NULL;
}

// The default context: the task that was running on CPU 0 (rq->curr of
// CPU 0's runqueue).  Dumps made after a panic would prefer the panicking
// task; kdive does not find it yet.
struct kd_error *kd_task_default_context(struct kd_session *s, uint64_t *task_ret, struct kd_as *as_ret)
{
	uint64_t rq, off, curr;
	struct kd_member_info m;
	struct kd_error *err = kd_symbol_address(s, "runqueues", &rq);
	if (!err)
		err = kd_percpu_offset(s, 0, &off);
	if (!err)
		err = kd_type_member(s, "rq", "curr", &m);
	if (!err)
		err = rd64(s, rq + off + m.offset, &curr);
	if (!err)
		err = kd_task_user_as(s, curr, as_ret);
	if (!err)
		*task_ret = curr;
	return err;
}
