// SPDX-License-Identifier: GPL-3.0-or-later
// The aarch64 unwinder: kernel stacks walked along the AAPCS64 frame-record
// chain (x29 points at {previous x29, x30}), the way the kernel's own
// arch/arm64/kernel/stacktrace.c walks them for /proc/PID/stack.
//
// Where things come from, all through the context (no offsets in the code):
//  - a sleeping task's start: task_struct.thread.cpu_context.{fp,sp,pc}
//    (arch/arm64/include/asm/processor.h; cpu_switch_to in entry.S saved
//    them), a running one's: its CPU's NT_PRSTATUS (x29, x30, sp, pc);
//  - the task's stack: task_struct.stack, THREAD_SIZE from the task's
//    stack_vm_area (struct vm_struct.size less its guard page, kernel/fork.c
//    alloc_thread_stack_node; remembered for tasks on a static stack such as
//    init_task), the IRQ stack from the per-CPU irq_stack_ptr (IRQ_STACK_SIZE
//    = THREAD_SIZE, arch/arm64/kernel/irq.c); call_on_irq_stack leaves a
//    frame record on the IRQ stack pointing back to the task stack, so the
//    chain crosses it by itself;
//  - struct pt_regs (arch/arm64/include/asm/ptrace.h) from BTF: the
//    exception entry (kernel_entry in entry.S) writes a frame record into
//    pt_regs.stackframe.  Up to 6.12 it is u64[2]: {interrupted x29, ELR}
//    for an entry from EL1, {0, 0} for an entry from EL0 (the stack's final
//    record, at task_pt_regs = stack + THREAD_SIZE - sizeof(pt_regs)).  From
//    6.13 it is struct frame_record_meta with a type (FRAME_META_TYPE_FINAL
//    1, _PT_REGS 2) and {0, 0} in both cases; the registers then give the
//    interrupted pc and x29.  Which one applies is chosen by what BTF shows;
//  - return addresses signed by pointer authentication: the bits of
//    VMCOREINFO's NUMBER(KERNELPACMASK) are set back (the kernel's
//    ptrauth_strip_kernel_insn_pac).
// Every stack read is checked against the stacks' bounds and read page by
// page, so a missing page or a garbage pointer ends the walk with a reason.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aarch64.h"

// struct user_pt_regs order, which is NT_PRSTATUS's (arch/aarch64.c).
enum { R_FP = 29, R_LR = 30, R_SP = 31, R_PC = 32, R_PSTATE = 33, R_NREGS = 34 };

// PSR bits (arch/arm64/include/uapi/asm/ptrace.h).
#define PSR_MODE32_BIT 0x10ull
#define PSR_MODE_MASK 0x0full
#define PSR_MODE_EL0t 0x0ull
#define PSR_MODE_EL1t 0x4ull
#define PSR_MODE_EL1h 0x5ull

enum { META_FINAL = 1, META_PT_REGS = 2 };

struct au {
	uint64_t pac_mask, page_size;
	// task_struct
	bool task_ok;
	uint64_t off_stack, off_ctx_fp, off_ctx_sp, off_ctx_pc;
	bool vm_ok;
	uint64_t off_stack_vm, off_vm_size;
	uint64_t thread_size;   // 0 until learned from a task's stack_vm_area
	// pt_regs
	bool regs_ok;
	uint64_t regs_size, off_regs, off_sp, off_pc, off_pstate, off_frame;
	bool meta;              // pt_regs.stackframe is struct frame_record_meta
	uint64_t off_meta_type;
	// per-CPU IRQ stack pointer
	bool irq_ok;
	uint64_t irq_ptr;
};

static bool ok(struct kd_error *err)
{
	kd_error_destroy(err);
	return err == NULL;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (unsigned i = 8; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static bool rk_u64(const struct kd_arch_ctx *c, uint64_t va, uint64_t *v)
{
	uint8_t b[8];
	if (!ok(c->read_kernel(c->arg, va, b, 8)))
		return false;
	*v = le64(b);
	return true;
}

static bool sym(const struct kd_arch_ctx *c, const char *name, uint64_t *v)
{
	*v = 0;
	return c->symbol_address && ok(c->symbol_address(c->arg, name, v));
}

static bool member_off(const struct kd_arch_ctx *c, const char *type, const char *path, uint64_t *off)
{
	struct kd_member_info m;
	if (!c->member || !ok(c->member(c->arg, type, path, &m)))
		return false;
	*off = m.offset;
	return true;
}

static uint64_t strip_pac(const struct au *u, uint64_t va)
{
	if (u->pac_mask && (va >> 55 & 1))
		return va | u->pac_mask;
	return va;
}

static struct kd_error *au_init(const struct kd_arch_ctx *c, void **state_ret)
{
	if (!c->read_kernel)
		return kd_error_create(KD_ERR_UNSUPPORTED, "no kernel memory reader for the unwinder");
	struct au *u = calloc(1, sizeof(*u));
	if (!u)
		return kd_error_create(KD_ERR_NOMEM, "out of memory");
	if (c->vmcoreinfo_number) {
		if (!ok(c->vmcoreinfo_number(c->arg, "NUMBER(KERNELPACMASK)", &u->pac_mask)))
			u->pac_mask = 0;
		if (!ok(c->vmcoreinfo_number(c->arg, "PAGESIZE", &u->page_size)))
			u->page_size = 0;
	}
	u->task_ok = member_off(c, "task_struct", "stack", &u->off_stack) &&
		     member_off(c, "task_struct", "thread.cpu_context.fp", &u->off_ctx_fp) &&
		     member_off(c, "task_struct", "thread.cpu_context.sp", &u->off_ctx_sp) &&
		     member_off(c, "task_struct", "thread.cpu_context.pc", &u->off_ctx_pc);
	u->vm_ok = member_off(c, "task_struct", "stack_vm_area", &u->off_stack_vm) &&
		   member_off(c, "vm_struct", "size", &u->off_vm_size);
	u->regs_ok = c->type_size && ok(c->type_size(c->arg, "pt_regs", &u->regs_size)) &&
		     member_off(c, "pt_regs", "regs", &u->off_regs) &&
		     member_off(c, "pt_regs", "sp", &u->off_sp) && member_off(c, "pt_regs", "pc", &u->off_pc) &&
		     member_off(c, "pt_regs", "pstate", &u->off_pstate) &&
		     member_off(c, "pt_regs", "stackframe", &u->off_frame);
	u->meta = u->regs_ok && member_off(c, "pt_regs", "stackframe.type", &u->off_meta_type);
	u->irq_ok = sym(c, "irq_stack_ptr", &u->irq_ptr);
	*state_ret = u;
	return NULL;
}

static void au_fini(void *state)
{
	free(state);
}

/* ---- the stacks of one walk --------------------------------------------------------- */

struct walk {
	const struct kd_arch_ctx *c;
	struct au *u;
	struct kd_arch_stacks st; // arch.c
	kd_frame_fn *fn;
	void *arg;
	struct kd_unwind_result *res;
	bool stop;
};

static void add_stack(struct walk *w, uint64_t start, uint64_t size, const char *name)
{
	kd_arch_stacks_add(&w->st, start, size, name);
}

static int stack_of(const struct walk *w, uint64_t addr)
{
	return kd_arch_stacks_find(&w->st, addr);
}

static const char *stack_name(const struct walk *w, uint64_t addr)
{
	return kd_arch_stacks_name(&w->st, addr);
}

static bool stack_word(struct walk *w, uint64_t addr, uint64_t *v)
{
	return kd_arch_stacks_word(&w->st, w->c, addr, v);
}

static void free_stacks(struct walk *w)
{
	kd_arch_stacks_free(&w->st);
}

static void emit(struct walk *w, struct kd_frame *f)
{
	f->level = w->res->frames++;
	if (w->fn(f, w->arg))
		w->stop = true;
}

static void stopped(struct walk *w, const char *why, uint64_t addr)
{
	w->res->stopped = why;
	w->res->stopped_addr = addr;
}

// The registers of the pt_regs at addr, in NT_PRSTATUS order.
static bool read_regs(struct walk *w, uint64_t addr, struct kd_frame *f)
{
	const struct au *u = w->u;
	f->nregs = R_NREGS;
	f->regs_valid = 0;
	for (unsigned i = 0; i < R_NREGS; i++) {
		uint64_t off = i < 31 ? u->off_regs + 8ull * i : i == R_SP ? u->off_sp : i == R_PC ? u->off_pc
												    : u->off_pstate;
		if (!stack_word(w, addr + off, &f->regs[i]))
			return false;
		f->regs_valid |= 1ull << i;
	}
	return true;
}

static bool user_mode(uint64_t pstate)
{
	return (pstate & PSR_MODE32_BIT) || (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
}

static bool el1_mode(uint64_t pstate)
{
	uint64_t m = pstate & (PSR_MODE32_BIT | PSR_MODE_MASK);
	return m == PSR_MODE_EL1t || m == PSR_MODE_EL1h;
}

/* ---- the frame-record walk ------------------------------------------------------------ */

// The task's own pt_regs at the top of its stack (task_pt_regs), 0 if unknown.
static uint64_t top_regs(const struct walk *w, uint64_t task_stack)
{
	const struct au *u = w->u;
	if (!task_stack || !u->regs_ok || !u->thread_size)
		return 0;
	return task_stack + u->thread_size - u->regs_size;
}

// Emit the user registers the task entered the kernel with, if it did from EL0.
static void user_frame(struct walk *w, uint64_t regs)
{
	struct kd_frame f = { 0 };
	if (!read_regs(w, regs, &f)) {
		stopped(w, "saved registers unreadable", w->st.bad_addr);
		return;
	}
	// A kernel thread's (EL1h) or an idle task's (zeroes): no user state.
	if (!user_mode(f.regs[R_PSTATE]) || !f.regs[R_PC])
		return;
	f.flags = KD_FRAME_REGS | KD_FRAME_USER;
	f.pc = f.regs[R_PC];
	f.sp = f.regs[R_SP];
	f.slot = f.regs_addr = regs;
	f.stack = stack_name(w, regs);
	emit(w, &f);
}

// An exception from EL1: the pt_regs holding the frame record at fp, if fp
// is one (the registers say so: mode EL1, and the record is theirs).
static bool el1_regs(struct walk *w, uint64_t fp, uint64_t next_fp, uint64_t lr, struct kd_frame *f)
{
	const struct au *u = w->u;
	if (!u->regs_ok || fp < u->off_frame)
		return false;
	uint64_t regs = fp - u->off_frame;
	if (stack_of(w, regs) != stack_of(w, fp) || stack_of(w, regs + u->regs_size - 1) != stack_of(w, fp))
		return false;
	struct kd_frame r = { 0 };
	uint64_t meta_type = 0;
	if (!read_regs(w, regs, &r) || !el1_mode(r.regs[R_PSTATE]))
		return false;
	if (u->meta) {
		if (!stack_word(w, regs + u->off_meta_type, &meta_type) || meta_type != META_PT_REGS)
			return false;
	} else if (strip_pac(u, lr) != r.regs[R_PC] || next_fp != r.regs[R_FP]) {
		return false;
	}
	*f = r;
	f->flags = KD_FRAME_REGS;
	f->pc = r.regs[R_PC];
	f->sp = r.regs[R_SP];
	f->slot = f->regs_addr = regs;
	return true;
}

static void fp_walk(struct walk *w, uint64_t fp, uint64_t regs_top)
{
	const struct au *u = w->u;
	int cur = stack_of(w, fp);
	while (!w->stop) {
		if (w->res->frames >= KD_UNWIND_MAX_FRAMES) {
			stopped(w, "too many frames", fp);
			return;
		}
		if (!fp)
			return;
		if (fp & 7) {
			stopped(w, "misaligned frame pointer", fp);
			return;
		}
		// The final record, in the task's pt_regs: the user registers follow.
		if (regs_top && fp == regs_top + u->off_frame) {
			user_frame(w, regs_top);
			return;
		}
		uint64_t next, lr;
		if (!stack_word(w, fp, &next) || !stack_word(w, fp + 8, &lr)) {
			stopped(w, "frame pointer chain leaves the stack", w->st.bad_addr);
			return;
		}
		struct kd_frame f = { 0 };
		if (el1_regs(w, fp, next, lr, &f)) {
			// An exception from EL1: the interrupted pc and x29 are in the registers.
			next = f.regs[R_FP];
		} else if (u->meta && !next && !lr) {
			return; // a final record or an exception boundary without EL1 registers
		} else {
			if (!next && !lr)
				return; // a final record (an idle task's, or another stack's end)
			f.pc = strip_pac(u, lr);
			f.slot = fp + 8;
			f.sp = fp + 16;
		}
		f.stack = stack_name(w, f.slot);
		emit(w, &f);
		if (!next)
			return;
		int ns = stack_of(w, next);
		if (ns < 0) {
			stopped(w, "frame pointer chain leaves the stack", next);
			return;
		}
		// On one stack records go upwards; a change of stack goes from the
		// IRQ stack to the task's, never back.
		if (ns == cur && next <= fp) {
			stopped(w, "frame pointer going in the wrong direction", next);
			return;
		}
		if (ns != cur && cur >= 0 && strcmp(w->st.s[cur].name, "process") == 0) {
			stopped(w, "frame pointer chain leaves the task's stack", next);
			return;
		}
		cur = ns;
		fp = next;
	}
}

/* ---- start -------------------------------------------------------------------------- */

// THREAD_SIZE from the task's vmalloc'ed stack: its vm_struct's size less
// the guard page (a power of two either way).
static void learn_thread_size(const struct kd_arch_ctx *c, struct au *u, uint64_t task)
{
	uint64_t vm, size;
	if (u->thread_size || !u->vm_ok || !task || !rk_u64(c, task + u->off_stack_vm, &vm) || !vm ||
	    !rk_u64(c, vm + u->off_vm_size, &size))
		return;
	uint64_t cand[2] = { u->page_size && size > u->page_size ? size - u->page_size : 0, size };
	for (int i = 0; i < 2; i++) {
		uint64_t t = cand[i];
		if (t >= 4096 && t <= (1u << 20) && !(t & (t - 1))) {
			u->thread_size = t;
			return;
		}
	}
}

static struct kd_error *au_unwind(void *state, const struct kd_arch_ctx *c,
				  const struct kd_arch_unwind_start *start, kd_frame_fn *fn, void *arg,
				  struct kd_unwind_result *ret)
{
	struct au *u = state;
	*ret = (struct kd_unwind_result){ .method = "frame records" };
	struct walk w = { .c = c, .u = u, .fn = fn, .arg = arg, .res = ret };
	uint64_t task_stack = 0;
	if (start->task && u->task_ok) {
		learn_thread_size(c, u, start->task);
		if (!rk_u64(c, start->task + u->off_stack, &task_stack))
			task_stack = 0;
	}
	if (task_stack && !u->thread_size && start->task) {
		// A static stack (init_task's) before any vmalloc'ed one was seen:
		// learn from the next task on the list.
		uint64_t off_tasks, next;
		if (member_off(c, "task_struct", "tasks", &off_tasks) &&
		    rk_u64(c, start->task + off_tasks, &next) && next > off_tasks)
			learn_thread_size(c, u, next - off_tasks);
	}
	if (task_stack && u->thread_size) {
		add_stack(&w, task_stack, u->thread_size, "process");
		ret->stack_base = task_stack;
		ret->stack_size = u->thread_size;
	}
	uint64_t base, p;
	if (start->cpu >= 0 && u->irq_ok && u->thread_size && c->percpu_offset &&
	    ok(c->percpu_offset(c->arg, (unsigned)start->cpu, &base)) && rk_u64(c, base + u->irq_ptr, &p) && p)
		add_stack(&w, p, u->thread_size, "IRQ");
	uint64_t regs_top = top_regs(&w, task_stack);
	struct kd_frame f0 = { 0 };
	uint64_t fp;
	if (start->have_regs) {
		const struct kd_prstatus *r = &start->regs;
		if (r->nregs < R_NREGS) {
			free_stacks(&w);
			return kd_error_create(KD_ERR_UNSUPPORTED, "the CPU's register note is too short");
		}
		f0 = (struct kd_frame){ .pc = strip_pac(u, r->regs[R_PC]), .slot = r->regs[R_SP],
					.sp = r->regs[R_SP], .flags = KD_FRAME_REGS, .nregs = R_NREGS,
					.regs_valid = (1ull << R_NREGS) - 1 };
		memcpy(f0.regs, r->regs, sizeof(uint64_t) * R_NREGS);
		if (user_mode(r->regs[R_PSTATE]))
			f0.flags |= KD_FRAME_USER;
		fp = r->regs[R_FP];
	} else {
		if (!start->task || !u->task_ok) {
			free_stacks(&w);
			return kd_error_create(KD_ERR_UNSUPPORTED,
					       "the types lack task_struct.stack or thread.cpu_context");
		}
		if (!w.st.n) {
			free_stacks(&w);
			return kd_error_create(KD_ERR_UNSUPPORTED,
					       "the task's stack size is unknown (no stack_vm_area to learn THREAD_SIZE from)");
		}
		uint64_t pc, sp;
		uint64_t at = start->task + u->off_ctx_pc;
		if (!rk_u64(c, start->task + u->off_ctx_fp, &fp) || !rk_u64(c, start->task + u->off_ctx_sp, &sp) ||
		    !rk_u64(c, at, &pc)) {
			free_stacks(&w);
			return kd_error_addr(KD_ERR_FAULT, at, "task_struct.thread.cpu_context at 0x%" PRIx64 " unreadable",
					     start->task + u->off_ctx_fp);
		}
		f0 = (struct kd_frame){ .pc = strip_pac(u, pc), .slot = sp, .sp = sp };
	}
	f0.stack = stack_name(&w, f0.slot);
	emit(&w, &f0);
	if (!(f0.flags & KD_FRAME_USER) && !w.stop)
		fp_walk(&w, fp, regs_top);
	free_stacks(&w);
	return NULL;
}

const struct kd_arch_unwinder kd_aarch64_unwinder = {
	.init = au_init,
	.unwind = au_unwind,
	.fini = au_fini,
};
