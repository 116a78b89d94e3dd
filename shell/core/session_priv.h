/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session object behind <kdive/session.h>. */
#ifndef KD_CORE_SESSION_PRIV_H
#define KD_CORE_SESSION_PRIV_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include <kdive/session.h>

#include "core.h"
#include "vm.h"
#include "vmcoreinfo.h"

#define KD_JSON_MAX_DEPTH 64

/* Files given on the command line that change how a dump is read. */
struct kd_session_opts {
	const char *vmcoreinfo;  /* --vmcoreinfo FILE: replaces the dump's VMCOREINFO */
	const char *system_map;  /* --system-map FILE: symbols to merge */
	const char *vmlinux;     /* --vmlinux FILE: symbols (.symtab) and types (.BTF) */
	const char *btf;         /* --btf FILE: types (raw BTF or an ELF with .BTF) */
	const char *types;       /* --types auto|btf|dwarf: where types come from (NULL: auto) */
	bool no_cache;           /* --no-cache: neither read nor write the index cache */
};

/* A layer loaded on demand (kd_symbols_load, kd_types_load): tried once. */
struct kd_load_state {
	bool tried;
	struct kd_error *err;   // the load's error, kept to report again
};

struct kd_session {
	struct kd_core *core;
	struct kd_vmcoreinfo vmci;
	struct kd_session_opts opts;       // copies, owned
	char *vmci_source;
	uint64_t page_size;
	const char *machine_name;

	FILE *out;                         // current command's output
	bool json;                         // current command has --json
	int json_depth;
	bool json_need_comma[KD_JSON_MAX_DEPTH];
	unsigned warnings;                 // warnings issued by the current command
	volatile sig_atomic_t *interrupted; // set by the SIGINT handler
	void *shell;                       // the shell that owns this session (built-ins)
	const char *where;                 // "FILE:LINE" of the command running from a file, or NULL

	// The current task context (kd_context_set); set by the ps module.
	bool ctx_set;
	uint64_t ctx_task;
	struct kd_as ctx_as;

	// Layers above the core; each file owns its own state type.
	struct kd_vm vm;                   // shell/core/vm.h
	struct kd_symtab *symtab;          // shell/core/symtab.h
	struct kd_load_state symbols_state; // kd_symbols_load(): tried once, error kept
	struct kd_load_state types_state;   // kd_types_load()
	struct kd_kmodules *kmodules;      // shell/core/kmodules.c
	struct kd_load_state modules_state; // kd_kmodules_load()
	bool ctx_default_tried;            // kd_context_get tried the default (CPU 0's task)
	struct kd_types *types;            // shell/core/types.h
	struct kd_task_table *tasks;       // shell/core/task.c, built by kd_tasks_load
	struct kd_unwind_state *unwind;    // shell/core/unwind.c, set up by the first walk
	struct kd_panic *panic;            // shell/core/panic.c, found by kd_panic_find
	struct kd_pages *pages;            // shell/core/page.c, built by kd_pages_load
	struct kd_load_state pages_state;  // kd_pages_load()
};

/*
 * Layer hooks, called by kd_session_create() in this order (see session.c);
 * an error becomes one warning, except KD_ERR_USAGE (a file given on the
 * command line is unusable, e.g. a System.map of another build), which fails
 * the session.  Symbols and types are loaded there only when a file names
 * them (kd_symbols_load, kd_types_load in the public headers); otherwise the
 * dispatcher loads them for the commands that declare them.  The fini hooks
 * accept a session whose init failed or never ran.
 */
struct kd_error *kd_task_default_context(struct kd_session *s, uint64_t *task_ret,
					 struct kd_as *as_ret);       // shell/core/task.c
void kd_tasks_unload(struct kd_session *s);                      // shell/core/task.c
void kd_unwind_unload(struct kd_session *s);                     // shell/core/unwind.c
void kd_pages_unload(struct kd_session *s);                      // shell/core/page.c
struct kd_error *kd_vm_init(struct kd_session *s);            // shell/core/vm.c
struct kd_error *kd_vm_post_symbols(struct kd_session *s);    // shell/core/vm.c, after a symbol load
void kd_types_unload(struct kd_session *s);
void kd_symbols_unload(struct kd_session *s);
void kd_vm_deinit(struct kd_session *s);

/*
 * VMCOREINFO text derived from the CPU state and page tables, for dumps that
 * carry none (shell/core/derive.c, with the arch's find_kernel hook: x86_64
 * only so far); malloc'ed.  derivable: the machine's backend can do it.
 */
bool kd_vmcoreinfo_derivable(const struct kd_session *s);
struct kd_error *kd_vmcoreinfo_derive(struct kd_session *s, char **text_ret);

/*
 * Load layers at a point of use (shell/core/layers.c): each layer in needs
 * or uses that was not loaded yet is loaded once.  A failed layer in needs
 * is returned as an error ("symbols: ..."); one in uses costs a warning the
 * first time it is tried (modules excepted: the functions that list them
 * return the error).  Modules load symbols and types first.
 */
enum kd_layer { KD_LAYER_SYMBOLS = 1 << 0, KD_LAYER_TYPES = 1 << 1, KD_LAYER_MODULES = 1 << 2 };
struct kd_error *kd_layers_load(struct kd_session *s, unsigned needs, unsigned uses);

/* Open a dump; opts (may be NULL) names extra files. */
struct kd_error *kd_session_create(const char *path, const struct kd_session_opts *opts,
				   struct kd_session **ret);
/* Open a dump made of several files (the parts of a makedumpfile --split set). */
struct kd_error *kd_session_create_multi(const char *const *paths, size_t npaths,
					 const struct kd_session_opts *opts, struct kd_session **ret);
/* A session with no dump (for help, tests); commands needing a dump refuse. */
struct kd_session *kd_session_create_empty(void);
void kd_session_destroy(struct kd_session *s);

#endif
