/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Between the task walk (task_walk.c: the member layout, reading one
 * task_struct, walking the task list and thread groups, a CPU's runqueue)
 * and the task table built on it (task.c: the cached, sorted table, lookups
 * and the context).
 */
#ifndef KD_CORE_TASK_PRIV_H
#define KD_CORE_TASK_PRIV_H

#include <kdive/task.h>

struct kd_task_layout;

/* Resolve the members the walk reads from the dump's types, once per table. */
struct kd_error *kd_task_layout_create(struct kd_session *s, struct kd_task_layout **ret);
void kd_task_layout_destroy(struct kd_task_layout *l);
/* nr_cpu_ids (else the dump's CPU count). */
unsigned kd_task_layout_ncpus(const struct kd_task_layout *l);
/* Whether the dump has per-CPU runqueues with rq.curr (kd_task_runqueue works). */
bool kd_task_layout_has_runqueues(const struct kd_task_layout *l);

/*
 * Called for each task of the walk; *t is the callback's to keep, with
 * t->incomplete (malloc'ed or NULL) now its to free.  An error stops the walk.
 */
typedef struct kd_error *kd_task_walk_fn(struct kd_task *t, void *arg);

/* Called with why a task or a link could not be read ("task_struct at 0x...: ..."). */
typedef struct kd_error *kd_task_lost_fn(const char *why, void *arg);

/*
 * Every task once: init_task, then each process on init_task.tasks, each
 * followed by the other threads of its group; each CPU's current task and
 * its group if the lists missed them.  A task_struct read in part is handed
 * over with t->unknown and t->incomplete set; one whose pid is unreadable,
 * and a link that cannot be followed, go to lost, and the list is walked
 * backwards from its head to recover the rest.  Bounded, with cycle
 * detection; Ctrl-C stops it.
 */
struct kd_error *kd_task_walk(struct kd_session *s, struct kd_task_layout *l, kd_task_walk_fn *fn,
			      kd_task_lost_fn *lost, void *arg);
/* Read the task at addr into *t (t->incomplete malloc'ed or NULL). */
struct kd_error *kd_task_read(struct kd_session *s, struct kd_task_layout *l, uint64_t addr,
			      struct kd_task *t);
/* The task running on a CPU (rq->curr) and its idle task (rq->idle, 0 if unknown). */
struct kd_error *kd_task_runqueue(struct kd_session *s, const struct kd_task_layout *l,
				  unsigned cpu, uint64_t *curr_ret, uint64_t *idle_ret);

#endif
