// SPDX-License-Identifier: GPL-3.0-or-later
// aarch64: the machine's facts only (name, word size, disassembler, register
// names).  There is no address translation for aarch64 dumps yet (init is
// NULL, so the core says so), and NT_PRSTATUS decoding waits for an arm64
// dump to check it against; adding them makes this file a full backend.
#include <elf.h>

#include "arch.h"

// struct user_pt_regs (arch/arm64/include/uapi/asm/ptrace.h).
static const char *const aarch64_regs[] = {
	"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10", "x11",
	"x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
	"x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",  "pc",  "pstate",
};

static const struct kd_arch_info aarch64_info = {
	.name = "aarch64",
	.e_machine = EM_AARCH64,
	.word_size = 8,
	.disasm = KD_DISASM_AARCH64,
	.reg_names = aarch64_regs,
	// elfcore.h's layout with the 34 registers above; size 0 keeps
	// kd_prstatus_decode() off until it is checked on an arm64 dump.
	.prstatus = { .size = 0, .pid_off = 32, .reg_off = 112, .nregs = 34, .pc = 32, .sp = 31 },
};

const struct kd_arch_ops kd_arch_aarch64 = {
	.info = &aarch64_info,
};
