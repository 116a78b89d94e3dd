/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file task.h
 * The dumped kernel's tasks, as one table the session builds once: every
 * process and thread with its pid, tgid, parent, command, state, flags,
 * mm, CPU, thread-group leader, whether it was on a CPU, and its user
 * address space.  ps, context/set, vtop -c, pid completion and the default
 * context all read this one table.
 *
 * The shape is the one every kernel-object table of kdive follows (modules,
 * VMAs, slab caches, mounts and files will too):
 *  - a record struct (struct kd_task) of plain values, addresses included,
 *    with an @c incomplete reason when part of the object could not be read;
 *  - kd_X_load(s) builds the table from the dump once (a dump does not
 *    change; a live one is re-read on every load) and is what a command's
 *    KD_CMD_NEEDS_X flag makes the dispatcher call before run();
 *  - pure getters afterwards: a count, the i-th record, lookups by key; they
 *    never load and return 0/NULL when the table is not loaded;
 *  - formatters for the lines several commands print the same way.
 * Member offsets come from the dump's types (BTF), resolved once per load.
 */
#ifndef KDIVE_TASK_H
#define KDIVE_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>
#include <kdive/session.h>

/** Bytes of task_struct.comm (TASK_COMM_LEN). */
enum { KD_TASK_COMM_LEN = 16 };

/** struct kd_task.status bits. */
enum kd_task_status {
	KD_TASK_ON_CPU = 1 << 0,   /**< its CPU's runqueue had it as curr (crash's '>') */
	KD_TASK_CPU_IDLE = 1 << 1, /**< a CPU's idle task, found on that CPU's runqueue only */
	KD_TASK_KTHREAD = 1 << 2,  /**< a kernel thread (PF_KTHREAD, or pid 0) */
};

/**
 * struct kd_task.unknown bits: the fields that lay in an unreadable part of
 * the task_struct (or its mm_struct); they are 0 and ps shows them as '?'.
 */
enum kd_task_unknown {
	KD_TU_COMM = 1 << 0,   /**< comm */
	KD_TU_STATE = 1 << 1,  /**< state, exit_state */
	KD_TU_PARENT = 1 << 2, /**< parent, hence ppid */
	KD_TU_CPU = 1 << 3,    /**< cpu */
	KD_TU_MM = 1 << 4,     /**< mm, or its figures (total_vm, rss) */
	KD_TU_FLAGS = 1 << 5,  /**< flags (kernel thread or not) */
	KD_TU_TGID = 1 << 6,   /**< tgid, group_leader */
	KD_TU_TIMES = 1 << 7,  /**< start_time, utime, stime */
	KD_TU_RSS = 1 << 8,    /**< rss alone: a counter of a readable mm_struct was not */
};

/** One task (process or thread) of the dumped kernel. */
struct kd_task {
	uint64_t addr;            /**< the task_struct's kernel address */
	int64_t pid, tgid;
	int64_t ppid;             /**< the parent's tgid; 0 for the idle tasks and orphans */
	uint64_t parent;          /**< task_struct.real_parent (or .parent) */
	uint64_t leader;          /**< task_struct.group_leader, 0 if the types have none */
	char comm[KD_TASK_COMM_LEN + 1];
	uint64_t state;           /**< raw task_struct.__state (or .state) */
	uint64_t exit_state;      /**< raw task_struct.exit_state */
	uint64_t flags;           /**< task_struct.flags (PF_*) */
	uint64_t mm, active_mm;   /**< mm is 0 for kernel threads */
	unsigned cpu;             /**< the CPU it last ran on (its runqueue's CPU for idle tasks) */
	unsigned status;          /**< enum kd_task_status bits */
	struct kd_as user_as;     /**< its user address space; kind KD_AS_KERNEL when it has none */
	uint64_t start_time;      /**< task_struct.start_time (ns since boot) */
	uint64_t utime, stime;    /**< task_struct.utime, .stime */
	uint64_t total_vm;        /**< pages: mm_struct.total_vm (0 without mm) */
	uint64_t rss;             /**< pages: file + anon + shmem rss counters (0 without mm) */
	unsigned unknown;         /**< enum kd_task_unknown bits */
	/**
	 * NULL, or why part of the task could not be read (part of its
	 * task_struct, its mm's counters,
	 * its page tables); the fields that depend on it are 0.  Valid as long
	 * as the table.
	 */
	const char *incomplete;
};

/** The task states /proc and crash name (fs/proc/array.c task_state_array). */
enum kd_task_state {
	KD_TS_RUNNING, KD_TS_INTERRUPTIBLE, KD_TS_UNINTERRUPTIBLE, KD_TS_STOPPED, KD_TS_TRACED,
	KD_TS_DEAD, KD_TS_ZOMBIE, KD_TS_PARKED, KD_TS_IDLE,
	KD_TS_COUNT
};
/** How kd_task_state_name() spells a state. */
enum kd_task_state_style {
	KD_TS_CRASH, /**< crash's two letters: "RU", "IN", "UN", ..., "ID" */
	KD_TS_PROC,  /**< /proc's letter: "R", "S", "D", ..., "I" */
	KD_TS_LONG,  /**< the kernel's name: "TASK_RUNNING", "EXIT_ZOMBIE", ... */
};

/**
 * Build the session's task table, if not built yet: init_task, every
 * process on init_task.tasks followed by its threads, and each CPU's idle
 * task; sorted by pid, then CPU, then address.  The walks are bounded and
 * detect cycles.  A task_struct read in part is listed with its unknown
 * fields marked; one that cannot be listed, or a list link that cannot be
 * followed, is recorded (kd_task_lost) and the walk goes on by the other
 * paths the kernel keeps (the list backwards, each thread group, each CPU's
 * current task).  Needs the kernel's symbols and types.
 */
KD_API struct kd_error *kd_tasks_load(struct kd_session *s);
/** Number of tasks in the loaded table (0 when not loaded). */
KD_API size_t kd_task_count(const struct kd_session *s);
/** The i-th task in pid order, or NULL. */
KD_API const struct kd_task *kd_task_get(const struct kd_session *s, size_t i);
/** The task whose task_struct is at addr, or NULL. */
KD_API const struct kd_task *kd_task_by_addr(const struct kd_session *s, uint64_t addr);
/** The first task (lowest CPU) with this pid, or NULL. */
KD_API const struct kd_task *kd_task_by_pid(const struct kd_session *s, int64_t pid);

/**
 * The tasks the last load could not list at all (a task_struct whose pid
 * was unreadable) and the links it could not follow, one message each
 * ("task_struct at 0x...: why"); NULL past the end.
 */
KD_API const char *kd_task_lost(const struct kd_session *s, size_t i);

/** Called for each task; return nonzero to stop (negative: as an error). */
typedef int kd_task_fn(const struct kd_task *t, void *arg);
/** Load the table, then call fn for every task in pid order. */
KD_API struct kd_error *kd_task_foreach(struct kd_session *s, kd_task_fn *fn, void *arg);

/**
 * Load the table and find a task by pid: *task_ret gets its address and
 * *as_ret (may be NULL) its user address space (kind KD_AS_KERNEL for a
 * kernel thread).  KD_ERR_NOTFOUND when no task has that pid.
 */
KD_API struct kd_error *kd_task_find_pid(struct kd_session *s, int64_t pid, uint64_t *task_ret,
					 struct kd_as *as_ret);

/**
 * Read one task_struct into *ret without walking the task list (from the
 * table when it is loaded).  ret->incomplete, if set, points into why
 * (why_size bytes, may be 0).  Needs the symbols and types; an error when
 * not even the pid could be read.
 */
KD_API struct kd_error *kd_task_read_one(struct kd_session *s, uint64_t addr, struct kd_task *ret,
					 char *why, size_t why_size);

/** A task's state, from its state and exit_state bits. */
KD_API enum kd_task_state kd_task_state(const struct kd_task *t);
/** A state's name in the given style. */
KD_API const char *kd_task_state_name(enum kd_task_state st, enum kd_task_state_style style);

/**
 * crash's one-line task header, without a newline, into buf:
 * `PID: 94     TASK: ffff8c1edfe848c0  CPU: 1   COMMAND: "kdive-marker"`.
 */
KD_API const char *kd_task_header(const struct kd_task *t, char *buf, size_t size);

/**
 * The task a command's operand names: a decimal pid, or else a task_struct
 * address (anything kd_parse_address() takes).  KD_ERR_NOTFOUND naming the
 * operand when no task of the table matches.  The task table must be loaded.
 */
KD_API struct kd_error *kd_task_lookup(struct kd_session *s, const char *arg, const struct kd_task **ret);
/**
 * The task a command works on when it is given none: the current context's,
 * else the task running on CPU 0 (crash's default).  NULL when neither is in
 * the task table.
 */
KD_API const struct kd_task *kd_task_current(struct kd_session *s);

#endif
