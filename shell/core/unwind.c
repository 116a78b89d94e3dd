// SPDX-License-Identifier: GPL-3.0-or-later
// Backtraces in the core (<kdive/unwind.h>): picks the dump machine's
// unwinder (struct kd_arch_unwinder in arch/), gives it the context it reads
// the dump through (kernel reads, BTF members, per-cpu offsets, which module
// holds an address) and decides where a task's walk starts: a task running
// on a CPU from that CPU's NT_PRSTATUS note, any other from its saved state
// (the arch reads it).  The unwinder's state (its ORC lookup cache) lives
// for the session.
#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/symbols.h>
#include <kdive/task.h>
#include <kdive/types.h>
#include <kdive/unwind.h>

#include "../../arch/arch.h"
#include "session_priv.h"

struct kd_unwind_state {
	const struct kd_arch_unwinder *u;
	void *state;
	struct kd_error *err;   // init's failure, returned again (as a copy)
};

static struct kd_error *ctx_read_kernel(void *arg, uint64_t va, void *buf, size_t len)
{
	return kd_read_kernel(arg, va, buf, len);
}

static struct kd_error *ctx_member(void *arg, const char *type, const char *path,
				   struct kd_member_info *ret)
{
	return kd_type_member(arg, type, path, ret);
}

static struct kd_error *ctx_type_size(void *arg, const char *type, uint64_t *ret)
{
	return kd_type_size(arg, type, ret);
}

static struct kd_error *ctx_percpu_offset(void *arg, unsigned cpu, uint64_t *ret)
{
	return kd_percpu_offset(arg, cpu, ret);
}

static bool ctx_module_at(void *arg, uint64_t addr, uint64_t *module_ret)
{
	struct kd_session *s = arg;
	size_t n = kd_kmodule_count(s);
	for (size_t i = 0; i < n; i++) {
		const struct kd_kmodule *m = kd_kmodule_get(s, i);
		if (m->base && addr >= m->base && addr - m->base < m->size) {
			*module_ret = m->address;
			return true;
		}
	}
	return false;
}

static void unwind_ctx(struct kd_session *s, struct kd_arch_ctx *c)
{
	kd_vm_ctx_init(s, c);
	c->read_kernel = ctx_read_kernel;
	c->member = ctx_member;
	c->type_size = ctx_type_size;
	c->percpu_offset = ctx_percpu_offset;
	c->module_at = ctx_module_at;
}

static struct kd_error *copy_error(const struct kd_error *e)
{
	return kd_error_create(e->code, "%s", e->msg);
}

// The session's unwinder, set up on first use.
static struct kd_error *unwinder(struct kd_session *s, struct kd_unwind_state **ret)
{
	if (!s->unwind) {
		struct kd_unwind_state *u = calloc(1, sizeof(*u));
		if (!u)
			return kd_error_create(KD_ERR_NOMEM, "out of memory");
		s->unwind = u;
		const struct kd_arch_ops *ops = kd_arch_find(kd_dump_machine(s));
		u->u = ops ? ops->unwinder : NULL;
		if (!u->u) {
			u->err = kd_error_create(KD_ERR_UNSUPPORTED, "no unwinder for %s dumps",
						 kd_dump_machine_name(s) ? kd_dump_machine_name(s) : "this machine's");
		} else {
			struct kd_arch_ctx c;
			unwind_ctx(s, &c);
			u->err = u->u->init(&c, &u->state);
		}
	}
	if (s->unwind->err)
		return copy_error(s->unwind->err);
	*ret = s->unwind;
	return NULL;
}

void kd_unwind_unload(struct kd_session *s)
{
	struct kd_unwind_state *u = s->unwind;
	if (!u)
		return;
	if (u->u && u->state)
		u->u->fini(u->state);
	kd_error_destroy(u->err);
	free(u);
	s->unwind = NULL;
}

bool kd_cpu_registers(struct kd_session *s, unsigned cpu, struct kd_prstatus *ret)
{
	size_t n = kd_note_count(s);
	unsigned seen = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kd_note *note = kd_note_get(s, i);
		if (note->type != NT_PRSTATUS || !note->name || strcmp(note->name, "CORE") != 0)
			continue;
		if (seen++ == cpu)
			return kd_prstatus_decode(s, note, ret);
	}
	return false;
}

static struct kd_error *run(struct kd_session *s, const struct kd_arch_unwind_start *start,
			    kd_frame_fn *fn, void *arg, struct kd_unwind_result *ret)
{
	struct kd_unwind_state *u = NULL;
	struct kd_error *err = unwinder(s, &u);
	if (err)
		return err;
	struct kd_arch_ctx c;
	unwind_ctx(s, &c);
	return u->u->unwind(u->state, &c, start, fn, arg, ret);
}

struct kd_error *kd_unwind_cpu(struct kd_session *s, unsigned cpu, uint64_t task, kd_frame_fn *fn,
			       void *arg, struct kd_unwind_result *ret)
{
	*ret = (struct kd_unwind_result){ 0 };
	struct kd_arch_unwind_start start = { .task = task, .cpu = (int)cpu, .have_regs = true };
	if (!kd_cpu_registers(s, cpu, &start.regs))
		return kd_error_create(KD_ERR_NOTFOUND, "the dump has no registers for CPU %u", cpu);
	return run(s, &start, fn, arg, ret);
}

struct kd_error *kd_unwind_task(struct kd_session *s, const struct kd_task *t, kd_frame_fn *fn,
				void *arg, struct kd_unwind_result *ret)
{
	*ret = (struct kd_unwind_result){ 0 };
	if (t->status & KD_TASK_ON_CPU)
		return kd_unwind_cpu(s, t->cpu, t->addr, fn, arg, ret);
	// An exited task (a zombie) has given its stack back: nothing to walk.
	uint64_t stack;
	struct kd_error *err = kd_read_member_u64(s, "task_struct", "stack", t->addr, &stack);
	if (err)
		return kd_error_prefix(err, "task_struct.stack");
	if (!stack) {
		ret->method = "none";
		ret->no_stack = true;
		return NULL;
	}
	struct kd_arch_unwind_start start = { .task = t->addr, .cpu = -1 };
	return run(s, &start, fn, arg, ret);
}
