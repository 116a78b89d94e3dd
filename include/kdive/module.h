/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file module.h
 * The command module ABI.  A module is a shared object that exports exactly
 * one symbol, `kd_module_info`, a const struct kd_module.  The shell dlopen()s
 * it with RTLD_LOCAL, refuses a different KD_MODULE_ABI, and registers its
 * commands.  No constructors, no globals: a command gets the session as an
 * argument and uses only the API in <kdive/session.h>.
 *
 * Compatibility: KD_MODULE_ABI changes when a field changes meaning or moves.
 * New fields are only appended; struct_size tells the shell which it has.
 */
#ifndef KDIVE_MODULE_H
#define KDIVE_MODULE_H

#include <stdint.h>

#include <kdive/error.h>
#include <kdive/session.h>

/** The ABI this header describes. */
#define KD_MODULE_ABI 1

/** What a command's option argument or operand is; drives completion and help. */
enum kd_arg_type {
	KD_ARG_NONE = 0, /**< a flag: no argument */
	KD_ARG_INT,
	KD_ARG_ADDR,     /**< an address (later also a symbol[+off]) */
	KD_ARG_SYMBOL,
	KD_ARG_PID,
	KD_ARG_STRING,
	KD_ARG_FILE,
	KD_ARG_TYPE,     /**< a struct/union/type name */
};

/**
 * One option.  name is written after one dash ("-p", "-16", crash style) or
 * two ("--json"); one-letter flags may be grouped ("-px").
 */
struct kd_option {
	const char *name;      /**< "p", "16", "vmcoreinfo" */
	enum kd_arg_type arg;  /**< KD_ARG_NONE for a flag */
	const char *argname;   /**< "ADDR" for help */
	const char *help;      /**< one line */
};

/** Command flags, checked by the dispatcher before run(). */
enum kd_command_flags {
	KD_CMD_JSON = 1 << 0,            /**< accepts --json (the shell strips it; see kd_json_mode()) */
	KD_CMD_NEEDS_VMCOREINFO = 1 << 1,/**< refuse to run without VMCOREINFO */
	KD_CMD_NO_PAGER = 1 << 2,        /**< never page this command's output */
	KD_CMD_NEEDS_DUMP = 1 << 3,      /**< refuse to run when no dump is open */
	/**
	 * Load the symbol table before run(); a failed load is this command's
	 * error.  The dispatcher loads each layer once (kd_symbols_load()).
	 */
	KD_CMD_NEEDS_SYMBOLS = 1 << 4,
	/** Load the types (BTF) before run(); a failed load is this command's error. */
	KD_CMD_NEEDS_TYPES = 1 << 5,
	KD_CMD_NEEDS_TASKS = 1 << 6,     /**< the task table (kd_tasks_load()) is loaded before run() */
	/**
	 * Load the symbol table before run() if it can be: the command works
	 * without it (rd of a hex address), so a failed load is one warning.
	 */
	KD_CMD_USES_SYMBOLS = 1 << 7,
	/** Load the types before run() if they can be; a failed load is one warning. */
	KD_CMD_USES_TYPES = 1 << 8,
	/**
	 * Load the loaded modules' symbols before run() if they can be (and the
	 * symbols and types first): lookups by name or address then see them.
	 * A failed load is no warning; kd_symbol_foreach_module() and
	 * kd_symbol_foreach(KD_SYM_MODULES) return it.
	 */
	KD_CMD_USES_MODULES = 1 << 9,
};

/** One command. */
struct kd_command {
	const char *name;                 /**< "rd" */
	const char *summary;              /**< one line, lowercase, no period */
	const char *synopsis;             /**< "[-p] [-8|-16|-32|-64] address [count]" */
	const char *help;                 /**< description and an EXAMPLES section */
	const struct kd_option *options;  /**< terminated by { NULL } ; may be NULL */
	enum kd_arg_type operand;         /**< what positionals are, for completion */
	unsigned flags;                   /**< enum kd_command_flags */
	/** Run the command; argv[0] is the command name. */
	struct kd_error *(*run)(struct kd_session *s, int argc, char **argv);
};

/** The descriptor a module exports as `kd_module_info`. */
struct kd_module {
	uint32_t abi;                       /**< KD_MODULE_ABI */
	uint32_t struct_size;               /**< sizeof(struct kd_module) */
	const char *name;                   /**< "rd" */
	const char *version;
	const struct kd_command *commands;  /**< terminated by { NULL } */
	/** Optional: called once after loading; an error refuses the module. */
	struct kd_error *(*init)(struct kd_session *s);
	/** Optional: called before unloading. */
	void (*fini)(struct kd_session *s);
};

/** Mark the descriptor exported even when built with -fvisibility=hidden. */
#define KD_MODULE_EXPORT __attribute__((visibility("default")))

/* ---- option parsing for commands ---------------------------------------- */

/** Result of parsing one option of a command's table. */
struct kd_optval {
	int count;        /**< how many times given */
	const char *arg;  /**< the last argument given, or NULL */
};

/**
 * Parse argv against cmd->options.  vals must have one entry per option
 * (same order as the table).  Options and operands may be mixed; "--" ends
 * options.  On return argv[1..*nargs_ret] are the operands, in order.
 * Unknown options give a KD_ERR_USAGE error.
 */
KD_API struct kd_error *kd_parse_options(const struct kd_command *cmd, int argc, char **argv,
					 struct kd_optval *vals, int *nargs_ret);

#endif
