// SPDX-License-Identifier: GPL-3.0-or-later
// The x86_64 unwinder's set-up: the kernel's ORC tables found through
// kallsyms (__start_orc_unwind_ip, orc_lookup ...), struct orc_entry's
// encoding chosen by what BTF shows (arch/x86/include/asm/orc_types.h, 6.4's
// change), and the layouts a walk reads (task_struct, inactive_task_frame,
// pt_regs, struct module's ORC, the per-CPU IRQ and exception stacks); see
// the top of x86_64_unwind.c for the sources of each.
#include <stdio.h>
#include <stdlib.h>

#include "x86_64_unwind.h"

static const char *const ptregs_names[R_NPTREGS] = {
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax", "cx", "dx", "si",
	"di", "orig_ax", "ip", "cs", "flags", "sp", "ss",
};

static bool sym(const struct kd_arch_ctx *c, const char *name, uint64_t *v)
{
	*v = 0;
	return c->symbol_address && xu_ok(c->symbol_address(c->arg, name, v));
}

static bool member(const struct kd_arch_ctx *c, const char *type, const char *path,
		   struct kd_member_info *m)
{
	return c->member && xu_ok(c->member(c->arg, type, path, m));
}

static bool member_off(const struct kd_arch_ctx *c, const char *type, const char *path, uint64_t *off)
{
	struct kd_member_info m;
	if (!member(c, type, path, &m))
		return false;
	*off = m.offset;
	return true;
}

static void field(const struct kd_arch_ctx *c, const char *name, struct bitfield *f)
{
	struct kd_member_info m;
	if (!member(c, "orc_entry", name, &m)) {
		f->ok = false;
		return;
	}
	f->off = (unsigned)m.bit_offset;
	f->len = m.bit_size ? m.bit_size : (unsigned)(m.size * 8);
	f->ok = f->len > 0 && f->len <= 16 && f->off + f->len <= 64;
}

// struct orc_entry: from BTF, else the layout of orc_types.h up to 6.3
// (s16 sp_offset, s16 bp_offset, sp_reg:4, bp_reg:4, type:2, end:1; packed).
static void orc_layout(const struct kd_arch_ctx *c, struct xu *x)
{
	uint64_t size = 0;
	if (c->type_size && xu_ok(c->type_size(c->arg, "orc_entry", &size)) && size >= 5 && size <= 8) {
		x->entry_size = (unsigned)size;
		field(c, "sp_offset", &x->f_sp_off);
		field(c, "bp_offset", &x->f_bp_off);
		field(c, "sp_reg", &x->f_sp_reg);
		field(c, "bp_reg", &x->f_bp_reg);
		field(c, "type", &x->f_type);
		field(c, "end", &x->f_end);
		field(c, "signal", &x->f_signal);
		x->v64 = x->f_signal.ok && !x->f_end.ok;
		if (x->f_sp_off.ok && x->f_bp_off.ok && x->f_sp_reg.ok && x->f_bp_reg.ok && x->f_type.ok &&
		    (x->f_end.ok || x->f_signal.ok))
			return;
	}
	x->entry_size = 6;
	x->f_sp_off = (struct bitfield){ 0, 16, true };
	x->f_bp_off = (struct bitfield){ 16, 16, true };
	x->f_sp_reg = (struct bitfield){ 32, 4, true };
	x->f_bp_reg = (struct bitfield){ 36, 4, true };
	x->f_type = (struct bitfield){ 40, 2, true };
	x->f_end = (struct bitfield){ 42, 1, true };
	x->f_signal = (struct bitfield){ 0, 0, false };
	x->v64 = false;
}


static void layouts(const struct kd_arch_ctx *c, struct xu *x)
{
	uint64_t a, b;
	// init_task's stack; 6.12's linker script names it __start_init_stack..__end_init_stack.
	bool named = sym(c, "__start_init_task", &a) && sym(c, "__end_init_task", &b);
	if (!named)
		named = sym(c, "__start_init_stack", &a) && sym(c, "__end_init_stack", &b);
	x->thread_size = named && b > a && b - a <= (1u << 20) ? b - a : 0;
	x->task_ok = x->thread_size && member_off(c, "task_struct", "stack", &x->off_stack) &&
		     member_off(c, "task_struct", "thread.sp", &x->off_thread_sp);
	x->itf_ok = c->type_size && xu_ok(c->type_size(c->arg, "inactive_task_frame", &x->itf_size)) &&
		    member_off(c, "inactive_task_frame", "bp", &x->itf_bp) &&
		    member_off(c, "inactive_task_frame", "ret_addr", &x->itf_ret);
	x->regs_ok = c->type_size && xu_ok(c->type_size(c->arg, "pt_regs", &x->regs_size));
	for (unsigned i = 0; i < R_NPTREGS && x->regs_ok; i++)
		x->regs_ok = member_off(c, "pt_regs", ptregs_names[i], &x->regs_off[i]);
	x->mod_ok = false;
	struct kd_member_info m;
	if (member(c, "module", "arch.num_orcs", &m) && (m.size == 4 || m.size == 8)) {
		x->mod_num = m.offset;
		x->mod_num_size = (unsigned)m.size;
		x->mod_ok = member_off(c, "module", "arch.orc_unwind_ip", &x->mod_ip) &&
			    member_off(c, "module", "arch.orc_unwind", &x->mod_orc);
	}
	// The IRQ stack: hardirq_stack_ptr up to 6.1, pcpu_hot.hardirq_stack_ptr after.
	uint64_t off;
	x->irq_ok = c->type_size && xu_ok(c->type_size(c->arg, "irq_stack", &x->irq_size)) && x->irq_size;
	if (x->irq_ok && !sym(c, "hardirq_stack_ptr", &x->irq_ptr))
		x->irq_ok = sym(c, "pcpu_hot", &x->irq_ptr) &&
			    member_off(c, "pcpu_hot", "hardirq_stack_ptr", &off) && (x->irq_ptr += off, true);
	// The exception stacks: every "X_stack" member of struct cea_exception_stacks.
	x->nexc = 0;
	uint64_t id_dummy;
	x->exc_ok = sym(c, "cea_exception_stacks", &x->exc_ptr) && c->type_size &&
		    xu_ok(c->type_size(c->arg, "cea_exception_stacks", &id_dummy));
	static const struct {
		const char *member, *name;
	} exc_names[] = {
		{ "DF_stack", "DOUBLE_FAULT exception" }, { "NMI_stack", "NMI exception" },
		{ "DB_stack", "DEBUG exception" },       { "MCE_stack", "MCE exception" },
		{ "VC_stack", "VC exception" },          { "VC2_stack", "VC2 exception" },
		{ "DB1_stack", "DEBUG1 exception" },     { "SS_stack", "STACKFAULT exception" },
	};
	for (size_t i = 0; x->exc_ok && i < sizeof(exc_names) / sizeof(exc_names[0]); i++) {
		if (!member(c, "cea_exception_stacks", exc_names[i].member, &m) || !m.size)
			continue;
		struct exc_stack *e = &x->exc[x->nexc++];
		snprintf(e->name, sizeof(e->name), "%s", exc_names[i].name);
		e->off = m.offset;
		e->size = m.size;
	}
}

static void orc_tables(const struct kd_arch_ctx *c, struct xu *x)
{
	uint64_t ip_stop, orc_stop;
	x->orc = false;
	if (!sym(c, "__start_orc_unwind_ip", &x->ip_tab) || !sym(c, "__stop_orc_unwind_ip", &ip_stop) ||
	    !sym(c, "__start_orc_unwind", &x->orc_tab)) {
		x->no_orc = "the kernel has no ORC tables (__start_orc_unwind_ip)";
		return;
	}
	orc_layout(c, x);
	x->nentries = ip_stop > x->ip_tab ? (ip_stop - x->ip_tab) / 4 : 0;
	if (!x->nentries || (ip_stop - x->ip_tab) % 4 ||
	    (sym(c, "__stop_orc_unwind", &orc_stop) &&
	     orc_stop - x->orc_tab != x->nentries * x->entry_size)) {
		x->no_orc = "the ORC tables' sizes disagree";
		return;
	}
	x->orc = true;
	// The fast lookup for the core text: orc_lookup[] has one index per
	// block; the block size is LOOKUP_BLOCK_SIZE (1 << 8 since 4.14), kept
	// only if it matches the number of blocks the kernel computed.
	uint64_t end;
	uint32_t n;
	x->block_size = 0;
	if (x->stext && x->etext > x->stext && sym(c, "orc_lookup", &x->lookup) &&
	    sym(c, "orc_lookup_end", &end) && end > x->lookup && sym(c, "lookup_num_blocks", &x->nblocks) &&
	    xu_rk_u32(c, x->nblocks, &n) && n >= 2 && n == (end - x->lookup) / 4) {
		x->nblocks = n;
		uint64_t bs = 256;
		uint64_t want = (x->etext - x->stext + bs - 1) / bs + 1;
		if (want + 1 >= n && want <= n + 1)
			x->block_size = bs;
	}
}

struct kd_error *kd_xu_init(const struct kd_arch_ctx *c, void **state_ret)
{
	if (!c->read_kernel)
		return kd_error_create(KD_ERR_UNSUPPORTED, "no kernel memory reader for the unwinder");
	struct xu *x = calloc(1, sizeof(*x));
	if (!x)
		return kd_error_create(KD_ERR_NOMEM, "out of memory");
	sym(c, "_stext", &x->stext);
	sym(c, "_etext", &x->etext);
	sym(c, "_sinittext", &x->sinittext);
	sym(c, "_einittext", &x->einittext);
	sym(c, "ret_from_fork", &x->ret_from_fork);
	// The retpoline thunks: a direct call to one is an indirect call.
	if (!(sym(c, "__indirect_thunk_start", &x->thunk_lo) && sym(c, "__indirect_thunk_end", &x->thunk_hi) &&
	      x->thunk_hi > x->thunk_lo) &&
	    sym(c, "__x86_indirect_thunk_array", &x->thunk_lo))
		x->thunk_hi = x->thunk_lo + 16 * 32;
	orc_tables(c, x);
	layouts(c, x);
	*state_ret = x;
	return NULL;
}

void kd_xu_fini(void *state)
{
	free(state);
}
