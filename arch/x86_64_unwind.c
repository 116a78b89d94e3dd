// SPDX-License-Identifier: GPL-3.0-or-later
// The x86_64 unwinder: kernel stacks walked with the kernel's own ORC data
// read out of the dump, the way arch/x86/kernel/unwind_orc.c walks them in
// the live kernel, and the frame-pointer chain when there is no ORC data.
// (The tables and layouts are read once by x86_64_unwind_init.c; struct xu
// and the shared helpers are in x86_64_unwind.h.)
//
// Where things come from, all through the context (no session, no offsets
// in the code):
//  - the tables: kallsyms' __start_orc_unwind_ip .. __stop_orc_unwind_ip
//    (s32 offsets relative to each entry, sorted at boot by unwind_init)
//    and __start_orc_unwind (struct orc_entry), orc_lookup[] with
//    lookup_num_blocks for the core text (arch/x86/include/asm/orc_lookup.h:
//    one u32 index per LOOKUP_BLOCK_SIZE bytes from _stext; the block size
//    is checked against the table's length, else the whole table is
//    searched), each module's through struct module's arch.num_orcs,
//    arch.orc_unwind_ip and arch.orc_unwind (BTF);
//  - struct orc_entry's fields from BTF.  Its shape changed in 6.4
//    (arch/x86/include/asm/orc_types.h): up to 6.3 a 2-bit type (CALL 0,
//    REGS 1, REGS_PARTIAL 2) and an `end` bit marking the end of the stack;
//    from 6.4 a 3-bit type (UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3,
//    REGS_PARTIAL 4) and a `signal` bit.  Which one applies is chosen by the
//    member BTF shows (`end` or `signal`); without the type in BTF the
//    older layout is assumed.  The ORC_REG_* numbers are the same in both;
//  - a sleeping task's start: task_struct.thread.sp pointing at struct
//    inactive_task_frame (arch/x86/include/asm/switch_to.h), its bp and
//    ret_addr; a running one's: its CPU's NT_PRSTATUS registers;
//  - the stacks a walk may cross: the task's (task_struct.stack, THREAD_SIZE
//    = __end_init_task - __start_init_task), the CPU's IRQ stack (per-cpu
//    hardirq_stack_ptr, or pcpu_hot.hardirq_stack_ptr from 6.2; sizeof
//    struct irq_stack) and exception stacks (per-cpu cea_exception_stacks,
//    the *_stack members of struct cea_exception_stacks);
//  - saved registers: struct pt_regs (arch/x86/include/asm/ptrace.h), member
//    by member, reported in NT_PRSTATUS order (its first 21 registers).
// Every stack read is checked against those bounds and read page by page,
// so a missing page or a garbage pointer ends the walk with a reason.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86_64.h"
#include "x86_64_unwind.h"

static uint64_t bits(uint64_t raw, const struct bitfield *f)
{
	if (!f->ok)
		return 0;
	return (raw >> f->off) & ((1ull << f->len) - 1);
}

static void orc_decode(const struct xu *x, const uint8_t *b, struct orc *o)
{
	uint64_t raw = xu_le(b, x->entry_size);
	o->sp_offset = (int16_t)bits(raw, &x->f_sp_off);
	o->bp_offset = (int16_t)bits(raw, &x->f_bp_off);
	o->sp_reg = (unsigned)bits(raw, &x->f_sp_reg);
	o->bp_reg = (unsigned)bits(raw, &x->f_bp_reg);
	unsigned type = (unsigned)bits(raw, &x->f_type);
	o->signal = bits(raw, &x->f_signal) != 0;
	if (x->v64) {
		static const enum orc_kind k[] = { K_UNDEFINED, K_END, K_CALL, K_REGS, K_REGS_PARTIAL };
		o->kind = type < 5 ? k[type] : K_UNDEFINED;
	} else if (o->sp_reg == ORC_REG_UNDEFINED) {
		o->kind = bits(raw, &x->f_end) ? K_END : K_UNDEFINED;
	} else {
		static const enum orc_kind k[] = { K_CALL, K_REGS, K_REGS_PARTIAL };
		o->kind = type < 3 ? k[type] : K_UNDEFINED;
	}
}



/* ---- ORC lookup ------------------------------------------------------------------- */

// The entry for ip in one sorted table of n entries (the kernel's
// __orc_find: the last entry whose address is <= ip).
static bool orc_search(const struct kd_arch_ctx *c, const struct xu *x, uint64_t ip_tab,
		       uint64_t orc_tab, uint64_t n, uint64_t ip, struct orc *o)
{
	if (!n)
		return false;
	uint64_t lo = 0, hi = n - 1, found = n;
	unsigned steps = 0;
	while (lo <= hi && steps++ < 64) {
		uint64_t mid = lo + (hi - lo) / 2;
		uint32_t v;
		if (!xu_rk_u32(c, ip_tab + mid * 4, &v))
			return false;
		uint64_t at = ip_tab + mid * 4 + (uint64_t)(int64_t)(int32_t)v;
		if (at <= ip) {
			found = mid;
			lo = mid + 1;
		} else {
			if (mid == 0)
				break;
			hi = mid - 1;
		}
	}
	if (found == n)
		return false;
	uint8_t b[8];
	if (!xu_rk(c, orc_tab + found * x->entry_size, b, x->entry_size))
		return false;
	orc_decode(x, b, o);
	return true;
}

static bool orc_find_uncached(const struct kd_arch_ctx *c, const struct xu *x, uint64_t ip,
			      struct orc *o)
{
	if (ip == 0) {
		// The kernel's null_orc_entry: a call through a NULL pointer.
		*o = (struct orc){ .sp_offset = 8, .sp_reg = ORC_REG_SP, .bp_reg = ORC_REG_UNDEFINED,
				   .kind = K_CALL };
		return true;
	}
	if (ip >= x->stext && ip < x->etext && x->block_size) {
		uint64_t idx = (ip - x->stext) / x->block_size;
		uint32_t start, stop;
		if (idx + 1 >= x->nblocks || !xu_rk_u32(c, x->lookup + idx * 4, &start) ||
		    !xu_rk_u32(c, x->lookup + (idx + 1) * 4, &stop))
			return false;
		stop++;
		if (start >= x->nentries || stop > x->nentries || stop <= start)
			return false;
		return orc_search(c, x, x->ip_tab + start * 4ull, x->orc_tab + start * (uint64_t)x->entry_size,
				  stop - start, ip, o);
	}
	if ((ip >= x->stext && ip < x->etext) || (ip >= x->sinittext && ip < x->einittext))
		return orc_search(c, x, x->ip_tab, x->orc_tab, x->nentries, ip, o);
	uint64_t mod;
	if (x->mod_ok && c->module_at && c->module_at(c->arg, ip, &mod)) {
		uint8_t nb[8];
		uint64_t ipt, ot;
		if (!xu_rk(c, mod + x->mod_num, nb, x->mod_num_size) || !xu_rk_u64(c, mod + x->mod_ip, &ipt) ||
		    !xu_rk_u64(c, mod + x->mod_orc, &ot) || !ipt || !ot)
			return false;
		uint64_t n = xu_le(nb, x->mod_num_size);
		if (n > (1u << 24))
			return false;
		return orc_search(c, x, ipt, ot, n, ip, o);
	}
	return false;
}

static bool orc_find(const struct kd_arch_ctx *c, struct xu *x, uint64_t ip, struct orc *o)
{
	struct cache_slot *cs = &x->cache[(ip ^ ip >> 11) % CACHE_SLOTS];
	if (cs->state && cs->ip == ip) {
		*o = cs->o;
		return cs->state == 1;
	}
	bool found = orc_find_uncached(c, x, ip, o);
	cs->ip = ip;
	cs->state = found ? 1 : 2;
	if (found)
		cs->o = *o;
	return found;
}

/* ---- the stacks of one walk --------------------------------------------------------- */

struct walk {
	const struct kd_arch_ctx *c;
	struct xu *x;
	struct kd_arch_stacks st; // arch.c
	kd_frame_fn *fn;
	void *arg;
	struct kd_unwind_result *res;
	bool stop;             // the callback asked to stop
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

static bool is_text(const struct walk *w, uint64_t ip)
{
	const struct xu *x = w->x;
	uint64_t mod;
	return (ip >= x->stext && ip < x->etext) || (ip >= x->sinittext && ip < x->einittext) ||
	       (w->c->module_at && w->c->module_at(w->c->arg, ip, &mod));
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

/* ---- the ORC walk ------------------------------------------------------------------- */

struct regstate {
	uint64_t ip, sp, bp;
	bool signal;
	bool full;                        // regs[] holds a full register set
	uint64_t regs[R_NPTREGS];
};

// Read pt_regs (or only its iret part) at addr into f->regs.
static bool read_regs(struct walk *w, uint64_t addr, bool partial, struct kd_frame *f)
{
	const struct xu *x = w->x;
	f->nregs = R_NPTREGS;
	f->regs_valid = 0;
	for (unsigned i = 0; i < R_NPTREGS; i++) {
		if (partial && i < R_IP)
			continue;
		if (!stack_word(w, addr + x->regs_off[i], &f->regs[i]))
			return false;
		f->regs_valid |= 1ull << i;
	}
	return true;
}

static void orc_walk(struct walk *w, struct regstate *st, int cur_stack)
{
	const struct xu *x = w->x;
	const struct kd_arch_ctx *c = w->c;
	while (!w->stop) {
		if (w->res->frames >= KD_UNWIND_MAX_FRAMES) {
			stopped(w, "too many frames", st->sp);
			return;
		}
		struct orc o;
		uint64_t look = st->signal ? st->ip : st->ip - 1;
		if (!orc_find(c, w->x, look, &o)) {
			stopped(w, is_text(w, st->ip) ? "no ORC data for the address" : "not a kernel text address",
				st->ip);
			return;
		}
		if (o.kind == K_END)
			return;
		if (o.kind == K_UNDEFINED) {
			stopped(w, "ORC data undefined for the address", st->ip);
			return;
		}
		uint64_t sp;
		bool indirect = false;
		switch (o.sp_reg) {
		case ORC_REG_SP: sp = st->sp + (uint64_t)(int64_t)o.sp_offset; break;
		case ORC_REG_BP: sp = st->bp + (uint64_t)(int64_t)o.sp_offset; break;
		case ORC_REG_SP_INDIRECT: {
			// Since Linux 5.12 (arch/x86/kernel/unwind_orc.c after "x86/unwind/orc:
			// Change REG_SP_INDIRECT") the previous stack pointer is *(sp) +
			// sp_offset: the word at sp is where an IRQ-stack switch saved the
			// interrupted stack pointer.  Before, it was *(sp + sp_offset).  No
			// type tells the two apart: take the newer reading when it lands on
			// a known stack, else the older.
			uint64_t saved;
			if (stack_word(w, st->sp, &saved) &&
			    stack_of(w, saved + (uint64_t)(int64_t)o.sp_offset) >= 0) {
				sp = saved + (uint64_t)(int64_t)o.sp_offset;
			} else {
				sp = st->sp + (uint64_t)(int64_t)o.sp_offset;
				indirect = true;
			}
			break;
		}
		case ORC_REG_BP_INDIRECT:
			sp = st->bp + (uint64_t)(int64_t)o.sp_offset;
			indirect = true;
			break;
		case ORC_REG_R10: case ORC_REG_R13: case ORC_REG_DI: case ORC_REG_DX:
			if (!st->full) {
				stopped(w, "the frame's base register was not saved", st->ip);
				return;
			}
			sp = st->regs[o.sp_reg == ORC_REG_R10 ? R_R10 : o.sp_reg == ORC_REG_R13 ? R_R13 :
				      o.sp_reg == ORC_REG_DI ? R_DI : R_DX];
			break;
		default:
			stopped(w, "unknown ORC base register", st->ip);
			return;
		}
		if (indirect && !stack_word(w, sp, &sp)) {
			stopped(w, "stack pointer slot unreadable", w->st.bad_addr);
			return;
		}
		struct kd_frame f = { 0 };
		uint64_t prev_sp = st->sp;
		switch (o.kind) {
		case K_CALL:
			if (!stack_word(w, sp - 8, &st->ip)) {
				stopped(w, "return address unreadable", w->st.bad_addr);
				return;
			}
			f.slot = sp - 8;
			st->sp = sp;
			st->signal = o.signal;
			st->full = false;
			break;
		case K_REGS:
		case K_REGS_PARTIAL: {
			if (!x->regs_ok) {
				stopped(w, "no struct pt_regs in the types", sp);
				return;
			}
			bool partial = o.kind == K_REGS_PARTIAL;
			uint64_t base = partial ? sp - x->regs_off[R_IP] : sp;
			if (!read_regs(w, base, partial, &f)) {
				stopped(w, "saved registers unreadable", w->st.bad_addr);
				return;
			}
			f.flags = KD_FRAME_REGS | (f.regs[R_CS] & 3 ? KD_FRAME_USER : 0);
			f.regs_addr = base;
			f.slot = base;
			st->ip = f.regs[R_IP];
			st->sp = f.regs[R_SP];
			st->signal = true;
			if (!partial) {
				memcpy(st->regs, f.regs, sizeof(st->regs));
				st->full = true;
			}
			break;
		}
		default:
			return;
		}
		// The caller's bp.
		switch (o.bp_reg) {
		case ORC_REG_UNDEFINED:
			if (o.kind == K_REGS)
				st->bp = f.regs[R_BP];
			break;
		case ORC_REG_PREV_SP:
			if (!stack_word(w, sp + (uint64_t)(int64_t)o.bp_offset, &st->bp)) {
				stopped(w, "saved frame pointer unreadable", w->st.bad_addr);
				return;
			}
			break;
		case ORC_REG_BP:
			if (!stack_word(w, st->bp + (uint64_t)(int64_t)o.bp_offset, &st->bp)) {
				stopped(w, "saved frame pointer unreadable", w->st.bad_addr);
				return;
			}
			break;
		default:
			stopped(w, "unknown ORC frame-pointer register", st->ip);
			return;
		}
		f.pc = st->ip;
		f.sp = st->sp;
		f.stack = stack_name(w, f.slot);
		bool user = f.flags & KD_FRAME_USER;
		int ns = stack_of(w, st->sp);
		if (!user && ns == cur_stack && st->sp <= prev_sp) {
			stopped(w, "stack going in the wrong direction", st->sp);
			return;
		}
		cur_stack = ns;
		emit(w, &f);
		if (user)
			return;
	}
}

/* ---- the frame-pointer walk (no ORC) ------------------------------------------------- */

static void fp_walk(struct walk *w, uint64_t bp)
{
	while (!w->stop) {
		if (w->res->frames >= KD_UNWIND_MAX_FRAMES) {
			stopped(w, "too many frames", bp);
			return;
		}
		if (!bp)
			return;
		uint64_t next, ret;
		if (!stack_word(w, bp, &next) || !stack_word(w, bp + 8, &ret)) {
			stopped(w, "frame pointer chain leaves the stack", w->st.bad_addr);
			return;
		}
		if (!is_text(w, ret)) {
			// The chain ends where the kernel entry left its registers.
			if (stack_of(w, bp) != stack_of(w, next) && next)
				stopped(w, "frame pointer chain leaves the stack", next);
			return;
		}
		struct kd_frame f = { .pc = ret, .slot = bp + 8, .sp = bp + 16, .flags = KD_FRAME_GUESS };
		f.stack = stack_name(w, f.slot);
		emit(w, &f);
		if (next && stack_of(w, next) == stack_of(w, bp) && next <= bp) {
			stopped(w, "frame pointer going in the wrong direction", next);
			return;
		}
		bp = next;
	}
}

/* ---- finding a start on the stack ---------------------------------------------------- */

// Some starts are not where the registers say.  A kdump's NT_PRSTATUS of a
// CPU stopped by NMI holds the registers the NMI interrupted
// (kdump_nmi_callback() saves the pt_regs it is given, arch/x86/kernel/
// crash.c), while the CPU went on into the NMI handler and halted there; the
// crashing CPU's holds crash_setup_regs()'s registers, whose ip is a label
// in __crash_kexec() that the ORC data may leave undefined.  Both are found
// as crash does, by the return addresses on the stack: a candidate is a
// text address on the stack from which the ORC walk goes where it must, and
// each call on the way can have called the function the frame below is in.

enum { DRY_FRAMES = 48 };

struct dry {
	struct kd_frame f[DRY_FRAMES];
	unsigned n;
};

static int dry_collect(const struct kd_frame *f, void *arg)
{
	struct dry *d = arg;
	if (d->n < DRY_FRAMES)
		d->f[d->n++] = *f;
	return d->n >= DRY_FRAMES;
}

// The ORC walk from (ip, sp) with its frames into *d and not reported; the
// stack pages it read stay cached in w.
static void dry_walk(struct walk *w, uint64_t ip, uint64_t sp, uint64_t bp, struct dry *d,
		     struct kd_unwind_result *r)
{
	struct walk t = *w;
	*r = (struct kd_unwind_result){ 0 };
	d->n = 0;
	t.fn = dry_collect;
	t.arg = d;
	t.res = r;
	t.stop = false;
	struct regstate st = { .ip = ip, .sp = sp, .bp = bp };
	orc_walk(&t, &st, stack_of(&t, sp));
	w->st = t.st; // the pages it read (its copy of the buffers, now the walk's)
	if (d->n >= DRY_FRAMES && !r->stopped)
		r->stopped = "too many frames";
}

// Whether the call instruction before return address ret may have called
// the function pc is in: a direct call (e8 rel32) must not go to an address
// above pc (a function starts below its code; a function's cold part, and a
// tail call, may be anywhere above its start), unless it goes to a retpoline
// thunk; any other form (an indirect call) cannot be checked and passes.
static bool call_reaches(struct walk *w, uint64_t ret, uint64_t pc)
{
	const struct xu *x = w->x;
	uint8_t b[5];
	if (!xu_rk(w->c, ret - 5, b, 5))
		return false;
	if (b[0] != 0xe8)
		return true;
	uint64_t t = ret + (uint64_t)(int64_t)(int32_t)xu_le(b + 1, 4);
	if (t >= x->thunk_lo && t < x->thunk_hi)
		return true;
	return t <= pc;
}

// The dry walk's frames from a start at pc agree with the calls: every
// return address up to the first register frame (or up to frame upto).
static bool calls_agree(struct walk *w, uint64_t pc, const struct dry *d, unsigned upto)
{
	for (unsigned i = 0; i < d->n && i < upto; i++) {
		if (d->f[i].flags & KD_FRAME_REGS)
			return true;
		if (!call_reaches(w, d->f[i].pc, pc))
			return false;
		pc = d->f[i].pc;
	}
	return true;
}

static bool kernel_text(const struct xu *x, uint64_t v)
{
	return (v >= x->stext && v < x->etext) || (v >= x->sinittext && v < x->einittext);
}

static bool nmi_handler(struct walk *w, int nmi, uint64_t regs, uint64_t *slot_ret, uint64_t *ip_ret);

// A CPU stopped by NMI: the pt_regs on its NMI stack that hold the note's
// registers, then the deepest return address on that stack from which the
// walk reaches them with calls that agree.  *slot_ret and *ip_ret: where to
// start (0 if the registers are not an NMI's).
static void nmi_start(struct walk *w, const struct regstate *st, uint64_t *slot_ret, uint64_t *ip_ret)
{
	const struct xu *x = w->x;
	*slot_ret = *ip_ret = 0;
	int nmi = -1;
	for (unsigned i = 0; i < w->st.n; i++)
		if (strcmp(w->st.s[i].name, "NMI exception") == 0)
			nmi = (int)i;
	if (nmi < 0 || !x->regs_ok || stack_of(w, st->sp) == nmi)
		return;
	// The NMI's pt_regs is the highest block that holds the registers
	// (kdump_nmi_callback's copies of them lie below, in crash_save_cpu's
	// stale frame): try each from the top, the first few (a garbage stack
	// must not cost a walk per word per word).
	const struct kd_arch_stack s = w->st.s[nmi];
	unsigned tries = 0;
	for (uint64_t regs = s.end - x->regs_size; regs >= s.start && regs < s.end && tries < 4; regs -= 8) {
		uint64_t ip, sp, cs, fl;
		if (stack_word(w, regs + x->regs_off[R_IP], &ip) && ip == st->ip &&
		    stack_word(w, regs + x->regs_off[R_SP], &sp) && sp == st->sp &&
		    stack_word(w, regs + x->regs_off[R_CS], &cs) && cs == st->regs[R_CS] &&
		    stack_word(w, regs + x->regs_off[R_FLAGS], &fl) && fl == st->regs[R_FLAGS] &&
		    (tries++, nmi_handler(w, nmi, regs, slot_ret, ip_ret)))
			return;
	}
}

// The deepest return address below the NMI's pt_regs at regs from which the
// walk reaches them on the NMI stack with calls that agree.
static bool nmi_handler(struct walk *w, int nmi, uint64_t regs, uint64_t *slot_ret, uint64_t *ip_ret)
{
	const struct xu *x = w->x;
	const struct kd_arch_stack s = w->st.s[nmi];
	uint64_t v;
	for (uint64_t a = s.start; a < regs; a += 8) {
		if (!stack_word(w, a, &v) || !kernel_text(x, v))
			continue;
		struct dry d;
		struct kd_unwind_result r;
		dry_walk(w, v, a + 8, 0, &d, &r);
		unsigned k = 0;
		while (k < d.n && !(d.f[k].flags & KD_FRAME_REGS) && stack_of(w, d.f[k].slot) == nmi)
			k++;
		if (k < d.n && d.f[k].flags & KD_FRAME_REGS && d.f[k].regs_addr == regs && calls_agree(w, v, &d, k)) {
			*slot_ret = a;
			*ip_ret = v;
			return true;
		}
	}
	return false;
}

// The walk from registers could not take its first step: the lowest return
// address above sp (within 4 KiB) whose call can have called the function
// of ip and from which the walk ends cleanly (bp: the registers' frame
// pointer, which the function of ip may have left as its caller's).
static bool resync(struct walk *w, uint64_t ip, uint64_t sp, uint64_t bp, uint64_t *slot_ret,
		   uint64_t *ip_ret)
{
	const struct xu *x = w->x;
	int si = stack_of(w, sp);
	if (si < 0)
		return false;
	for (uint64_t a = sp & ~7ull; a < sp + 4096 && a + 8 <= w->st.s[si].end; a += 8) {
		uint64_t v;
		if (!stack_word(w, a, &v) || !kernel_text(x, v) || !call_reaches(w, v, ip))
			continue;
		struct dry d;
		struct kd_unwind_result r;
		dry_walk(w, v, a + 8, bp, &d, &r);
		if (!r.stopped && calls_agree(w, v, &d, d.n)) {
			*slot_ret = a;
			*ip_ret = v;
			return true;
		}
	}
	return false;
}

/* ---- start -------------------------------------------------------------------------- */

static void cpu_stacks(struct walk *w, int cpu)
{
	const struct xu *x = w->x;
	const struct kd_arch_ctx *c = w->c;
	uint64_t base;
	if (cpu < 0 || !c->percpu_offset || !xu_ok(c->percpu_offset(c->arg, (unsigned)cpu, &base)))
		return;
	uint64_t p;
	// hardirq_stack_ptr is the stack's top, or 8 below it (5.12 on): the
	// stack ends at the page boundary at or above it.
	if (x->irq_ok && xu_rk_u64(c, base + x->irq_ptr, &p) && p) {
		uint64_t top = (p + 4095) & ~4095ull;
		add_stack(w, top - x->irq_size, x->irq_size, "IRQ");
	}
	if (x->exc_ok && xu_rk_u64(c, base + x->exc_ptr, &p) && p)
		for (unsigned i = 0; i < x->nexc; i++)
			add_stack(w, p + x->exc[i].off, x->exc[i].size, x->exc[i].name);
}

static struct kd_error *xu_unwind(void *state, const struct kd_arch_ctx *c,
				  const struct kd_arch_unwind_start *start, kd_frame_fn *fn, void *arg,
				  struct kd_unwind_result *ret)
{
	struct xu *x = state;
	*ret = (struct kd_unwind_result){ .method = x->orc ? "ORC" : "frame pointers" };
	struct walk w = { .c = c, .x = x, .fn = fn, .arg = arg, .res = ret };
	struct regstate st = { 0 };
	struct kd_frame f0 = { 0 };
	uint64_t task_stack = 0;
	if (start->task && x->task_ok) {
		if (!xu_rk_u64(c, start->task + x->off_stack, &task_stack))
			task_stack = 0;
		if (task_stack && x->thread_size) {
			add_stack(&w, task_stack, x->thread_size, "process");
			ret->stack_base = task_stack;
			ret->stack_size = x->thread_size;
		}
	}
	cpu_stacks(&w, start->cpu);
	if (start->have_regs) {
		const struct kd_prstatus *r = &start->regs;
		if (r->nregs < R_NPTREGS) {
			free_stacks(&w);
			return kd_error_create(KD_ERR_UNSUPPORTED, "the CPU's register note is too short");
		}
		memcpy(st.regs, r->regs, sizeof(st.regs));
		st.full = true;
		st.ip = r->regs[R_IP];
		st.sp = r->regs[R_SP];
		st.bp = r->regs[R_BP];
		st.signal = true;
		f0 = (struct kd_frame){ .pc = st.ip, .slot = st.sp, .sp = st.sp, .flags = KD_FRAME_REGS,
					.nregs = R_NPTREGS, .regs_valid = (1ull << R_NPTREGS) - 1 };
		memcpy(f0.regs, r->regs, sizeof(uint64_t) * R_NPTREGS);
		if (r->regs[R_CS] & 3)
			f0.flags |= KD_FRAME_USER;
	} else {
		if (!start->task || !x->task_ok || !x->itf_ok) {
			free_stacks(&w);
			return kd_error_create(KD_ERR_UNSUPPORTED,
					       "the types lack task_struct.stack, thread.sp or struct inactive_task_frame");
		}
		uint64_t tsp, bp, ip;
		if (!xu_rk_u64(c, start->task + x->off_thread_sp, &tsp)) {
			free_stacks(&w);
			return kd_error_addr(KD_ERR_FAULT, start->task + x->off_thread_sp,
					     "task_struct.thread.sp at 0x%" PRIx64 " unreadable",
					     start->task + x->off_thread_sp);
		}
		if (!stack_word(&w, tsp + x->itf_bp, &bp) || !stack_word(&w, tsp + x->itf_ret, &ip)) {
			uint64_t bad = w.st.bad_addr;
			const char *why = w.st.bad_why;
			free_stacks(&w);
			return kd_error_addr(KD_ERR_FAULT, bad,
					     "saved frame at 0x%" PRIx64 " (thread.sp) %s", tsp, why);
		}
		st.ip = ip;
		st.bp = bp;
		st.sp = tsp + x->itf_size;
		st.signal = x->ret_from_fork && ip == x->ret_from_fork;
		f0 = (struct kd_frame){ .pc = ip, .slot = tsp + x->itf_ret, .sp = st.sp };
	}
	uint64_t nmi_slot = 0, nmi_ip = 0;
	if (start->have_regs && x->orc && !(f0.flags & KD_FRAME_USER))
		nmi_start(&w, &st, &nmi_slot, &nmi_ip);
	if (nmi_slot) {
		// Stopped by NMI: from the handler on the NMI stack; the note's
		// registers come back as the NMI's exception frame.
		f0 = (struct kd_frame){ .pc = nmi_ip, .slot = nmi_slot, .sp = nmi_slot + 8 };
		st = (struct regstate){ .ip = nmi_ip, .sp = nmi_slot + 8 };
	}
	f0.stack = stack_name(&w, f0.slot);
	emit(&w, &f0);
	if (!(f0.flags & KD_FRAME_USER) && !w.stop) {
		if (x->orc) {
			struct regstate st0 = st;
			orc_walk(&w, &st, stack_of(&w, st.sp));
			uint64_t slot, ip;
			if (ret->stopped && ret->frames == 1 && start->have_regs && !nmi_slot &&
			    resync(&w, st0.ip, st0.sp, st0.bp, &slot, &ip)) {
				// Shown as found by scanning (crash's way for these frames).
				ret->stopped = NULL;
				ret->stopped_addr = 0;
				struct kd_frame f1 = { .pc = ip, .slot = slot, .sp = slot + 8, .flags = KD_FRAME_GUESS };
				f1.stack = stack_name(&w, slot);
				emit(&w, &f1);
				st = (struct regstate){ .ip = ip, .sp = slot + 8, .bp = st0.bp };
				if (!w.stop)
					orc_walk(&w, &st, stack_of(&w, st.sp));
			}
		} else {
			fp_walk(&w, st.bp);
		}
	}
	free_stacks(&w);
	return NULL;
}

const struct kd_arch_unwinder kd_x86_64_unwinder = {
	.init = kd_xu_init,
	.unwind = xu_unwind,
	.fini = kd_xu_fini,
};
