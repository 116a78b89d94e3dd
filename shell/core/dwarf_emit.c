// SPDX-License-Identifier: GPL-3.0-or-later
// The second half of the DWARF conversion: the types the reader (dwarf.c)
// made, already numbered in BTF id order so that forward references are
// plain ids, written with libbpf's BTF writer; then the per-cpu variables as
// a .data..percpu DATASEC, as pahole makes it, so that kd_symbol_is_percpu
// and kd_symbol_type work on DWARF types as on the kernel's BTF.
#include "config.h"

#if defined(HAVE_LIBDW) && defined(HAVE_LIBBPF)

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "dwarf_ir.h"

static int emit_one(const struct kd_dwarf_ir *ir, struct btf *btf, const struct ir_type *t)
{
	const struct ir_sub *sub = ir->subs ? &ir->subs[t->first] : NULL;
	int r;
	switch (t->kind) {
	case BTF_KIND_INT:
		return btf__add_int(btf, t->name, t->size, t->flag);
	case BTF_KIND_FLOAT:
		return btf__add_float(btf, t->name, t->size);
	case BTF_KIND_PTR:
		return btf__add_ptr(btf, (int)t->type);
	case BTF_KIND_ARRAY:
		return btf__add_array(btf, (int)ir->index_type, (int)t->type, (uint32_t)t->size);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		r = t->kind == BTF_KIND_STRUCT ? btf__add_struct(btf, t->name, (uint32_t)t->size) :
						 btf__add_union(btf, t->name, (uint32_t)t->size);
		for (uint32_t i = 0; r > 0 && i < t->n; i++) {
			uint32_t bits = sub[i].bit_size;
			uint64_t off = sub[i].bit_off;
			if ((bits || off % 8) && (off > 0xffffff || bits > 255 || !bits)) {
				bits = 0; // beyond what a BTF bitfield encodes: its byte
				off &= ~7ull;
			}
			if (off > UINT32_MAX)
				off = 0;
			int e = btf__add_field(btf, sub[i].name, (int)sub[i].type, (uint32_t)off, bits);
			if (e < 0)
				return e;
		}
		return r;
	case BTF_KIND_ENUM: {
		bool wide = t->size > 4;
		for (uint32_t i = 0; i < t->n; i++)
			if (sub[i].is_unsigned ? (uint64_t)sub[i].val > UINT32_MAX :
						 sub[i].val < INT32_MIN || sub[i].val > UINT32_MAX)
				wide = true;
		bool is_signed = false;
		for (uint32_t i = 0; i < t->n; i++)
			is_signed |= !sub[i].is_unsigned && sub[i].val < 0;
		r = wide ? btf__add_enum64(btf, t->name, (uint32_t)t->size, is_signed) :
			   btf__add_enum(btf, t->name, (uint32_t)t->size);
		for (uint32_t i = 0; r > 0 && i < t->n; i++) {
			int e = wide ? btf__add_enum64_value(btf, sub[i].name, (uint64_t)sub[i].val) :
				       btf__add_enum_value(btf, sub[i].name, sub[i].val);
			if (e < 0)
				return e;
		}
		return r;
	}
	case BTF_KIND_FWD:
		return btf__add_fwd(btf, t->name, t->flag ? BTF_FWD_UNION : BTF_FWD_STRUCT);
	case BTF_KIND_TYPEDEF:
		return btf__add_typedef(btf, t->name, (int)t->type);
	case BTF_KIND_CONST:
		return btf__add_const(btf, (int)t->type);
	case BTF_KIND_VOLATILE:
		return btf__add_volatile(btf, (int)t->type);
	case BTF_KIND_RESTRICT:
		return btf__add_restrict(btf, (int)t->type);
	case BTF_KIND_FUNC_PROTO:
		r = btf__add_func_proto(btf, (int)t->type);
		for (uint32_t i = 0; r > 0 && i < t->n; i++) {
			int e = btf__add_func_param(btf, sub[i].name, (int)sub[i].type);
			if (e < 0)
				return e;
		}
		return r;
	case BTF_KIND_VAR:
		return btf__add_var(btf, t->name, BTF_VAR_GLOBAL_ALLOCATED, (int)t->type);
	default: // reserved and never filled (a DIE that did not read): an empty struct
		return btf__add_struct(btf, NULL, 0);
	}
}

struct secinfo {
	uint32_t var;
	uint64_t off;
};

static int cmp_secinfo(const void *a, const void *b)
{
	const struct secinfo *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The per-cpu variables as a .data..percpu DATASEC, as pahole makes it. */
static int emit_percpu(const struct kd_dwarf_ir *ir, struct btf *btf, Elf *elf)
{
	size_t shstrndx;
	if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return 0;
	GElf_Shdr sh = { 0 };
	bool found = false;
	for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn && !found; scn = elf_nextscn(elf, scn)) {
		const char *n;
		found = gelf_getshdr(scn, &sh) && (n = elf_strptr(elf, shstrndx, sh.sh_name)) &&
			strcmp(n, ".data..percpu") == 0;
	}
	if (!found)
		return 0;
	struct secinfo *si = calloc(ir->nvars ? ir->nvars : 1, sizeof(*si));
	if (!si)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < ir->nvars; i++) {
		uint32_t var = ir->first_var + (uint32_t)i;
		uint64_t addr = ir->types[var].addr;
		if (addr >= sh.sh_addr && addr - sh.sh_addr < sh.sh_size)
			si[n++] = (struct secinfo){ var, addr - sh.sh_addr };
	}
	qsort(si, n, sizeof(*si), cmp_secinfo);
	int r = btf__add_datasec(btf, ".data..percpu", (uint32_t)sh.sh_size);
	for (size_t i = 0; r > 0 && i < n; i++) {
		int64_t sz = btf__resolve_size(btf, btf__type_by_id(btf, si[i].var)->type);
		int e = btf__add_datasec_var_info(btf, (int)si[i].var, (uint32_t)si[i].off,
						  sz > 0 ? (uint32_t)sz : 0);
		if (e < 0)
			r = e;
	}
	free(si);
	return r < 0 ? r : 0;
}

struct kd_error *kd_dwarf_emit_btf(const struct kd_dwarf_ir *ir, Elf *elf, struct btf **ret)
{
	struct btf *btf = btf__new_empty();
	if (!btf)
		return &kd_enomem;
	for (size_t id = 1; id < ir->ntypes; id++) {
		int r = emit_one(ir, btf, &ir->types[id]);
		if (r != (int)id) {
			const char *name = ir->types[id].name;
			btf__free(btf);
			return kd_error_create(KD_ERR_CORRUPT, "converting DWARF type %zu (%s, kind %u) to BTF: %s",
					       id, name ? name : "anonymous", ir->types[id].kind,
					       r < 0 ? strerror(-r) : "unexpected id");
		}
	}
	int r = emit_percpu(ir, btf, elf);
	if (r < 0) {
		btf__free(btf);
		return kd_error_create(KD_ERR_CORRUPT, "the per-cpu DATASEC: %s", strerror(-r));
	}
	*ret = btf;
	return NULL;
}

#endif
