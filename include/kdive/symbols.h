/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file symbols.h
 * The session's symbol table: the kernel's own kallsyms tables read from the
 * dump, merged with a System.map (--system-map) or a vmlinux's .symtab
 * (--vmlinux) when given (shifted by KERNELOFFSET), and, once
 * kd_kmodules_load() ran, the symbols of the loaded modules.  Lookups never
 * load anything: a lookup before kd_kmodules_load() sees the core kernel only.
 *
 * Names returned by these functions stay valid for the session's lifetime.
 */
#ifndef KDIVE_SYMBOLS_H
#define KDIVE_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** One symbol. */
struct kd_symbol {
	const char *name;
	uint64_t address;
	uint64_t size;      /**< bytes when a source says (vmlinux, module), else 0 */
	char type;          /**< nm letter as the kernel stores it: T t D d B b R r A W V ... */
	const char *module; /**< the module's name, NULL for the core kernel */
};

/**
 * Load the symbol table (kallsyms in the dump, plus --system-map and
 * --vmlinux) if that was not tried yet.  The dispatcher calls it for a
 * command that declares KD_CMD_NEEDS_SYMBOLS or KD_CMD_USES_SYMBOLS; a
 * command that needs symbols on one path only (log -T) calls it there.
 * The first failure is kept and returned again (as a copy to destroy) on
 * every call.
 */
KD_API struct kd_error *kd_symbols_load(struct kd_session *s);
/** True when the symbol table is loaded (never loads it). */
KD_API bool kd_symbols_available(const struct kd_session *s);

/**
 * The address of a symbol (the first one of that name: core kernel before
 * modules, as /proc/kallsyms lists them).  KD_ERR_NOTFOUND names the symbol.
 * kd_parse_address() also loads the modules when a name is not in the core.
 */
KD_API struct kd_error *kd_symbol_address(struct kd_session *s, const char *name, uint64_t *addr_ret);
/** Like kd_symbol_address() with the whole entry. */
KD_API struct kd_error *kd_symbol_find(struct kd_session *s, const char *name, struct kd_symbol *ret);

/**
 * The symbol containing an address: the closest one at or below it within
 * the kernel image or a loaded module, and the offset from it (offset_ret may
 * be NULL).  Of several symbols at one address the kernel's preferred one
 * (the first in kallsyms order).  Absolute symbols (per-cpu offsets) match
 * only exactly.  KD_ERR_NOTFOUND when the address is in no known image.
 */
KD_API struct kd_error *kd_symbol_at(struct kd_session *s, uint64_t addr, struct kd_symbol *ret,
				     uint64_t *offset_ret);

/**
 * Where a symbol came from: "kallsyms", "System.map", "vmlinux", "module
 * kallsyms", or for a data symbol a kernel without KALLSYMS_ALL lacks,
 * "VMCOREINFO", "scan: ...", "code: ...", "BTF ...".  NULL if sym is not
 * in the table.
 */
KD_API const char *kd_symbol_origin(struct kd_session *s, const struct kd_symbol *sym);
/** Called for each symbol; return non-zero to stop. */
typedef int kd_symbol_fn(const struct kd_symbol *sym, void *arg);

/** Which symbols kd_symbol_foreach() visits. */
enum kd_symbol_set {
	KD_SYM_CORE = 1 << 0,    /**< the core kernel */
	KD_SYM_MODULES = 1 << 1, /**< loaded modules (after kd_kmodules_load()) */
	KD_SYM_ALL = KD_SYM_CORE | KD_SYM_MODULES,
};

/**
 * Every symbol of the set in address order.  With KD_SYM_MODULES, the error
 * of kd_kmodules_load() (or that it did not run) is returned after the
 * symbols were visited.
 */
KD_API struct kd_error *kd_symbol_foreach(struct kd_session *s, unsigned set, kd_symbol_fn *fn,
					  void *arg);
/** Every symbol with exactly this name (static functions may share one). */
KD_API struct kd_error *kd_symbol_foreach_named(struct kd_session *s, const char *name,
						kd_symbol_fn *fn, void *arg);
/**
 * Completion: each distinct name starting with prefix, in byte order (the
 * first symbol of each name is passed).  The name index is built on the first
 * call; after that a search costs a binary search plus the matches.
 */
KD_API struct kd_error *kd_symbol_complete(struct kd_session *s, const char *prefix,
					   kd_symbol_fn *fn, void *arg);

/* ---- loaded kernel modules (shell/core/kmodules.c) ---------------------- */

/** A loaded kernel module, as read from the dump's `modules` list. */
struct kd_kmodule {
	const char *name;
	uint64_t address;  /**< struct module */
	uint64_t base;     /**< start of its core text (0 if unknown) */
	uint64_t size;     /**< bytes of its core image, as /proc/modules (0 if unknown);
			      from 6.4 the sum of its mem[] regions, placed apart */
	size_t nsyms;
	const char *object_file; /**< the .ko kd_kmodule_load_file() read, NULL before */
	uint32_t btf_types;      /**< its types merged into the session's (0: none) */
	const char *btf_from;    /**< where they came from: "memory", the .ko's path, NULL */
};

/**
 * Read the loaded modules and their symbols from the dump (the `modules`
 * list through BTF) if that was not tried yet; loads the symbols and types
 * first.  Commands do not call it: the dispatcher does for a command that
 * declares KD_CMD_USES_MODULES.  What was read before a failure is kept; the
 * error is kept too and returned again (as a copy to destroy) on every call.
 */
KD_API struct kd_error *kd_kmodules_load(struct kd_session *s);
/** Number of modules read by kd_kmodules_load() (0 before it). */
KD_API size_t kd_kmodule_count(const struct kd_session *s);
/** The i-th module in list order, or NULL. */
KD_API const struct kd_kmodule *kd_kmodule_get(const struct kd_session *s, size_t i);
/**
 * Every symbol of one module in address order.  For a module that was not
 * read: the error of kd_kmodules_load() if it failed, else KD_ERR_NOTFOUND.
 */
KD_API struct kd_error *kd_symbol_foreach_module(struct kd_session *s, const char *module,
						 kd_symbol_fn *fn, void *arg);

/**
 * The GNU build ID a module keeps in memory for /sys/module/NAME/notes (its
 * .note.gnu.build-id), as hex into buf (at least 129 bytes).  KD_ERR_NOTFOUND
 * when the kernel keeps no such note for it.
 */
KD_API struct kd_error *kd_kmodule_build_id(struct kd_session *s, const struct kd_kmodule *km, char *buf,
					    size_t size);

/** What kd_kmodule_load_file() read and checked. */
struct kd_kmodule_file {
	char build_id[129];   /**< the file's GNU build ID in hex, "" if it has none */
	bool build_id_match;  /**< equal to the one the module keeps in memory */
	bool build_id_memory; /**< the dump keeps one for the module (else the symbols decided) */
	size_t sections;      /**< its sections placed at the dump's addresses */
	size_t added;         /**< symbols kallsyms lacked, added */
	size_t agree;         /**< symbols kallsyms has at the same address */
	size_t disagree;      /**< symbols kallsyms has at another address */
	uint32_t btf_types;   /**< types merged from its .BTF (0 when memory gave them) */
	bool already;         /**< the module's symbols came from this file before: nothing done */
};

/**
 * Load a module's object file (.ko, or .ko.xz/.zst/.gz): its ELF symbols,
 * placed at the addresses the dump gives its sections (struct module's
 * sect_attrs, what /sys/module/NAME/sections shows; .init sections, freed
 * once the module runs, are left out), join the symbol table with their
 * sizes, and its .BTF section's split BTF joins the types unless the
 * kernel's own copy was merged already (kd_kmodules_load() does that).  The
 * file must be that module's: its build ID must equal the one in memory,
 * or, when the dump keeps none, the symbols kallsyms also has must sit at
 * the same addresses (KD_ERR_UNSUPPORTED otherwise, and nothing is loaded).
 */
KD_API struct kd_error *kd_kmodule_load_file(struct kd_session *s, const char *module, const char *path,
					     struct kd_kmodule_file *ret);

/** The per-cpu offset of a CPU (__per_cpu_offset[cpu]): add it to a per-cpu symbol. */
KD_API struct kd_error *kd_percpu_offset(struct kd_session *s, unsigned cpu, uint64_t *ret);
/** True for types the kernel marks absolute (A, a): per-cpu offsets and constants. */
KD_API bool kd_symbol_is_absolute(const struct kd_symbol *sym);

#endif
