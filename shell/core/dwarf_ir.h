/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The DWARF conversion's intermediate form, between its two halves: the
 * reader (dwarf.c) walks the DWARF with libdw and numbers the types it
 * makes in BTF id order; the writer (dwarf_emit.c) hands them to libbpf's
 * BTF writer.  Only with libdw and libbpf.
 */
#ifndef KD_CORE_DWARF_IR_H
#define KD_CORE_DWARF_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

#include <kdive/error.h>

struct btf;

/* A type being made; ids are indexes in the reader's types (0 is void). */
struct ir_type {
	uint8_t kind;      // BTF_KIND_*; 0 while reserved and not yet filled
	uint8_t flag;      // INT: BTF_INT_* encoding; FWD: 1 for a union
	const char *name;  // in the DWARF's string tables: valid until dwarf_end()
	uint64_t size;     // bytes; ARRAY: number of elements
	uint32_t type;     // PTR, ARRAY, TYPEDEF, qualifiers, VAR: target; FUNC_PROTO: return
	uint32_t first, n; // members, enumerators or parameters in the reader's subs
	uint64_t addr;     // VAR: its address
};

/* A member, enumerator or parameter. */
struct ir_sub {
	const char *name;
	uint32_t type;     // members and parameters
	uint32_t bit_size; // members: bitfield width, 0 if none
	uint64_t bit_off;  // members
	int64_t val;       // enumerators
	bool is_unsigned;  // enumerators: val is a uint64_t
};

/* What the reader made. */
struct kd_dwarf_ir {
	const struct ir_type *types; // by id; 0 is void, 1 index_type
	size_t ntypes;
	const struct ir_sub *subs;
	uint32_t index_type;         // the int that BTF arrays name as their index type
	uint32_t first_var;          // the variables: ids first_var..first_var + nvars - 1
	size_t nvars;
};

/*
 * Write ir as a new BTF (ids as in ir), then a .data..percpu DATASEC for the
 * variables inside that section of elf (may be NULL: none).
 */
struct kd_error *kd_dwarf_emit_btf(const struct kd_dwarf_ir *ir, Elf *elf, struct btf **ret);

#endif
