// SPDX-License-Identifier: GPL-3.0-or-later
// whatis and p: a variable's declaration or a type's definition, and a
// variable's value (or a member's, or one CPU's copy of a per-cpu
// variable) with its type from the kernel's types.  Both take one operand
// and start the same way (operand()); the printing is the core's
// (<kdive/print.h>), shared with struct and list.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/print.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

// p refuses a value larger than this.
enum { MAX_READ = 64 << 20 };

static const struct kd_option json_opts[] = { KD_OPTION_JSON, { NULL } };

/* What whatis and p start with: exactly one operand (what it should be); types come by the flags. */
static struct kd_error *operand(const struct kd_args *args, const char *what)
{
	if (args->argc != 2)
		return kd_error_create(KD_ERR_USAGE, "expected %s", what);
	return NULL;
}

/* ---- whatis ------------------------------------------------------------------------ */

static struct kd_error *whatis_run(struct kd_session *s, const struct kd_args *args)
{
	char **argv = args->argv;
	struct kd_error *err = operand(args, "a type or a symbol");
	if (err)
		return err;
	const char *name = argv[1];
	uint32_t id;
	// A variable or function first (as crash does), then a type.
	bool inferred = false;
	struct kd_symbol sym;
	err = kd_symbol_find(s, name, &sym);
	if (!err) {
		err = kd_symbol_type(s, name, &id, &inferred);
		if (!err) {
			char *decl = kd_type_name(s, id, name);
			if (kd_json_mode(s)) {
				kd_json_begin_object(s, NULL);
				kd_json_string(s, "symbol", name);
				kd_json_string(s, "declaration", decl);
				kd_json_bool(s, "type_inferred", inferred);
				kd_json_end_object(s);
			} else {
				kd_printf(s, "%s;\n", decl ? decl : "?");
			}
			free(decl);
			if (inferred)
				kd_warn(s, "whatis: the type of %s is inferred (BTF has no type for it)", name);
			return NULL;
		}
		kd_error_destroy(err);
	} else {
		kd_error_destroy(err);
	}
	err = kd_type_find(s, name, &id);
	if (err) {
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_NOTFOUND, "'%s' is neither a type in the kernel's BTF nor a symbol "
					"with a known type", name);
	}
	return kd_print_type_definition(s, id, NULL);
}

/* ---- p --------------------------------------------------------------------------------- */

/* crash's layout for a per-cpu variable without a cpu: its type and each CPU's address. */
static struct kd_error *print_percpu_addresses(struct kd_session *s, const char *symname, uint32_t id,
					       uint64_t addr)
{
	struct kd_error *err = NULL;
	bool json = kd_json_mode(s);
	char *tn = kd_type_name(s, id, symname);
	unsigned n = kd_dump_nr_cpus(s);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "symbol", symname);
		kd_json_string(s, "declaration", tn);
		kd_json_begin_array(s, "percpu_addresses");
	} else {
		kd_printf(s, "PER-CPU DATA TYPE:\n  %s;\nPER-CPU ADDRESSES:\n", tn);
	}
	for (unsigned c = 0; c < n; c++) {
		uint64_t off;
		if ((err = kd_percpu_offset(s, c, &off)))
			break;
		if (json)
			kd_json_hex(s, NULL, addr + off);
		else
			kd_printf(s, "  [%u]: %" PRIx64 "\n", c, addr + off);
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	free(tn);
	return err;
}

/* A function: gdb's layout, "{prototype} address <symbol>". */
static void print_function(struct kd_session *s, const char *expr, uint32_t id, uint64_t addr)
{
	char *tn = kd_type_name(s, id, NULL);
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "expression", expr);
		kd_json_string(s, "type", tn);
		kd_json_hex(s, "address", addr);
		kd_json_end_object(s);
	} else {
		kd_printf(s, "%s = {%s} ", expr, tn);
		kd_print_pointer(s, addr);
		kd_printf(s, "\n");
	}
	free(tn);
}

static struct kd_error *p_run(struct kd_session *s, const struct kd_args *args)
{
	char **argv = args->argv;
	struct kd_error *err = operand(args, "SYMBOL[.member][:cpu]");
	if (err)
		return err;
	char *expr = strdup(argv[1]);
	if (!expr)
		return &kd_enomem;
	char *colon = strchr(expr, ':');
	long cpu = -1;
	if (colon) {
		*colon = '\0';
		char *end;
		cpu = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end || cpu < 0) {
			err = kd_error_create(KD_ERR_USAGE, "bad CPU '%s'", colon + 1);
			free(expr);
			return err;
		}
	}
	size_t nlen = strcspn(expr, ".[");
	char *path = expr[nlen] ? expr + nlen + (expr[nlen] == '.') : NULL;
	char *member_path = path ? strdup(path) : NULL;
	expr[nlen] = '\0';
	const char *symname = expr;
	uint64_t addr;
	uint32_t id;
	bool inferred = false, json = kd_json_mode(s);
	unsigned char *obj = NULL;
	char *tn = NULL;
	if ((err = kd_symbol_address(s, symname, &addr)) || (err = kd_symbol_type(s, symname, &id, &inferred)))
		goto out;
	bool percpu = kd_symbol_is_percpu(s, symname);
	if (percpu && cpu < 0) {
		err = print_percpu_addresses(s, symname, id, addr);
		goto out;
	}
	if (cpu >= 0) {
		if (!percpu) {
			err = kd_error_create(KD_ERR_USAGE, "'%s' is not a per-cpu variable", symname);
			goto out;
		}
		uint64_t off;
		if ((err = kd_percpu_offset(s, (unsigned)cpu, &off)))
			goto out;
		addr += off;
	}
	uint64_t bit = 0;
	uint32_t bit_size = 0, vid = id;
	if (member_path) {
		struct kd_member_info m;
		if ((err = kd_type_member_by_id(s, id, member_path, &m)))
			goto out;
		bit = m.bit_offset;
		bit_size = m.bit_size;
		vid = m.type;
	}
	struct kd_type_info in;
	kd_type_get(s, vid, &in);
	if (in.kind == KD_TYPE_FUNC) {
		print_function(s, argv[1], vid, addr);
		goto out;
	}
	// Read just the bytes of the value (a bitfield: its storage bytes).
	uint64_t first = bit / 8;
	uint64_t size = bit_size ? (bit + bit_size + 7) / 8 - first : in.size;
	if (size > MAX_READ) {
		err = kd_error_create(KD_ERR_USAGE, "%" PRIu64 " bytes is too much to print", size);
		goto out;
	}
	if (!(obj = malloc(size ? (size_t)size : 1))) {
		err = &kd_enomem;
		goto out;
	}
	if ((err = kd_read_kernel(s, addr + first, obj, (size_t)size)))
		goto out;
	if (inferred) {
		char *full = kd_type_name(s, id, NULL);
		kd_warn(s, "p: %s has no type in the kernel's BTF; inferred %s from kdive's table of well-known "
			   "variables (size checked against the symbol)", symname, full ? full : "?");
		free(full);
	}
	struct kd_value_opts vo = { .bit_offset = bit - first * 8, .bit_size = bit_size };
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "expression", argv[1]);
		tn = kd_type_name(s, vid, NULL);
		kd_json_string(s, "type", tn);
		kd_json_hex(s, "address", addr + first);
		kd_json_bool(s, "type_inferred", inferred);
		kd_json_value(s, "value", vid, obj, (size_t)size, &vo);
		kd_json_end_object(s);
	} else {
		kd_printf(s, "%s = ", argv[1]);
		kd_print_value(s, vid, obj, (size_t)size, &vo);
		kd_printf(s, "\n");
	}
out:
	free(obj);
	free(tn);
	free(member_path);
	free(expr);
	return err;
}

static const struct kd_command commands[3] = { {
	.name = "whatis",
	.summary = "show the type of a symbol or the definition of a type",
	.synopsis = "name",
	.help = "For a variable or function, its declaration (BTF has per-cpu variables and\n"
		"functions; a few well-known globals such as init_task and jiffies have\n"
		"inferred types, said on stderr).  For a type name (struct, union, enum,\n"
		"typedef, base type), its definition.\n\n"
		"EXAMPLES\n"
		"  kdive> whatis init_task\n"
		"  struct task_struct init_task;\n"
		"  kdive> whatis pid_t\n"
		"  typedef __kernel_pid_t pid_t;\n"
		"  kdive> whatis pid_type",
	.options = json_opts,
	.operand = KD_ARG_TYPE,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_TYPES | KD_CMD_USES_SYMBOLS |
		 KD_CMD_USES_MODULES,
	.run = whatis_run,
}, {
	.name = "p",
	.summary = "print the value of a kernel variable",
	.synopsis = "symbol[.member...][:cpu]",
	.help = "Print a variable, or one of its members, with its type from BTF.  Global\n"
		"variables other than per-cpu ones have no type in BTF: for well-known ones\n"
		"(init_task, jiffies, init_mm, init_uts_ns...) the type is inferred and a\n"
		"warning says so.  A per-cpu variable prints its per-CPU addresses, or with\n"
		":cpu its value on that CPU.\n\n"
		"EXAMPLES\n"
		"  kdive> p jiffies\n"
		"  jiffies = 4294892296\n"
		"  kdive> p init_task.comm\n"
		"  init_task.comm = \"swapper/0\"\n"
		"  kdive> p init_uts_ns.name.release\n"
		"  kdive> p runqueues\n"
		"  kdive> p init_task.pid --json",
	.options = json_opts,
	.operand = KD_ARG_SYMBOL,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_TYPES | KD_CMD_USES_SYMBOLS |
		 KD_CMD_USES_MODULES,
	.run = p_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "p",
	.version = "1",
	.commands = commands,
};
