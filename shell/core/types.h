/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The type layer's private parts, shared by the files that implement
 * <kdive/types.h>, one concept each:
 *   types_load.c    where the BTF comes from (the dump's memory, --btf, a
 *                   vmlinux's .BTF, its DWARF through dwarf.c), the check
 *                   against VMCOREINFO, kd_types_load() and kd_types_unload()
 *                   (declared in session_priv.h);
 *   types_index.c   the name and enumerator indexes, lookups by name, C type
 *                   text ("struct x *", "char []"), synthetic arrays,
 *                   kd_type_find/get/strip/size/complete;
 *   types_decl.c    C declarations and type names (kd_type_name);
 *   types_member.c  member paths, enumerators and typed reads;
 *   types_var.c     the types of global variables and the well-known table.
 * Without libbpf each file defines its public functions as stubs that say so.
 */
#ifndef KD_CORE_TYPES_H
#define KD_CORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>
#include <kdive/types.h>

#include "index_cache.h"

struct kd_session;

/*
 * A well-known global variable whose type BTF does not record: its C type
 * as text ("struct task_struct", "unsigned long", "char []") (types_var.c).
 */
const char *kd_types_well_known(const char *symbol);

/* ---- types_split.c ---- */

/*
 * Merge a module's split BTF (over the kernel's: a .ko's .BTF section or the
 * copy the kernel keeps) into the session's types; the kernel's ids do not
 * change.  what names it in errors; *added_ret (may be NULL) counts the types.
 * The lookups see the new types after kd_types_split_done(), which rebuilds
 * the indexes once for a run of merges.
 */
struct kd_error *kd_types_add_split(struct kd_session *s, const void *data, size_t size, const char *what,
				    uint32_t *added_ret);
struct kd_error *kd_types_split_done(struct kd_session *s);
void kd_types_split_free(struct kd_types *t);
bool kd_types_index_more(struct kd_types *t, uint32_t from);

#ifdef HAVE_LIBBPF

#include <bpf/btf.h>

/*
 * An array type BTF does not have (linux_banner's char [N]): ids after
 * BTF's own (types_index.c makes them).
 */
struct synth_array {
	uint32_t elem;
	uint64_t nelems;
};

/*
 * Synthetic ids start past any BTF id (BTF_MAX_TYPE is 0xfffff), so that
 * modules' types merged in later (types_split.c) never meet them.
 */
enum { KD_TYPES_SYNTH_BASE = 0x100000 };

struct kd_types {
	struct btf *btf;
	struct btf *base;       // the kernel's own BTF once modules' types are merged (btf is then split on it)
	bool stale;             // types merged since the indexes were built (kd_types_split_done)
	struct kd_split_raw *split; // the modules' types and strings merged so far, raw (types_split.c)
	uint32_t nids;          // btf__type_cnt(): ids 1..nids-1 are BTF's
	uint32_t *names;        // hash of named types: id, 0 empty
	size_t ncap;
	uint64_t *enumerators;  // hash of enumerators: id << 32 | index + 1, 0 empty
	size_t ecap;
	struct kd_index_map names_map, enum_map; // set: the table lies in a mapped cache file
	uint32_t percpu_sec;    // the .data..percpu DATASEC, 0 none, UINT32_MAX not looked up
	struct synth_array *synth; // ids nids + i
	size_t nsynth;
	const char **sorted;    // names of structs, unions, enums, typedefs; NULL until completion
	size_t nsorted;
	struct kd_type_info *described; // kd_types_describe()'s last answers, by id % DESCRIBED; NULL until used
	struct kd_session *cache_session; // the dump's own BTF: its indexes go through the index cache
	uint64_t btf_sum;       // then: the checksum of its bytes
};

/* A mask of BTF kinds for kd_types_lookup(). */
#define K(k) (1u << (k))

/* A name from the string section; "" for an offset outside it (corrupted BTF). */
static inline const char *str_at(const struct kd_types *t, uint32_t off)
{
	const char *n = btf__name_by_offset(t->btf, off);
	return n ? n : "";
}

static inline const char *tname(const struct kd_types *t, const struct btf_type *bt)
{
	return str_at(t, bt->name_off);
}

static inline const struct btf_type *bt_of(const struct kd_types *t, uint32_t id)
{
	return id < t->nids ? btf__type_by_id(t->btf, id) : NULL;
}

/*
 * A synthetic array type (ids after BTF's own), or NULL.  libbpf does not
 * check every type reference, so a corrupted BTF may name an id past its
 * last type: that is no type at all (void), not a synthetic one.
 */
static inline const struct synth_array *synth_of(const struct kd_types *t, uint32_t id)
{
	return id >= KD_TYPES_SYNTH_BASE && id - KD_TYPES_SYNTH_BASE < t->nsynth ? &t->synth[id - KD_TYPES_SYNTH_BASE]
										    : NULL;
}

/* ---- types_load.c ---- */

/* The error of a lookup before the types are loaded (or when none were found). */
struct kd_error *kd_types_none(const struct kd_session *s);

/* ---- types_index.c ---- */

/* Build the index of named types (once, when the types are loaded). */
struct kd_error *kd_types_index_names(struct kd_types *t);
/* The same for the dump's own BTF, through the per-build index cache. */
struct kd_error *kd_types_index_names_cached(struct kd_session *s, struct kd_types *t);
/*
 * Before t->btf changes (module BTF merged): take the dump's own BTF's
 * enumerator index from the cache (or build and keep it), then stop using the
 * cache for t: what is indexed after is no longer the dump's BTF alone.
 */
struct kd_error *kd_types_cache_detach(struct kd_types *t);
/* The first type named name whose kind is accepted by want (a bit per kind: K()), or 0. */
uint32_t kd_types_lookup(const struct kd_types *t, const char *name, uint32_t want);
/* An enumerator of any enum by name; the index is built on first use. */
struct kd_error *kd_types_enumerator(struct kd_types *t, const char *name, int64_t *value_ret);
/* The k-th enumerator of enum bt (BTF_KIND_ENUM or ENUM64). */
void kd_types_enum_entry(const struct kd_types *t, const struct btf_type *bt, uint32_t k,
			 const char **name, int64_t *val);
/*
 * A type written in C: a name, then "*"s, then one "[]" or "[N]"; "[]" takes
 * its length from array_len.  0 if BTF lacks it.
 */
uint32_t kd_types_parse_c(struct kd_types *t, const char *text, uint64_t array_len);
/* kd_type_get() without the checks: any id, an unknown one is void. */
void kd_types_describe(const struct kd_types *t, uint32_t id, struct kd_type_info *r);
/* A type's size in bytes (0 for void, functions and unknown ids). */
uint64_t kd_types_sizeof(const struct kd_types *t, uint32_t id);
/* kd_type_strip() on the layer. */
uint32_t kd_types_strip(const struct kd_types *t, uint32_t id);

#else /* !HAVE_LIBBPF */

/* The error every lookup returns (types_load.c). */
struct kd_error *kd_types_no_libbpf(void);

#endif

#endif
