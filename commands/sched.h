/* SPDX-License-Identifier: GPL-3.0-or-later */
// sched.h: what the sched module's files share (sched.c: runq, timer,
// waitq; sched_group.c: runq -g): the state of one run, the warning for an
// unreadable element and crash's task line.  Module-internal (hidden).
#ifndef KDIVE_CMD_SCHED_H
#define KDIVE_CMD_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

// The state of one run is kobj.h's struct ko_run (cmd NULL: each warning's
// `what` names runq, timer or waitq); ko_bad names an unreadable element.
struct ko_run;
// crash's task line: "PID: N  TASK: ADDR  COMMAND: "comm"", indented, after prefix.
void sched_task_line(struct ko_run *rn, int indent, const char *prefix, uint64_t task);
// runq -g for one CPU: the root task group's rt_rq and cfs_rq, then each task
// group's cfs_rq on that CPU (sched_group.c).
void sched_runq_groups(struct ko_run *rn, unsigned cpu);

#endif
