/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file module.h
 * The command module ABI.  A module is a shared object that exports exactly
 * one symbol, `kd_module_info`, a const struct kd_module.  The shell dlopen()s
 * it with RTLD_LOCAL, refuses a different KD_MODULE_ABI, and registers its
 * commands.  No constructors, no globals: a command gets the session as an
 * argument and uses only the API in <kdive/session.h>.
 *
 * Adding a command: copy a neighbour in commands/ (one .c file, one
 * Makefile.am line).  Its descriptor says everything the shell needs: an
 * option table (one struct kd_option per option, KD_OPTION_JSON for
 * --json), what its operands are, and in flags what it needs loaded.  The
 * dispatcher checks the flags, parses the options against the table, loads
 * the layers and calls run() with the parsed values in struct kd_args; help,
 * the usage line and Tab completion come from the same table.
 *
 * Compatibility: KD_MODULE_ABI changes when a field changes meaning or moves.
 * New fields are only appended; struct_size tells the shell which it has.
 * ABI 2: run() takes struct kd_args (the dispatcher parses the options),
 * --json is an option table entry, and kd_command has operands.
 */
#ifndef KDIVE_MODULE_H
#define KDIVE_MODULE_H

#include <stdint.h>

#include <kdive/error.h>
#include <kdive/session.h>

/** The ABI this header describes. */
#define KD_MODULE_ABI 2

/** What a command's option argument or operand is; drives completion and help. */
enum kd_arg_type {
	KD_ARG_NONE = 0, /**< a flag: no argument */
	KD_ARG_INT,
	KD_ARG_ADDR,     /**< an address or symbol[+off]; completes symbols */
	KD_ARG_SYMBOL,   /**< a symbol; completes symbols */
	KD_ARG_PID,      /**< a pid or command name; completes from the task list */
	KD_ARG_STRING,
	KD_ARG_FILE,     /**< completes file names */
	KD_ARG_TYPE,     /**< a struct/union/type name; completes type names */
};

/**
 * One option.  name is written after one dash ("-p", "-16", crash style) or
 * two ("--json"); one-letter flags may be grouped ("-px").  Help, the usage
 * line and completion spell one-letter and numeric names with one dash and
 * longer names with two.
 */
struct kd_option {
	const char *name;      /**< "p", "16", "vmcoreinfo" */
	enum kd_arg_type arg;  /**< KD_ARG_NONE for a flag; else what completes its argument */
	const char *argname;   /**< "ADDR" for help */
	const char *help;      /**< one line */
};

/**
 * The --json option, for a command's option table: when it is given, the
 * dispatcher turns on the JSON output mode (kd_json_mode()) for the run.
 */
#define KD_OPTION_JSON { "json", KD_ARG_NONE, NULL, "print one JSON document instead of text" }

/** Command flags, checked by the dispatcher before run(). */
enum kd_command_flags {
	/* 1 << 0 was KD_CMD_JSON (ABI 1); --json is now KD_OPTION_JSON in the table. */
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
	/**
	 * Without operands the command works on the current context's task and
	 * prints crash's task line itself (bt, vm, files, task, sig): foreach
	 * runs it once per selected task with the context set to it.
	 */
	KD_CMD_CONTEXT_TASK = 1 << 10,
	/**
	 * Its operands select tasks by pid or task_struct address (ps): foreach
	 * runs it once with every selected task's address as an operand.
	 */
	KD_CMD_TASK_OPERANDS = 1 << 11,
};

/** The parsed option values of one option table entry. */
struct kd_optval {
	int count;        /**< how many times given */
	const char *arg;  /**< the last argument given, or NULL */
};

/**
 * What run() gets: the operands and the parsed options.  A command indexes
 * opt by an enum that follows its option table.  A command without an option
 * table gets every word as an operand, dashes and all (alias, source).
 */
struct kd_args {
	int argc;                     /**< 1 + the number of operands */
	char **argv;                  /**< [0] is the command's name, then the operands; [argc] is NULL */
	const struct kd_optval *opt;  /**< one per option table entry, in table order */
	const struct kd_command *cmd; /**< the command being run */
};

/** One command. */
struct kd_command {
	const char *name;                 /**< "rd" */
	const char *summary;              /**< one line, lowercase, no period */
	/**
	 * The usage line after the name, written by hand when it says more
	 * than the table (alternatives: "[-p | -u [--pgd PADDR]] address").
	 * NULL: generated, "[-c] [-s PAGES] [--json]" from the option table
	 * followed by operands.
	 */
	const char *synopsis;
	const char *operands;             /**< "address [count]", for the generated synopsis */
	const char *help;                 /**< description and an EXAMPLES section */
	const struct kd_option *options;  /**< terminated by { NULL } ; may be NULL */
	enum kd_arg_type operand;         /**< what positionals are, for completion */
	unsigned flags;                   /**< enum kd_command_flags */
	/** Run the command; the dispatcher has checked flags and parsed options. */
	struct kd_error *(*run)(struct kd_session *s, const struct kd_args *a);
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

#endif
