/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file session.h
 * The session API: everything a command module may use.  A session is one
 * open dump with its VMCOREINFO, registers and output stream.  Modules reach
 * the dump only through these functions; there are no globals.  This header
 * gathers the per-concern ones:
 *   <kdive/dump.h>        the dump: format, physical memory, notes, page cache
 *   <kdive/vm.h>          virtual memory: translation, reads, page-table walks
 *   <kdive/vmcoreinfo.h>  VMCOREINFO
 *   <kdive/output.h>      output, warnings, interrupts, JSON
 *   <kdive/task.h>        the task table (processes and threads)
 * and holds the current task context and the operand parsers.
 */
#ifndef KDIVE_SESSION_H
#define KDIVE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kdive/error.h>
#include <kdive/dump.h>
#include <kdive/vm.h>
#include <kdive/vmcoreinfo.h>
#include <kdive/output.h>

struct kd_session;

/* ---- the current context --------------------------------------------------- */

/**
 * Set the current task context (crash's "set"): the task_struct address and
 * the task's user address space (NULL when it has no user memory).  rd -u,
 * vtop -u and dis -u read user addresses through it.
 */
KD_API void kd_context_set(struct kd_session *s, uint64_t task, const struct kd_as *user_as);
/**
 * The current context: false when none is set.  *user_as_ret (may be NULL)
 * gets kind KD_AS_KERNEL when the task has no user memory.
 */
KD_API bool kd_context_get(const struct kd_session *s, uint64_t *task_ret, struct kd_as *user_as_ret);

/* ---- helpers ---------------------------------------------------------------- */

/**
 * Cycle detection for walks of lists read from the dump (Brent's method):
 * zero-initialize, call kd_cycle_step() with each node's address; it returns
 * true once an address comes back (a loop that misses the list's head),
 * after at most about twice the length of the tail and the loop.
 */
struct kd_cycle {
	uint64_t mark;
	unsigned long lam, power;
};

static inline bool kd_cycle_step(struct kd_cycle *c, uint64_t addr)
{
	if (c->power && addr == c->mark)
		return true;
	if (++c->lam >= c->power) {
		c->mark = addr;
		c->power = c->power ? c->power * 2 : 1;
		c->lam = 0;
	}
	return false;
}

/**
 * Parse an address operand: a hexadecimal number ("ffffffff81000000",
 * "0x1000") or, once the symbol table is loaded, a symbol with an optional
 * offset ("init_task", "schedule+0x10").  KD_ERR_USAGE or KD_ERR_NOTFOUND.
 */
KD_API struct kd_error *kd_parse_address(struct kd_session *s, const char *str, uint64_t *ret);

/**
 * Parse a number the way crash does: hex by default for addresses
 * ("ffffffff81000000", "0x1000"), decimal with a "0d" or with hex_default false.
 */
KD_API struct kd_error *kd_parse_u64(const char *str, bool hex_default, uint64_t *ret);
/**
 * A CPU list as crash's -c options take it ("0,2-3", "a" or "all") into
 * want[0..ncpus-1] (set to true for each CPU named; the caller clears it).
 * spec NULL: every CPU.  KD_ERR_USAGE for a malformed list or a CPU the dump
 * does not have.
 */
KD_API struct kd_error *kd_parse_cpus(const char *spec, unsigned ncpus, bool *want);

/* The task table (kd_tasks_load, kd_task_*) lives in its own header. */

#include <kdive/task.h>

#endif
