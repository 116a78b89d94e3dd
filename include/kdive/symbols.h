/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file symbols.h
 * The session's symbol table: the kernel's own kallsyms tables read from the
 * dump, merged with a System.map (--system-map) or a vmlinux's .symtab
 * (--vmlinux) when given (shifted by KERNELOFFSET), and the symbols of the
 * loaded modules, read from the dump when first needed.
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
 * --vmlinux) if that was not tried yet.  Commands do not call it: the
 * dispatcher does for a command that declares KD_CMD_NEEDS_SYMBOLS or
 * KD_CMD_USES_SYMBOLS.  The first failure is kept and returned again (as a
 * copy to destroy) on every call.
 */
KD_API struct kd_error *kd_symbols_load(struct kd_session *s);
/** True when the symbol table is loaded (never loads it). */
KD_API bool kd_symbols_available(const struct kd_session *s);
/** Where the symbols came from ("kallsyms (dump)", "+ System.map FILE"...), or NULL. */
KD_API const char *kd_symbols_source(const struct kd_session *s);

/**
 * The address of a symbol (the first one of that name: core kernel before
 * modules, as /proc/kallsyms lists them).  KD_ERR_NOTFOUND names the symbol.
 */
KD_API struct kd_error *kd_symbol_address(struct kd_session *s, const char *name, uint64_t *addr_ret);
/** Like kd_symbol_address() with the whole entry. */
KD_API struct kd_error *kd_symbol_find(struct kd_session *s, const char *name, struct kd_symbol *ret);

/**
 * The symbol containing an address: the closest one at or below it within
 * the kernel image or a module, and the offset from it.  Of several symbols
 * at one address the kernel's preferred one (the first in kallsyms order).
 * Absolute symbols (per-cpu offsets) match only exactly.  KD_ERR_NOTFOUND
 * when the address is in no known image.
 */
KD_API struct kd_error *kd_symbol_lookup_addr(struct kd_session *s, uint64_t addr,
					      const char **name_ret, uint64_t *offset_ret);
/** Like kd_symbol_lookup_addr() with the whole entry. */
KD_API struct kd_error *kd_symbol_at(struct kd_session *s, uint64_t addr, struct kd_symbol *ret,
				     uint64_t *offset_ret);

/** Called for each symbol; return non-zero to stop. */
typedef int kd_symbol_fn(const struct kd_symbol *sym, void *arg);

/** Which symbols kd_symbol_foreach() visits. */
enum kd_symbol_set {
	KD_SYM_CORE = 1 << 0,    /**< the core kernel */
	KD_SYM_MODULES = 1 << 1, /**< loaded modules (read from the dump on first use) */
	KD_SYM_ALL = KD_SYM_CORE | KD_SYM_MODULES,
};

/**
 * Every symbol of the set in address order.  With KD_SYM_MODULES, a failure
 * to read the module list is returned after the core symbols were visited.
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

/** A loaded kernel module, as read from the dump's `modules` list. */
struct kd_kmodule {
	const char *name;
	uint64_t address;  /**< struct module */
	uint64_t base;     /**< start of its core text (0 if unknown) */
	uint64_t size;     /**< bytes of its core image (0 if unknown) */
	size_t nsyms;
};
/** Number of loaded modules (reads them from the dump on first use). */
KD_API struct kd_error *kd_kmodule_count(struct kd_session *s, size_t *n_ret);
/** The i-th module in list order, or NULL. */
KD_API const struct kd_kmodule *kd_kmodule_get(struct kd_session *s, size_t i);
/** Every symbol of one module in address order; KD_ERR_NOTFOUND for an unknown module. */
KD_API struct kd_error *kd_symbol_foreach_module(struct kd_session *s, const char *module,
						 kd_symbol_fn *fn, void *arg);

/** The per-cpu offset of a CPU (__per_cpu_offset[cpu]): add it to a per-cpu symbol. */
KD_API struct kd_error *kd_percpu_offset(struct kd_session *s, unsigned cpu, uint64_t *ret);
/** True for types the kernel marks absolute (A, a): per-cpu offsets and constants. */
KD_API bool kd_symbol_is_absolute(const struct kd_symbol *sym);

#endif
