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

struct kd_error *kd_task_find_pid(struct kd_session *s, int64_t pid, uint64_t *task_ret,
				  struct kd_as *as_ret)
{
	uint64_t init_task, off_tasks, off_signal = 0, off_head = 0, off_node = 0, off_group = 0;
	struct kd_error *err = kd_symbol_address(s, "init_task", &init_task);
	if (err)
		return kd_error_prefix(err, "finding pid %" PRId64, pid);
	if (!member_off(s, "task_struct", "tasks", &off_tasks))
		return kd_error_create(KD_ERR_NOTFOUND, "the dump's types have no task_struct.tasks");
	bool by_signal = member_off(s, "task_struct", "signal", &off_signal) &&
			 member_off(s, "signal_struct", "thread_head", &off_head) &&
			 member_off(s, "task_struct", "thread_node", &off_node);
	bool by_group = !by_signal && member_off(s, "task_struct", "thread_group", &off_group);
	uint64_t proc = init_task;
	for (unsigned long n = 0; n < MAX_WALK; n++) {
		// Each thread of proc.
		int64_t p;
		if ((err = pid_of(s, proc, &p)))
			return err;
		uint64_t found = p == pid ? proc : 0;
		if (!found && (by_signal || by_group)) {
			uint64_t head, node, sig;
			if (by_signal) {
				if ((err = rd64(s, proc + off_signal, &sig)))
					return err;
				head = sig + off_head;
			} else {
				head = proc + off_group;
			}
			if (by_signal && !sig)
				head = 0;
			if (head && (err = rd64(s, head, &node)))
				return err;
			for (unsigned long k = 0; head && node != head && k < MAX_WALK && !found; k++) {
				uint64_t t = node - (by_signal ? off_node : off_group);
				if ((err = pid_of(s, t, &p)))
					return err;
				if (p == pid)
					found = t;
				else if ((err = rd64(s, node, &node)))
					return err;
			}
		}
		if (found) {
			*task_ret = found;
			return as_ret ? kd_task_user_as(s, found, as_ret) : NULL;
		}
		uint64_t next;
		if ((err = rd64(s, proc + off_tasks, &next)))
			return err;
		proc = next - off_tasks;
		if (proc == init_task)
			break;
		if ((err = kd_check_interrupt(s)))
			return err;
	}
	return kd_error_create(KD_ERR_NOTFOUND, "no task with pid %" PRId64, pid);
}
