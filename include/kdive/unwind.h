/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file unwind.h
 * Backtraces: the kernel stack of a task, or of whatever a CPU was running,
 * unwound by the machine's backend (arch/) from the dump alone.  On x86_64
 * the unwinder reads the kernel's own ORC tables out of the dump
 * (__start_orc_unwind_ip, orc_lookup, each module's through struct module)
 * and falls back to the frame-pointer chain when they are absent; the
 * result says which one it used.  A walk is bounded (KD_UNWIND_MAX_FRAMES)
 * and a garbage stack ends it with a reason, never a crash.
 *
 * Frames come innermost first, one callback each.  A frame found from saved
 * registers (an interrupt, exception or system-call entry: the kernel's
 * struct pt_regs on the stack, or the CPU's NT_PRSTATUS) carries them, in
 * NT_PRSTATUS order named by kd_arch_info.reg_names.
 */
#ifndef KDIVE_UNWIND_H
#define KDIVE_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/arch.h>
#include <kdive/error.h>

struct kd_session;
struct kd_task;

/** The most frames one walk reports. */
enum { KD_UNWIND_MAX_FRAMES = 256 };

/** struct kd_frame.flags bits. */
enum kd_frame_flags {
	/**
	 * The frame was entered from saved registers (regs below): an
	 * exception or interrupt frame, or the start of a CPU's walk.  Its pc
	 * is where the CPU was, not a return address.
	 */
	KD_FRAME_REGS = 1 << 0,
	KD_FRAME_USER = 1 << 1,  /**< the saved registers are user mode: the walk ends here */
	KD_FRAME_GUESS = 1 << 2, /**< found by the frame-pointer chain, not by unwind data */
};

/** One frame. */
struct kd_frame {
	unsigned level;        /**< 0 for the innermost frame */
	uint64_t pc;           /**< where the frame is: a return address, or the saved pc */
	/**
	 * crash's [address]: the stack slot pc was read from (the stack
	 * pointer for a frame started from registers, the saved registers'
	 * address for an exception frame).
	 */
	uint64_t slot;
	uint64_t sp;           /**< the stack pointer in this frame */
	const char *stack;     /**< the stack it is on: "process", "IRQ", "NMI exception" ... */
	unsigned flags;        /**< enum kd_frame_flags */
	uint64_t regs_addr;    /**< KD_FRAME_REGS: where the registers were saved (0: a CPU note) */
	unsigned nregs;        /**< KD_FRAME_REGS: entries of regs, NT_PRSTATUS order */
	uint64_t regs[KD_PRSTATUS_MAX_REGS];
	uint64_t regs_valid;   /**< bit i set: regs[i] was saved (an iret frame saves a few) */
};

/** Called for each frame in order; return nonzero to stop the walk. */
typedef int kd_frame_fn(const struct kd_frame *f, void *arg);

/** How a walk went. */
struct kd_unwind_result {
	const char *method;   /**< "ORC", "frame pointers" (static strings) */
	unsigned frames;      /**< frames reported */
	/**
	 * NULL when the walk reached the stack's end (user mode, a kernel
	 * thread's first frame); else why it stopped (a static string or
	 * one in the session valid until the next walk).
	 */
	const char *stopped;
	uint64_t stopped_addr; /**< the address the reason is about, or 0 */
	/** The task has no kernel stack (it exited: task_struct.stack is 0); no frames. */
	bool no_stack;
	/** The task's kernel stack, [stack_base, stack_base + stack_size), or 0, 0 if unknown. */
	uint64_t stack_base, stack_size;
};

/**
 * Unwind a task's kernel stack: a task running on a CPU from that CPU's
 * registers (NT_PRSTATUS), a sleeping one from its saved thread.sp and
 * struct inactive_task_frame.  Needs the symbols and types loaded; the
 * modules' unwind data is used when kd_kmodules_load() ran.  An error is
 * returned only when the walk could not start (no unwinder for the
 * machine, no registers for the CPU, the task's saved state unreadable);
 * *ret says how far it went.
 */
KD_API struct kd_error *kd_unwind_task(struct kd_session *s, const struct kd_task *t,
				       kd_frame_fn *fn, void *arg, struct kd_unwind_result *ret);

/**
 * Unwind from CPU cpu's registers as the dump's cpu-th NT_PRSTATUS note
 * recorded them (task: the task running there, 0 if unknown, whose stack
 * bounds the walk).
 */
KD_API struct kd_error *kd_unwind_cpu(struct kd_session *s, unsigned cpu, uint64_t task,
				      kd_frame_fn *fn, void *arg, struct kd_unwind_result *ret);

/** CPU cpu's registers from the dump's cpu-th NT_PRSTATUS note; false if it has none. */
KD_API bool kd_cpu_registers(struct kd_session *s, unsigned cpu, struct kd_prstatus *ret);

#endif
