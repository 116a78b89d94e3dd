/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shell: command registry, module loader, dispatcher, REPL and batch. */
#ifndef KD_SHELL_SHELL_H
#define KD_SHELL_SHELL_H

#include <signal.h>
#include <stdbool.h>

#include <kdive/module.h>

#include "core/session_priv.h"

struct kd_loaded_module {
	char *path;
	void *handle;                  // NULL for the built-in table
	const struct kd_module *mod;
	unsigned seq;                  // the order modules were found in: mods[] stays in it
};

/* A module not opened yet: its commands, from the module list (module_cache.c). */
struct kd_deferred {
	char *path;
	char **cmds;
	int ncmds;
	unsigned seq;
};

struct kd_cmd_entry {
	const struct kd_command *cmd;
	struct kd_loaded_module *owner;  // NULL for built-ins
};

struct kd_alias {
	char *name;
	char *expansion;
};

/* The shell: one per session, set up by kd_shell_init(). */
struct kd_shell {
	struct kd_session *s;          // not owned
	struct kd_cmd_entry *cmds;
	int ncmds;
	struct kd_loaded_module **mods;
	int nmods;
	struct kd_deferred *deferred;  // modules opened when one of their commands is looked up
	int ndeferred;
	unsigned next_seq;
	bool no_cache;     // --no-cache: open every module at start
	struct kd_alias *aliases;
	int naliases;
	bool interactive;  // prompt, pager, readline
	bool scroll;       // pager on (set scroll on|off)
	bool stop_on_error; // -e
	int source_depth;
	int failures;       // commands that failed in this run
	bool exit_requested; // a command (exit) asked the shell to stop
	const char *no_dump_why; // why no dump is open (none given, no /proc/kcore...), or NULL
};

/*
 * Set up a shell on session s (the caller keeps owning s): the built-in
 * commands, scroll on, no modules yet (kd_module_load_default() loads them).
 * deinit unloads the modules and frees the registry and the aliases.
 */
void kd_shell_init(struct kd_shell *sh, struct kd_session *s);
void kd_shell_deinit(struct kd_shell *sh);

/* Registry and modules (module.c). */
struct kd_error *kd_shell_register(struct kd_shell *sh, const struct kd_command *cmd,
				   struct kd_loaded_module *owner);
const struct kd_command *kd_shell_find(struct kd_shell *sh, const char *name);
struct kd_error *kd_module_load(struct kd_shell *sh, const char *path);
struct kd_error *kd_module_unload(struct kd_shell *sh, const char *name);
void kd_module_load_dir(struct kd_shell *sh, const char *dir);
void kd_module_load_default(struct kd_shell *sh);
/* kdive --help-all: every command's page, no dump opened; the exit status. */
int kd_shell_help_all(void);
void kd_module_unload_all(struct kd_shell *sh);
/* Opens every deferred module (help, modules, load, the interactive shell's completion). */
void kd_shell_load_deferred(struct kd_shell *sh);

/* The module list (module_cache.c): defer dir's modules (paths sorted) if it describes them. */
bool kd_module_cache_defer(struct kd_shell *sh, const char *dir, char *const *paths, size_t n);
void kd_module_cache_store(struct kd_shell *sh, const char *dir, char *const *paths, size_t n);
void kd_deferred_free(struct kd_deferred *d);
/* The file name after the last '/' of path (module.c). */
const char *kd_path_base(const char *path);

/* Built-in commands (builtins.c). */
void kd_builtins_register(struct kd_shell *sh);
/* foreach (foreach.c), registered with the built-ins. */
void kd_foreach_register(struct kd_shell *sh);
const char *kd_alias_lookup(struct kd_shell *sh, const char *name);
/*
 * The built-in forwards, aliases that depend on the words: "help -D ..." is
 * "dumpinfo ...", and "set PID | TASK | -c CPU" (anything but "set scroll")
 * is "context ...".  Returns the command to run instead, or NULL; the words
 * after the name follow it, except the one at *drop_ret (0: none).
 */
const char *kd_builtin_forward(struct kd_shell *sh, int argc, char *const *argv, int *drop_ret);

/* Dispatch (dispatch.c): run one input line; returns false if any command failed. */
bool kd_shell_run_line(struct kd_shell *sh, const char *line);
/*
 * Run one command given as words (no alias, no redirection) inside the
 * command that is running (foreach): it writes to the same output, and its
 * error is reported as usual.  Returns false if it failed.
 */
bool kd_shell_run_nested(struct kd_shell *sh, int argc, char **argv);
/* Load the layers (symbols, types) cmd declares in its flags, before its run(). */
struct kd_error *kd_shell_load_layers(struct kd_session *s, const struct kd_command *cmd);
/*
 * Print one error line on stderr, after the output so far and, for a
 * command read from a file, after its "FILE:LINE: ".
 */
void kd_shell_error(struct kd_shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Run every line of a file (source, -i, rc files; "-" is stdin).  Errors and
 * warnings of its commands start with "FILE:LINE: ".  Returns false on failure.
 */
bool kd_shell_run_file(struct kd_shell *sh, const char *path, bool quiet_missing);
/* Crash containment (dispatch.c): install the SIGSEGV/SIGBUS/SIGFPE/SIGILL
 * handlers; SIGINT handlers call kd_shell_sigint(flag), which sets *flag or,
 * on a second Ctrl-C during one command, abandons that command. */
void kd_shell_install_fault_handlers(void);
void kd_shell_sigint(volatile sig_atomic_t *flag);

/* REPL (repl.c). */
void kd_repl(struct kd_shell *sh);

#endif
