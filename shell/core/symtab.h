/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The symbol table's storage (symtab.c) as its sources see it: the kallsyms
 * tables in the dump (kallsyms.c, read by symtab.c), System.map and vmlinux
 * files (symfile.c) and the loaded modules (kmodules.c, a layer above both
 * symbols and types).  A source adds names and addresses; a module is an
 * "image" (name, base, size) its symbols are tagged with.  The public API is
 * <kdive/symbols.h>.
 */
#ifndef KD_CORE_SYMTAB_H
#define KD_CORE_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>
#include <kdive/symbols.h>

#include "kallsyms.h" // the decoder of its first source (derive.c reads it through here)

struct kd_session;
struct kd_symtab;

/* ---- storage (symtab.c) --------------------------------------------------- */

struct kd_symtab *kd_symtab_create(void);
void kd_symtab_destroy(struct kd_symtab *t);
/* Room for n more symbols, so that a known count costs no regrowth. */
struct kd_error *kd_symtab_reserve(struct kd_symtab *t, size_t n);
/*
 * Add a symbol (name[0..len), not NUL-terminated).  size 0 is unknown; image
 * 0 is the core kernel, else an id from kd_symtab_add_image().
 */
struct kd_error *kd_symtab_add(struct kd_symtab *t, const char *name, size_t len, char type,
			       uint64_t addr, uint64_t size, uint32_t image);
/*
 * Add every named symbol of a decoded kallsyms table, taking its text over
 * (the names are used in place; the text must have 8 readable bytes past
 * start[n]); k is left empty.
 */
struct kd_error *kd_symtab_add_kallsyms(struct kd_symtab *t, struct kd_kallsyms_table *k);
/* Fill k->hash with the table's name hashes (what the index cache keeps). */
struct kd_error *kd_symtab_hash_names(struct kd_kallsyms_table *k);
/*
 * A module's image: its symbols are tagged with its name, and an address
 * resolves to them only inside [base, base + size) when size is known, or
 * inside one of the ranges kd_symtab_add_image_range() adds (Linux 6.4+
 * places a module's text, rodata and data apart: struct module's mem[]).
 */
struct kd_error *kd_symtab_add_image(struct kd_symtab *t, const char *name, uint64_t base,
				     uint64_t size, uint32_t *id_ret);
struct kd_error *kd_symtab_add_image_range(struct kd_symtab *t, uint32_t id, uint64_t base,
					   uint64_t size);
/*
 * Where symbols come from ("kallsyms", "System.map", "VMCOREINFO", ...):
 * kd_symtab_origin() interns a description and returns its id, and
 * kd_symtab_set_origin() tags the symbols added after it with one.
 */
uint8_t kd_symtab_origin(struct kd_symtab *t, const char *desc);
void kd_symtab_set_origin(struct kd_symtab *t, uint8_t origin);
/* The origin of the symbol name at addr, NULL if there is none. */
const char *kd_symtab_origin_of(const struct kd_symtab *t, const char *name, uint64_t addr);
/* ---- data symbols without KALLSYMS_ALL (datasyms.c) ----------------------- */
/* Mark t as lacking data symbols (the typed stage then runs), and ask. */
void kd_symtab_set_fallback(struct kd_symtab *t);
bool kd_symtab_fallback(const struct kd_symtab *t);
/* From VMCOREINFO and validated scans of the image: the names t lacks. */
void kd_datasyms_early(struct kd_session *s, struct kd_symtab *t);
/* Once types are loaded: init_task, per-cpu variables, references in code. */
void kd_datasyms_typed(struct kd_session *s);
/* Number of symbols added so far. */
size_t kd_symtab_count(const struct kd_symtab *t);
/* The i-th symbol in insertion order (i < kd_symtab_count()). */
void kd_symtab_get(const struct kd_symtab *t, size_t i, struct kd_symbol *ret);
/* Give the i-th symbol a size, if it has none. */
void kd_symtab_set_size(struct kd_symtab *t, size_t i, uint64_t size);
/* The first symbol of that name, in insertion order. */
bool kd_symtab_find(const struct kd_symtab *t, const char *name, struct kd_symbol *ret);
/*
 * True if a symbol of that name is at addr; then a size it lacks becomes
 * size (how a file's sizes reach the kallsyms entries).
 */
bool kd_symtab_has_at(struct kd_symtab *t, const char *name, uint64_t addr, uint64_t size);
/* Bring the address index up to date with the symbols added (lookups do it too). */
struct kd_error *kd_symtab_index(struct kd_symtab *t);
/* Every symbol of one image in address order; fn returns non-zero to stop. */
struct kd_error *kd_symtab_foreach_image(struct kd_symtab *t, uint32_t image, kd_symbol_fn *fn,
					 void *arg);

/* Where kernel addresses start: relocatable symbols are above. */
#define KD_SYMTAB_KERNEL_HALF 0xffff000000000000ull

/* SYMBOL(name) from VMCOREINFO, 0 when absent or unreadable. */
uint64_t kd_symtab_vmci_symbol(struct kd_session *s, const char *name);

/* True for the types the kernel marks absolute (A, a). */
static inline bool kd_symtab_type_absolute(char type)
{
	return type == 'A' || type == 'a';
}

/* ---- System.map and vmlinux (symfile.c) ----------------------------------- */

/*
 * Read a file's symbols (kind "System.map" or "vmlinux"), refuse it when it
 * belongs to another build, and merge the symbols t lacks, shifted by the
 * KASLR offset.  Errors are KD_ERR_USAGE (a file on the command line that
 * cannot be used) or kd_enomem.
 */
struct kd_error *kd_symfile_load(struct kd_session *s, struct kd_symtab *t, const char *path,
				 const char *kind);

/* ---- for the other layers ------------------------------------------------ */

/*
 * Address and extent of the first symbol of that name: its size when a
 * source gave one (*exact_ret true), else the distance to the next symbol
 * at a higher address, an upper bound (0 if it is the last).
 */
bool kd_symtab_extent(struct kd_session *s, const char *name, uint64_t *addr_ret,
		      uint64_t *size_ret, bool *exact_ret);

/* A loaded module by name for kmodfile.c: its record (writable) and its symbols' image; NULL if none. */
struct kd_kmodule *kd_kmodules_find(struct kd_session *s, const char *name, uint32_t *image_ret);

/* Free the module list (kmodules.c); kd_symbols_unload() calls it first. */
void kd_kmodules_unload(struct kd_session *s);

#endif
