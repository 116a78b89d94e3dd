// SPDX-License-Identifier: GPL-3.0-or-later
// The x86_64 unwinder's own declarations, shared by its two files (not a
// public header): x86_64_unwind_init.c reads the ORC tables and the layouts
// once (struct xu), x86_64_unwind.c looks entries up and walks stacks.  The
// kernel definitions they follow are named at the top of x86_64_unwind.c.
#ifndef KDIVE_ARCH_X86_64_UNWIND_H
#define KDIVE_ARCH_X86_64_UNWIND_H

#include <stdbool.h>
#include <stdint.h>

#include "arch.h"

// ORC_REG_* (arch/x86/include/asm/orc_types.h).
enum {
	ORC_REG_UNDEFINED = 0, ORC_REG_PREV_SP = 1, ORC_REG_DX = 2, ORC_REG_DI = 3, ORC_REG_BP = 4,
	ORC_REG_SP = 5, ORC_REG_R10 = 6, ORC_REG_R13 = 7, ORC_REG_BP_INDIRECT = 8,
	ORC_REG_SP_INDIRECT = 9,
};

// An entry's meaning, whichever encoding the kernel uses.
enum orc_kind { K_UNDEFINED, K_END, K_CALL, K_REGS, K_REGS_PARTIAL };

struct orc {
	int16_t sp_offset, bp_offset;
	unsigned sp_reg, bp_reg;
	enum orc_kind kind;
	bool signal;
};

struct bitfield {
	unsigned off, len; // bits from the start of the entry
	bool ok;
};

// Indexes into struct kd_prstatus.regs (pr_reg order, arch/x86_64.c) and the
// struct pt_regs member of the same register.
enum { R_R15, R_R14, R_R13, R_R12, R_BP, R_BX, R_R11, R_R10, R_R9, R_R8, R_AX, R_CX, R_DX, R_SI,
       R_DI, R_ORIG_AX, R_IP, R_CS, R_FLAGS, R_SP, R_SS, R_NPTREGS };


enum { MAX_EXC = 8, CACHE_SLOTS = 2048 }; // stacks: KD_ARCH_MAX_STACKS (arch.h) >= 2 + MAX_EXC

struct exc_stack {
	char name[24];    // "NMI exception"
	uint64_t off, size;
};

struct cache_slot {
	uint64_t ip;
	uint8_t state;    // 0 empty, 1 found, 2 none
	struct orc o;
};

struct xu {
	// ORC tables
	bool orc;
	const char *no_orc;   // why there is no ORC (static)
	uint64_t ip_tab, orc_tab, nentries;
	uint64_t lookup, nblocks, block_size; // block_size 0: no fast lookup
	unsigned entry_size;
	struct bitfield f_sp_off, f_bp_off, f_sp_reg, f_bp_reg, f_type, f_end, f_signal;
	bool v64;             // the 6.4+ encoding
	uint64_t stext, etext, sinittext, einittext, ret_from_fork;
	uint64_t thunk_lo, thunk_hi;  // the retpoline thunks (indirect calls)
	// module ORC (struct module)
	bool mod_ok;
	uint64_t mod_num, mod_ip, mod_orc;
	unsigned mod_num_size;
	// start points
	bool task_ok, itf_ok;
	uint64_t off_stack, off_thread_sp, thread_size;
	uint64_t itf_size, itf_bp, itf_ret;
	bool regs_ok;
	uint64_t regs_size, regs_off[R_NPTREGS];
	// per-cpu stacks
	bool irq_ok;
	uint64_t irq_ptr, irq_size;   // per-cpu variable holding the IRQ stack's top
	bool exc_ok;
	uint64_t exc_ptr;             // per-cpu cea_exception_stacks
	struct exc_stack exc[MAX_EXC];
	unsigned nexc;
	struct cache_slot cache[CACHE_SLOTS];
};

// Kernel reads through the context; false on any error.
static inline bool xu_ok(struct kd_error *err)
{
	kd_error_destroy(err);
	return err == NULL;
}

static inline bool xu_rk(const struct kd_arch_ctx *c, uint64_t va, void *buf, size_t n)
{
	return xu_ok(c->read_kernel(c->arg, va, buf, n));
}

static inline uint64_t xu_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static inline bool xu_rk_u64(const struct kd_arch_ctx *c, uint64_t va, uint64_t *v)
{
	uint8_t b[8];
	if (!xu_rk(c, va, b, 8))
		return false;
	*v = xu_le(b, 8);
	return true;
}

static inline bool xu_rk_u32(const struct kd_arch_ctx *c, uint64_t va, uint32_t *v)
{
	uint8_t b[4];
	if (!xu_rk(c, va, b, 4))
		return false;
	*v = (uint32_t)xu_le(b, 4);
	return true;
}

/** Read the ORC tables and the layouts through c (the unwinder's init). */
struct kd_error *kd_xu_init(const struct kd_arch_ctx *c, void **state_ret);
void kd_xu_fini(void *state);

#endif
