/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file arch.h
 * Facts about the dumped machine that commands need beyond address
 * translation: its name and word size, which disassembler fits it, the
 * names of its registers and where NT_PRSTATUS notes keep them.  The data
 * comes from the machine's backend under arch/, so a command never switches
 * on e_machine itself.
 */
#ifndef KDIVE_ARCH_H
#define KDIVE_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;
struct kd_note;

/** The disassembler a machine needs (dis maps it to its library's modes). */
enum kd_disasm {
	KD_DISASM_NONE = 0, /**< no disassembler known */
	KD_DISASM_X86_64,   /**< x86, 64-bit mode */
	KD_DISASM_AARCH64,  /**< ARMv8 A64 */
};

/** Where struct elf_prstatus keeps the pid and the registers (include/uapi/linux/elfcore.h). */
struct kd_prstatus_layout {
	size_t size;     /**< bytes a note needs to be decoded (through pr_reg); 0 = not decoded for this machine */
	size_t pid_off;  /**< offset of pr_pid (a 32-bit int) */
	size_t reg_off;  /**< offset of pr_reg */
	unsigned nregs;  /**< registers in pr_reg, each word_size bytes, named by reg_names */
	unsigned pc;     /**< index of the program counter in pr_reg */
	unsigned sp;     /**< index of the stack pointer in pr_reg */
};

/** One machine's facts. */
struct kd_arch_info {
	const char *name;              /**< "x86_64" */
	unsigned e_machine;            /**< ELF e_machine (EM_X86_64 ...) */
	unsigned word_size;            /**< bytes in a pointer and a general register */
	enum kd_disasm disasm;         /**< which disassembler mode fits */
	const char *const *reg_names;  /**< prstatus.nregs names, in pr_reg order ("rip") */
	struct kd_prstatus_layout prstatus;
};

/** The dumped machine's facts, or NULL when kdive knows nothing of the machine. */
KD_API const struct kd_arch_info *kd_arch_info_get(const struct kd_session *s);

enum { KD_PRSTATUS_MAX_REGS = 64 };

/** One CPU's registers as an NT_PRSTATUS note records them. */
struct kd_prstatus {
	uint32_t pid;
	unsigned nregs;                      /**< entries of regs, named by kd_arch_info.reg_names */
	uint64_t regs[KD_PRSTATUS_MAX_REGS]; /**< pr_reg in order */
	uint64_t pc, sp;                     /**< the program counter and stack pointer */
};

/**
 * Decode a "CORE" NT_PRSTATUS note of the dumped machine into *ret.  False
 * when the machine's layout is unknown or the note is too short.
 */
KD_API bool kd_prstatus_decode(const struct kd_session *s, const struct kd_note *n,
			       struct kd_prstatus *ret);

#endif
