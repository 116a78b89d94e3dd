// SPDX-License-Identifier: GPL-3.0-or-later
// Types from the DWARF of a debug vmlinux, read with libdw (elfutils) and
// converted to an in-memory BTF with libbpf's writer, so that the types layer
// (types_*.c) serves them like the dump's own BTF.  This file is the reader
// (steps 1 and 2 below); dwarf_emit.c writes the BTF (step 3) and
// dwarf_map.c holds the reader's index.
//
// A kernel's .debug_info repeats each header's types in every unit that
// includes it (millions of DIEs).  The conversion therefore works by name:
//  1. scan the top-level DIEs of every unit once and index the first
//     definition of each named struct, union, enum and typedef (then those
//     defined in a function's outermost scope, for names no unit defines at
//     its top level), the first anonymous enum of each leading enumerator,
//     and the global variables;
//  2. convert the indexed definitions; a reference to a named type resolves
//     through the index (so a declaration in one unit finds the definition in
//     another, and list_head is converted once), other types are converted
//     where they are met and pointers, qualifiers and arrays are shared
//     structurally.  Named types are queued rather than recursed into, which
//     bounds the recursion by the nesting of anonymous types;
//  3. emit the result as BTF in id order (types are numbered when first met,
//     so forward references are plain ids), then a .data..percpu DATASEC
//     for the per-cpu variables (dwarf_emit.c).
// A definition whose size differs from the indexed one of its name (two
// unrelated static structs named alike) is converted on its own.
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dwarf_btf.h"
#include "hash.h"

#if defined(HAVE_LIBDW) && defined(HAVE_LIBBPF)

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "dwarf_ir.h"
#include "dwarf_map.h"
#include "dlib.h"

// libdw is opened when a vmlinux's DWARF is first read (dlib.h): every run
// paid for loading it, and only --vmlinux without BTF needs it.  The calls
// below go through this table under their own names.
static struct {
	__typeof__(dwarf_begin) *dwarf_begin;
	__typeof__(dwarf_end) *dwarf_end;
	__typeof__(dwarf_errmsg) *dwarf_errmsg;
	__typeof__(dwarf_next_unit) *dwarf_next_unit;
	__typeof__(dwarf_offdie) *dwarf_offdie;
	__typeof__(dwarf_getelf) *dwarf_getelf;
	__typeof__(dwarf_diename) *dwarf_diename;
	__typeof__(dwarf_tag) *dwarf_tag;
	__typeof__(dwarf_child) *dwarf_child;
	__typeof__(dwarf_siblingof) *dwarf_siblingof;
	__typeof__(dwarf_bytesize) *dwarf_bytesize;
	__typeof__(dwarf_attr) *dwarf_attr;
	__typeof__(dwarf_attr_integrate) *dwarf_attr_integrate;
	__typeof__(dwarf_hasattr) *dwarf_hasattr;
	__typeof__(dwarf_whatform) *dwarf_whatform;
	__typeof__(dwarf_formudata) *dwarf_formudata;
	__typeof__(dwarf_formsdata) *dwarf_formsdata;
	__typeof__(dwarf_formref_die) *dwarf_formref_die;
	__typeof__(dwarf_dieoffset) *dwarf_dieoffset;
	__typeof__(dwarf_getlocation) *dwarf_getlocation;
	__typeof__(dwarf_aggregate_size) *dwarf_aggregate_size;
} dw;
static struct kd_dlib dw_lib = { .soname = KD_LIBDW_SONAME };

static const char *dw_open(void)
{
	const struct kd_dlib_sym syms[] = {
		{ "dwarf_begin", (void **)&dw.dwarf_begin },
		{ "dwarf_end", (void **)&dw.dwarf_end },
		{ "dwarf_errmsg", (void **)&dw.dwarf_errmsg },
		{ "dwarf_next_unit", (void **)&dw.dwarf_next_unit },
		{ "dwarf_offdie", (void **)&dw.dwarf_offdie },
		{ "dwarf_getelf", (void **)&dw.dwarf_getelf },
		{ "dwarf_diename", (void **)&dw.dwarf_diename },
		{ "dwarf_tag", (void **)&dw.dwarf_tag },
		{ "dwarf_child", (void **)&dw.dwarf_child },
		{ "dwarf_siblingof", (void **)&dw.dwarf_siblingof },
		{ "dwarf_bytesize", (void **)&dw.dwarf_bytesize },
		{ "dwarf_attr", (void **)&dw.dwarf_attr },
		{ "dwarf_attr_integrate", (void **)&dw.dwarf_attr_integrate },
		{ "dwarf_hasattr", (void **)&dw.dwarf_hasattr },
		{ "dwarf_whatform", (void **)&dw.dwarf_whatform },
		{ "dwarf_formudata", (void **)&dw.dwarf_formudata },
		{ "dwarf_formsdata", (void **)&dw.dwarf_formsdata },
		{ "dwarf_formref_die", (void **)&dw.dwarf_formref_die },
		{ "dwarf_dieoffset", (void **)&dw.dwarf_dieoffset },
		{ "dwarf_getlocation", (void **)&dw.dwarf_getlocation },
		{ "dwarf_aggregate_size", (void **)&dw.dwarf_aggregate_size },
	};
	return kd_dlib_open(&dw_lib, syms, sizeof(syms) / sizeof(syms[0]));
}

#define dwarf_begin dw.dwarf_begin
#define dwarf_end dw.dwarf_end
#define dwarf_errmsg dw.dwarf_errmsg
#define dwarf_next_unit dw.dwarf_next_unit
#define dwarf_offdie dw.dwarf_offdie
#define dwarf_getelf dw.dwarf_getelf
#define dwarf_diename dw.dwarf_diename
#define dwarf_tag dw.dwarf_tag
#define dwarf_child dw.dwarf_child
#define dwarf_siblingof dw.dwarf_siblingof
#define dwarf_bytesize dw.dwarf_bytesize
#define dwarf_attr dw.dwarf_attr
#define dwarf_attr_integrate dw.dwarf_attr_integrate
#define dwarf_hasattr dw.dwarf_hasattr
#define dwarf_whatform dw.dwarf_whatform
#define dwarf_formudata dw.dwarf_formudata
#define dwarf_formsdata dw.dwarf_formsdata
#define dwarf_formref_die dw.dwarf_formref_die
#define dwarf_dieoffset dw.dwarf_dieoffset
#define dwarf_getlocation dw.dwarf_getlocation
#define dwarf_aggregate_size dw.dwarf_aggregate_size

enum { MAX_DEPTH = 512 };

/* A named definition found by the scan. */
struct named {
	const char *name;
	Dwarf_Off die;
	int64_t size;      // -1 for typedefs
	uint32_t id;       // 0 until queued
	uint8_t kind;
};

struct work {
	uint32_t id;
	Dwarf_Off die;
};

struct var {
	const char *name;
	Dwarf_Off die;
	uint64_t addr;
};

struct cv {
	Dwarf *dbg;
	bool big_endian;
	bool nomem;
	int depth;
	struct ir_type *types;
	size_t ntypes, tcap;
	struct ir_sub *subs;
	size_t nsubs, scap;
	struct dwarf_map map;
	struct named *named;
	size_t nnamed, ncap;
	struct named *locals;  // definitions inside functions
	size_t nlocals, lcap;
	struct work *work;
	size_t nwork, wcap;
	Dwarf_Off *anon_enums;
	size_t nanon, acap;
	struct var *vars;
	size_t nvars, vcap;
	uint32_t index_type;   // the int that BTF arrays name as their index type
};

/* Map key spaces (k2 of string keys). */
enum {
	KEY_NAMED = 0,         // + BTF kind: the scan's index
	KEY_FWD = 32,          // + BTF kind: declarations without a definition
	KEY_BASE = 64,         // base types by name
	KEY_ANON_ENUM = 65,    // anonymous enums by first enumerator
	KEY_VAR = 66,          // variables by name
};
#define KEY_DIE UINT64_MAX         // k1: a DIE offset
#define KEY_SHAPE (1ull << 48)     // k1: kind << 32 | target, k2: KEY_SHAPE | nelems

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * elem);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

#define GROW(c, arr, cnt, cap, need) \
	(grow((void **)&(c)->arr, &(c)->cap, (need), sizeof(*(c)->arr)) || ((c)->nomem = true, false))

static uint64_t hash_str(const char *s)
{
	return kd_hash64_str(s);
}

static void put(struct cv *c, uint64_t k1, uint64_t k2, const char *s, uint32_t v)
{
	if (!kd_dwarf_map_put(&c->map, k1, k2, s, v))
		c->nomem = true;
}

/* A new type id; the entry is zero (reserved) until filled. */
static uint32_t reserve(struct cv *c)
{
	if (!GROW(c, types, ntypes, tcap, c->ntypes + 1))
		return 0;
	memset(&c->types[c->ntypes], 0, sizeof(c->types[0]));
	return (uint32_t)c->ntypes++;
}

static uint32_t add_type(struct cv *c, struct ir_type t)
{
	uint32_t id = reserve(c);
	if (id)
		c->types[id] = t;
	return id;
}

/* n consecutive subs; returns the first. */
static size_t reserve_subs(struct cv *c, size_t n)
{
	if (!GROW(c, subs, nsubs, scap, c->nsubs + n))
		return SIZE_MAX;
	memset(&c->subs[c->nsubs], 0, n * sizeof(c->subs[0]));
	size_t first = c->nsubs;
	c->nsubs += n;
	return first;
}

static void queue(struct cv *c, uint32_t id, Dwarf_Off die)
{
	if (GROW(c, work, nwork, wcap, c->nwork + 1))
		c->work[c->nwork++] = (struct work){ id, die };
}

/* Pointers, qualifiers and arrays are shared when they have the same target. */
static uint32_t shaped(struct cv *c, uint8_t kind, uint32_t target, uint64_t nelems)
{
	uint64_t k1 = (uint64_t)kind << 32 | target, k2 = KEY_SHAPE | nelems;
	uint32_t *v = kd_dwarf_map_get(&c->map, k1, k2, NULL);
	if (v)
		return *v;
	uint32_t id = add_type(c, (struct ir_type){ .kind = kind, .type = target, .size = nelems });
	if (id)
		put(c, k1, k2, NULL, id);
	return id;
}

static uint8_t btf_kind_of_tag(int tag)
{
	switch (tag) {
	case DW_TAG_structure_type: return BTF_KIND_STRUCT;
	case DW_TAG_union_type: return BTF_KIND_UNION;
	case DW_TAG_enumeration_type: return BTF_KIND_ENUM;
	case DW_TAG_typedef: return BTF_KIND_TYPEDEF;
	default: return 0;
	}
}

static uint32_t conv(struct cv *c, Dwarf_Die *die);

static uint32_t type_of(struct cv *c, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return 0;
	return conv(c, &t);
}

static uint64_t udata(Dwarf_Die *die, unsigned int at, uint64_t dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	if (dwarf_attr(die, at, &a) && dwarf_formudata(&a, &w) == 0)
		return w;
	return dflt;
}

/* ---- struct, union, enum, function prototype ----------------------------------- */

static uint64_t member_bits(struct cv *c, Dwarf_Die *m, uint32_t *bit_size)
{
	Dwarf_Attribute a;
	uint64_t byte = 0;
	if (dwarf_attr(m, DW_AT_data_member_location, &a)) {
		Dwarf_Word w;
		Dwarf_Op *ops;
		size_t n;
		if (dwarf_whatform(&a) != DW_FORM_exprloc && dwarf_formudata(&a, &w) == 0)
			byte = w;
		else if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 && ops[0].atom == DW_OP_plus_uconst)
			byte = ops[0].number;
	}
	*bit_size = (uint32_t)udata(m, DW_AT_bit_size, 0);
	if (!*bit_size)
		return byte * 8;
	if (dwarf_hasattr(m, DW_AT_data_bit_offset))
		return udata(m, DW_AT_data_bit_offset, 0);
	// DWARF 2/3: DW_AT_bit_offset counts from the most significant bit of
	// a storage unit of DW_AT_byte_size (or the member type's size).
	uint64_t from_msb = udata(m, DW_AT_bit_offset, 0);
	if (c->big_endian)
		return byte * 8 + from_msb;
	int unit = dwarf_bytesize(m);
	if (unit <= 0) {
		Dwarf_Die t;
		Dwarf_Word sz;
		if (dwarf_attr_integrate(m, DW_AT_type, &a) && dwarf_formref_die(&a, &t) &&
		    dwarf_aggregate_size(&t, &sz) == 0)
			unit = (int)sz;
	}
	uint64_t bits = byte * 8 + (uint64_t)unit * 8;
	return bits >= from_msb + *bit_size ? bits - from_msb - *bit_size : byte * 8;
}

/* How many children of die have this tag. */
static size_t count_children(Dwarf_Die *die, int tag)
{
	Dwarf_Die ch;
	size_t n = 0;
	if (dwarf_child(die, &ch) == 0)
		do
			n += dwarf_tag(&ch) == tag;
		while (dwarf_siblingof(&ch, &ch) == 0);
	return n;
}

static void fill_composite(struct cv *c, uint32_t id, Dwarf_Die *die, uint8_t kind)
{
	Dwarf_Die ch;
	size_t n = count_children(die, DW_TAG_member);
	size_t first = reserve_subs(c, n);
	if (first == SIZE_MAX)
		return;
	size_t k = 0;
	if (n && dwarf_child(die, &ch) == 0)
		do {
			if (dwarf_tag(&ch) != DW_TAG_member || k >= n)
				continue;
			uint32_t bit_size;
			uint64_t bit_off = member_bits(c, &ch, &bit_size);
			uint32_t type = type_of(c, &ch);
			struct ir_sub *sub = &c->subs[first + k++];
			sub->name = dwarf_diename(&ch);
			sub->type = type;
			sub->bit_size = bit_size;
			sub->bit_off = kind == BTF_KIND_UNION && !bit_size ? 0 : bit_off;
		} while (dwarf_siblingof(&ch, &ch) == 0);
	int size = dwarf_bytesize(die);
	struct ir_type *t = &c->types[id];
	t->kind = kind;
	t->name = dwarf_diename(die);
	t->size = size > 0 ? (uint64_t)size : 0;
	t->first = (uint32_t)first;
	t->n = (uint32_t)k;
}

/* Whether an enum's underlying type (gcc records one) is signed. */
static int enum_signedness(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die t = *die;
	for (int i = 0; i < 8; i++) {
		if (!dwarf_attr_integrate(&t, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			return -1;
		if (dwarf_tag(&t) == DW_TAG_base_type) {
			Dwarf_Word enc = udata(&t, DW_AT_encoding, 0);
			return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		}
	}
	return -1;
}

static void fill_enum(struct cv *c, uint32_t id, Dwarf_Die *die)
{
	Dwarf_Die ch;
	size_t n = count_children(die, DW_TAG_enumerator);
	size_t first = reserve_subs(c, n);
	if (first == SIZE_MAX)
		return;
	int size = dwarf_bytesize(die);
	if (size <= 0)
		size = 4;
	int sign = enum_signedness(die);
	size_t k = 0;
	if (n && dwarf_child(die, &ch) == 0)
		do {
			Dwarf_Attribute a;
			if (dwarf_tag(&ch) != DW_TAG_enumerator || k >= n ||
			    !dwarf_attr(&ch, DW_AT_const_value, &a))
				continue;
			struct ir_sub *sub = &c->subs[first + k];
			unsigned int form = dwarf_whatform(&a);
			Dwarf_Sword sv;
			Dwarf_Word uv;
			if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
				if (dwarf_formsdata(&a, &sv) != 0)
					continue;
				sub->val = sv;
			} else {
				if (dwarf_formudata(&a, &uv) != 0)
					continue;
				// gcc writes 225 as data1 even in a signed enum: a
				// dataN is negative only when it is as wide as the enum.
				int bits = form == DW_FORM_data1 ? 8 : form == DW_FORM_data2 ? 16 :
					   form == DW_FORM_data4 ? 32 : 64;
				if (sign == 1 && bits == size * 8 && bits < 64 && (uv >> (bits - 1)) & 1)
					uv |= ~0ull << bits; // sign-extend a negative value
				sub->val = (int64_t)uv;
				sub->is_unsigned = sign != 1;
			}
			sub->name = dwarf_diename(&ch);
			if (sub->name)
				k++;
		} while (dwarf_siblingof(&ch, &ch) == 0);
	struct ir_type *t = &c->types[id];
	t->kind = BTF_KIND_ENUM;
	t->name = dwarf_diename(die);
	t->size = (uint64_t)size;
	t->first = (uint32_t)first;
	t->n = (uint32_t)k;
}

static void fill_proto(struct cv *c, uint32_t id, Dwarf_Die *die)
{
	Dwarf_Die ch;
	size_t n = 0;
	if (dwarf_child(die, &ch) == 0)
		do {
			int tag = dwarf_tag(&ch);
			n += tag == DW_TAG_formal_parameter || tag == DW_TAG_unspecified_parameters;
		} while (dwarf_siblingof(&ch, &ch) == 0);
	size_t first = reserve_subs(c, n);
	if (first == SIZE_MAX)
		return;
	uint32_t ret = type_of(c, die);
	size_t k = 0;
	if (n && dwarf_child(die, &ch) == 0)
		do {
			int tag = dwarf_tag(&ch);
			if (k >= n || (tag != DW_TAG_formal_parameter && tag != DW_TAG_unspecified_parameters))
				continue;
			uint32_t type = tag == DW_TAG_formal_parameter ? type_of(c, &ch) : 0;
			c->subs[first + k].type = type;
			c->subs[first + k].name = tag == DW_TAG_formal_parameter ? dwarf_diename(&ch) : NULL;
			k++;
		} while (dwarf_siblingof(&ch, &ch) == 0);
	struct ir_type *t = &c->types[id];
	t->kind = BTF_KIND_FUNC_PROTO;
	t->type = ret;
	t->first = (uint32_t)first;
	t->n = (uint32_t)k;
}

/* Fill a reserved id from its DIE: a struct, union, enum or typedef. */
static void fill(struct cv *c, uint32_t id, Dwarf_Die *die)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_structure_type:
		fill_composite(c, id, die, BTF_KIND_STRUCT);
		break;
	case DW_TAG_union_type:
		fill_composite(c, id, die, BTF_KIND_UNION);
		break;
	case DW_TAG_enumeration_type:
		fill_enum(c, id, die);
		break;
	case DW_TAG_typedef: {
		uint32_t target = type_of(c, die);
		c->types[id].kind = BTF_KIND_TYPEDEF;
		c->types[id].name = dwarf_diename(die);
		c->types[id].type = target;
		break;
	}
	case DW_TAG_subroutine_type:
		fill_proto(c, id, die);
		break;
	default:
		break;
	}
}

/* A reference to a named struct, union, enum or typedef. */
static uint32_t named_ref(struct cv *c, Dwarf_Die *die, int tag, const char *name)
{
	uint8_t kind = btf_kind_of_tag(tag);
	bool decl = dwarf_hasattr(die, DW_AT_declaration);
	int64_t size = tag == DW_TAG_typedef ? -1 : dwarf_bytesize(die);
	uint32_t *v = kd_dwarf_map_get(&c->map, hash_str(name), KEY_NAMED + kind, name);
	if (v) {
		struct named *e = &c->named[*v];
		if (decl || e->size == size) {
			if (!e->id) {
				e->id = reserve(c);
				queue(c, e->id, e->die);
			}
			return e->id;
		}
	} else if (decl) {
		uint64_t h = hash_str(name);
		uint32_t *f = kd_dwarf_map_get(&c->map, h, KEY_FWD + kind, name);
		if (f)
			return *f;
		uint32_t id = add_type(c, (struct ir_type){ .kind = BTF_KIND_FWD, .name = name,
							    .flag = tag == DW_TAG_union_type });
		if (kind == BTF_KIND_ENUM && id) // an enum declared only: an empty enum
			c->types[id] = (struct ir_type){ .kind = BTF_KIND_ENUM, .name = name, .size = 4 };
		if (id)
			put(c, h, KEY_FWD + kind, name, id);
		return id;
	}
	// Another definition of the name, or one inside a function.
	// (conv() records the DIE's id before the queue is drained.)
	uint32_t id = reserve(c);
	if (id)
		queue(c, id, dwarf_dieoffset(die));
	return id;
}

static uint32_t base_type(struct cv *c, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	if (!name)
		name = "?";
	uint64_t h = hash_str(name);
	uint32_t *v = kd_dwarf_map_get(&c->map, h, KEY_BASE, name);
	if (v)
		return *v;
	int size = dwarf_bytesize(die);
	Dwarf_Word enc = udata(die, DW_AT_encoding, DW_ATE_unsigned);
	struct ir_type t = { .kind = BTF_KIND_INT, .name = name, .size = size > 0 ? (uint64_t)size : 0 };
	switch (enc) {
	case DW_ATE_boolean:
		t.flag = BTF_INT_BOOL;
		break;
	case DW_ATE_signed:
		t.flag = BTF_INT_SIGNED;
		break;
	case DW_ATE_signed_char:
		t.flag = BTF_INT_SIGNED | BTF_INT_CHAR;
		break;
	case DW_ATE_unsigned_char:
		t.flag = BTF_INT_CHAR;
		break;
	case DW_ATE_float: case DW_ATE_complex_float: case DW_ATE_decimal_float:
		t.kind = BTF_KIND_FLOAT;
		break;
	default:
		break;
	}
	bool int_ok = t.size == 1 || t.size == 2 || t.size == 4 || t.size == 8 || t.size == 16;
	bool float_ok = int_ok && t.size != 1;
	if (t.kind == BTF_KIND_FLOAT && !float_ok && t.size != 12)
		t.kind = BTF_KIND_STRUCT; // no BTF kind for it: an opaque object of its size
	else if (t.kind == BTF_KIND_INT && !int_ok)
		t.kind = BTF_KIND_STRUCT;
	uint32_t id = add_type(c, t);
	if (id)
		put(c, h, KEY_BASE, name, id);
	return id;
}

static uint64_t subrange_len(Dwarf_Die *sr)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	if (dwarf_attr(sr, DW_AT_count, &a))
		return dwarf_formudata(&a, &w) == 0 && w <= UINT32_MAX ? w : 0;
	if (!dwarf_attr(sr, DW_AT_upper_bound, &a))
		return 0; // a flexible array
	unsigned int form = dwarf_whatform(&a);
	if (form == DW_FORM_exprloc || form == DW_FORM_ref4 || form == DW_FORM_ref_udata ||
	    form == DW_FORM_ref1 || form == DW_FORM_ref2 || form == DW_FORM_ref8)
		return 0; // variable length
	Dwarf_Sword hi;
	if (form == DW_FORM_sdata) {
		if (dwarf_formsdata(&a, &hi) != 0 || hi < 0)
			return 0;
	} else {
		if (dwarf_formudata(&a, &w) != 0)
			return 0;
		hi = (Dwarf_Sword)w;
		if (hi < 0)
			return 0; // -1: a zero-length array
	}
	Dwarf_Word lo = udata(sr, DW_AT_lower_bound, 0);
	if ((Dwarf_Word)hi + 1 < lo)
		return 0;
	uint64_t n = (Dwarf_Word)hi + 1 - lo;
	return n <= UINT32_MAX ? n : 0;
}

static uint32_t array_type(struct cv *c, Dwarf_Die *die)
{
	uint64_t dims[16];
	size_t nd = 0;
	Dwarf_Die ch;
	if (dwarf_child(die, &ch) == 0)
		do {
			int tag = dwarf_tag(&ch);
			if ((tag == DW_TAG_subrange_type || tag == DW_TAG_enumeration_type) &&
			    nd < sizeof(dims) / sizeof(dims[0]))
				dims[nd++] = subrange_len(&ch);
		} while (dwarf_siblingof(&ch, &ch) == 0);
	uint32_t id = type_of(c, die);
	if (!nd)
		dims[nd++] = 0;
	while (nd-- > 0 && id)
		id = shaped(c, BTF_KIND_ARRAY, id, dims[nd]);
	return id;
}

static uint32_t conv(struct cv *c, Dwarf_Die *die)
{
	if (c->nomem || c->depth >= MAX_DEPTH)
		return 0;
	Dwarf_Off off = dwarf_dieoffset(die);
	uint32_t *v = kd_dwarf_map_get(&c->map, off, KEY_DIE, NULL);
	if (v)
		return *v;
	int tag = dwarf_tag(die);
	uint32_t id = 0;
	c->depth++;
	switch (tag) {
	case DW_TAG_structure_type: case DW_TAG_union_type: case DW_TAG_enumeration_type:
	case DW_TAG_typedef: {
		const char *name = dwarf_diename(die);
		if (name) {
			id = named_ref(c, die, tag, name);
			break;
		}
		if (tag == DW_TAG_typedef)
			break;
		id = reserve(c);
		if (id) {
			put(c, off, KEY_DIE, NULL, id);
			fill(c, id, die);
		}
		c->depth--;
		return id;
	}
	case DW_TAG_subroutine_type:
		id = reserve(c);
		if (id) {
			put(c, off, KEY_DIE, NULL, id);
			fill(c, id, die);
		}
		c->depth--;
		return id;
	case DW_TAG_base_type:
		id = base_type(c, die);
		break;
	case DW_TAG_pointer_type: case DW_TAG_reference_type: case DW_TAG_rvalue_reference_type:
		id = shaped(c, BTF_KIND_PTR, type_of(c, die), 0);
		break;
	case DW_TAG_const_type:
		id = shaped(c, BTF_KIND_CONST, type_of(c, die), 0);
		break;
	case DW_TAG_volatile_type:
		id = shaped(c, BTF_KIND_VOLATILE, type_of(c, die), 0);
		break;
	case DW_TAG_restrict_type:
		id = shaped(c, BTF_KIND_RESTRICT, type_of(c, die), 0);
		break;
	case DW_TAG_atomic_type:
		id = type_of(c, die);
		break;
	case DW_TAG_array_type:
		id = array_type(c, die);
		break;
	default: // DW_TAG_unspecified_type and what C has no use for: void
		break;
	}
	c->depth--;
	if (!c->nomem)
		put(c, off, KEY_DIE, NULL, id);
	return id;
}

static void drain(struct cv *c)
{
	while (c->nwork && !c->nomem) {
		struct work w = c->work[--c->nwork];
		Dwarf_Die die;
		if (dwarf_offdie(c->dbg, w.die, &die))
			fill(c, w.id, &die);
	}
}

/* ---- the scan ---------------------------------------------------------------------- */

static bool var_address(Dwarf_Die *die, uint64_t *addr)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;
	if (!dwarf_attr(die, DW_AT_location, &a) || dwarf_getlocation(&a, &ops, &n) != 0 || n != 1 ||
	    ops[0].atom != DW_OP_addr)
		return false;
	*addr = ops[0].number;
	return true;
}

static void index_named(struct cv *c, const struct named *e)
{
	uint64_t h = hash_str(e->name);
	if (kd_dwarf_map_get(&c->map, h, KEY_NAMED + e->kind, e->name) ||
	    !GROW(c, named, nnamed, ncap, c->nnamed + 1))
		return;
	c->named[c->nnamed] = *e;
	put(c, h, KEY_NAMED + e->kind, e->name, (uint32_t)c->nnamed++);
}

static void scan_die(struct cv *c, Dwarf_Die *die, bool local)
{
	int tag = dwarf_tag(die);
	uint8_t kind = btf_kind_of_tag(tag);
	if (kind) {
		const char *name = dwarf_diename(die);
		if (!name) {
			Dwarf_Die ch;
			if (local || tag != DW_TAG_enumeration_type || dwarf_child(die, &ch) != 0 ||
			    !(name = dwarf_diename(&ch)))
				return;
			uint64_t h = hash_str(name);
			if (kd_dwarf_map_get(&c->map, h, KEY_ANON_ENUM, name))
				return;
			put(c, h, KEY_ANON_ENUM, name, 0);
			if (GROW(c, anon_enums, nanon, acap, c->nanon + 1))
				c->anon_enums[c->nanon++] = dwarf_dieoffset(die);
			return;
		}
		if (dwarf_hasattr(die, DW_AT_declaration))
			return;
		struct named e = {
			.name = name, .die = dwarf_dieoffset(die), .kind = kind,
			.size = tag == DW_TAG_typedef ? -1 : dwarf_bytesize(die),
		};
		if (local) {
			if (GROW(c, locals, nlocals, lcap, c->nlocals + 1))
				c->locals[c->nlocals++] = e;
		} else {
			index_named(c, &e);
		}
	} else if (tag == DW_TAG_subprogram && !local) {
		// Types defined in a function (struct sun_disklabel...): indexed
		// after the scan when no unit defines the name at its top level.
		Dwarf_Die ch;
		if (dwarf_child(die, &ch) == 0)
			do
				scan_die(c, &ch, true);
			while (dwarf_siblingof(&ch, &ch) == 0);
	} else if (tag == DW_TAG_variable && !local) {
		uint64_t addr;
		const char *name = dwarf_diename(die);
		if (!name || !var_address(die, &addr))
			return;
		uint64_t h = hash_str(name);
		if (kd_dwarf_map_get(&c->map, h, KEY_VAR, name))
			return;
		put(c, h, KEY_VAR, name, 0);
		if (GROW(c, vars, nvars, vcap, c->nvars + 1))
			c->vars[c->nvars++] = (struct var){ name, dwarf_dieoffset(die), addr };
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void cv_free(struct cv *c)
{
	free(c->types);
	free(c->subs);
	free(c->map.e);
	free(c->named);
	free(c->locals);
	free(c->work);
	free(c->anon_enums);
	free(c->vars);
}

static struct kd_error *convert(struct cv *c, const char *path, struct btf **ret,
				struct kd_dwarf_stats *st)
{
	GElf_Ehdr eh;
	Elf *elf = dwarf_getelf(c->dbg);
	c->big_endian = elf && gelf_getehdr(elf, &eh) && eh.e_ident[EI_DATA] == ELFDATA2MSB;
	c->ntypes = 1; // void
	if (!GROW(c, types, ntypes, tcap, 1))
		return &kd_enomem;
	memset(c->types, 0, sizeof(c->types[0]));
	c->index_type = add_type(c, (struct ir_type){ .kind = BTF_KIND_INT, .name = "__ARRAY_SIZE_TYPE__",
						      .size = 4 });

	Dwarf_Off off = 0, next;
	size_t hsize;
	while (!c->nomem && dwarf_next_unit(c->dbg, off, &next, &hsize, NULL, NULL, NULL, NULL, NULL,
					    NULL) == 0) {
		Dwarf_Die cu, die;
		st->units++;
		if (dwarf_offdie(c->dbg, off + hsize, &cu) && dwarf_child(&cu, &die) == 0)
			do {
				st->top_dies++;
				scan_die(c, &die, false);
			} while (dwarf_siblingof(&die, &die) == 0);
		off = next;
	}
	for (size_t i = 0; i < c->nlocals; i++)
		index_named(c, &c->locals[i]);
	if (!st->units)
		return kd_error_create(KD_ERR_USAGE, "'%s' has no DWARF (.debug_info)", path);

	for (size_t i = 0; i < c->nnamed && !c->nomem; i++) {
		struct named *e = &c->named[i];
		if (!e->id) {
			e->id = reserve(c);
			queue(c, e->id, e->die);
		}
		drain(c);
	}
	for (size_t i = 0; i < c->nanon && !c->nomem; i++) {
		Dwarf_Die die;
		if (dwarf_offdie(c->dbg, c->anon_enums[i], &die))
			conv(c, &die);
		drain(c);
	}
	// The variables take consecutive ids (emit_percpu counts on it); the
	// types met through them come after.
	uint32_t first_var = (uint32_t)c->ntypes;
	for (size_t i = 0; i < c->nvars && !c->nomem; i++)
		reserve(c);
	for (size_t i = 0; i < c->nvars && !c->nomem; i++) {
		Dwarf_Die die;
		uint32_t type = 0;
		if (dwarf_offdie(c->dbg, c->vars[i].die, &die))
			type = type_of(c, &die);
		c->types[first_var + i] = (struct ir_type){ .kind = BTF_KIND_VAR, .name = c->vars[i].name,
							    .type = type, .addr = c->vars[i].addr };
		drain(c);
	}
	if (c->nomem)
		return &kd_enomem;

	struct kd_dwarf_ir ir = {
		.types = c->types, .ntypes = c->ntypes, .subs = c->subs, .index_type = c->index_type,
		.first_var = first_var, .nvars = c->nvars,
	};
	struct btf *btf;
	struct kd_error *err = kd_dwarf_emit_btf(&ir, dwarf_getelf(c->dbg), &btf);
	if (err)
		return err;
	st->types = c->ntypes - 1;
	st->vars = c->nvars;
	*ret = btf;
	return NULL;
}

struct kd_error *kd_dwarf_to_btf(const char *path, struct btf **ret, struct kd_dwarf_stats *st)
{
	double t0 = now();
	memset(st, 0, sizeof(*st));
	const char *why = dw_open();
	if (why)
		return kd_error_create(KD_ERR_UNSUPPORTED, "no DWARF types: %s", why);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kd_error_create(KD_ERR_USAGE, "cannot open '%s': %s", path, strerror(errno));
	Dwarf *dbg = dwarf_begin(fd, DWARF_C_READ);
	if (!dbg) {
		close(fd);
		return kd_error_create(KD_ERR_USAGE, "'%s' has no DWARF: %s", path, dwarf_errmsg(-1));
	}
	struct cv c = { .dbg = dbg };
	struct kd_error *err = convert(&c, path, ret, st);
	cv_free(&c);
	dwarf_end(dbg);
	close(fd);
	st->seconds = now() - t0;
	return err;
}

#else /* !(HAVE_LIBDW && HAVE_LIBBPF) */

struct kd_error *kd_dwarf_to_btf(const char *path, struct btf **ret, struct kd_dwarf_stats *st)
{
	(void)path;
	(void)ret;
	memset(st, 0, sizeof(*st));
#ifndef HAVE_LIBDW
	return kd_error_create(KD_ERR_UNSUPPORTED, "kdive was built without libdw: no DWARF types");
#else
	return kd_error_create(KD_ERR_UNSUPPORTED, "kdive was built without libbpf: no types");
#endif
}

#endif
