/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file panic.h
 * The panic: which CPU panicked, the task it was running, its registers as
 * the dump recorded them and the message the kernel logged.  Found once per
 * session from the dump alone: the kernel's panic_cpu (kernel/panic.c; an
 * atomic_t that panic() sets from PANIC_CPU_INVALID, -1, to its CPU), else
 * x86's crashing_cpu (arch/x86/kernel/reboot.c, set on the kdump path), the
 * CPU's runqueue's curr (kernel/sched/sched.h), the CPU's NT_PRSTATUS note,
 * and the last "Kernel panic - not syncing: " line of the log (else the last
 * Oops / BUG line, as crash does for a dump taken after an oops).  This is
 * the default task context, as in crash, and what `sys` shows as PANIC.
 */
#ifndef KDIVE_PANIC_H
#define KDIVE_PANIC_H

#include <stdbool.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

enum { KD_PANIC_MSG_MAX = 256 };

/** What the dump says about a panic. */
struct kd_panic {
	bool panicked;         /**< panic_cpu or crashing_cpu names a CPU */
	int cpu;               /**< that CPU, -1 when none (a dump of a running machine) */
	const char *cpu_from;  /**< "panic_cpu" or "crashing_cpu", NULL when cpu is -1 */
	uint64_t task;         /**< the CPU's current task_struct, 0 when unknown */
	bool have_regs;        /**< the CPU's NT_PRSTATUS note was found */
	uint64_t pc, sp;       /**< from that note */
	uint64_t log_seq;      /**< the message's log sequence number (when message[0]) */
	char message[KD_PANIC_MSG_MAX]; /**< the panic (or Oops) line without its newline, or "" */
	const char *incomplete; /**< NULL, or what could not be read (then some fields are missing) */
};

/**
 * Find the panic (once per session; later calls return the same record):
 * loads the kernel's symbols and types at this point of use and reads the
 * log.  A dump of a machine that did not panic gives panicked false and
 * cpu -1, and still an error-free result.  Errors only for KD_ERR_NOMEM.
 */
KD_API struct kd_error *kd_panic_find(struct kd_session *s, const struct kd_panic **ret);

#endif
