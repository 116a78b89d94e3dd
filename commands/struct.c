// SPDX-License-Identifier: GPL-3.0-or-later
// struct and union: a type's definition from the kernel's types, in crash's
// layout (gdb ptype; -o adds offsets), or the object stored at an address
// (whole, or chosen members, for COUNT consecutive objects).  The printing
// is the core's typed-value printer (<kdive/print.h>), which p and list
// share; this file only parses the command line.
#include <inttypes.h>

#include <kdive/module.h>
#include <kdive/print.h>
#include <kdive/types.h>

enum { SO_O, SO_JSON, SO_NOPT };
static const struct kd_option struct_opts[] = {
	[SO_O] = { "o", KD_ARG_NONE, NULL, "show member offsets" },
	[SO_JSON] = KD_OPTION_JSON,
	[SO_NOPT] = { NULL },
};

static struct kd_error *struct_common(struct kd_session *s, const char *kw, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	if (nargs < 1 || nargs > 3)
		return kd_error_create(KD_ERR_USAGE, "expected a type, an optional address and count");
	struct kd_member_spec sp;
	if ((err = kd_member_spec_init(s, &sp, kw, argv[1])))
		goto out;
	if (nargs == 1) {
		struct kd_def_opts o = { .offsets = v[SO_O].count > 0, .members = sp.members,
					 .nmembers = sp.nmembers };
		err = kd_print_type_definition(s, sp.type, &o);
		goto out;
	}
	uint64_t addr, count = 1;
	if ((err = kd_parse_address(s, argv[2], &addr)))
		goto out;
	if (nargs == 3) {
		if ((err = kd_parse_u64(argv[3], false, &count)))
			goto out;
		if (!count || count > 100000) {
			err = kd_error_create(KD_ERR_USAGE, "count must be 1 to 100000");
			goto out;
		}
	}
	bool json = kd_json_mode(s);
	struct kd_type_info in;
	kd_type_get(s, sp.type, &in);
	if (json && count > 1)
		kd_json_begin_array(s, NULL);
	for (uint64_t i = 0; i < count && !err; i++) {
		uint64_t a = addr + i * in.size;
		if (!json && count > 1 && sp.nmembers)
			kd_printf(s, "%016" PRIx64 "\n", a);
		err = kd_print_object(s, sp.type, a, sp.members, sp.nmembers);
		if (!err)
			err = kd_check_interrupt(s);
	}
	if (json && count > 1)
		kd_json_end_array(s);
out:
	kd_member_spec_deinit(&sp);
	return err;
}

static struct kd_error *struct_run(struct kd_session *s, const struct kd_args *args)
{
	return struct_common(s, "struct", args);
}

static struct kd_error *union_run(struct kd_session *s, const struct kd_args *args)
{
	return struct_common(s, "union", args);
}

static const struct kd_command commands[3] = { {
	.name = "struct",
	.summary = "show a struct's definition or the struct at an address",
	.synopsis = "[-o] name[.member[,member...]] [address|symbol] [count]",
	.help = "Without an address, print the definition of a struct from the kernel's BTF\n"
		"(-o: with each member's offset in bytes) and its size.\n"
		"With an address or symbol, print the struct stored there: members as\n"
		"\"name = value\", nested structs in braces, char arrays as strings,\n"
		"pointers in hex followed by <symbol+offset> when they point into the kernel\n"
		"or a module, enums by name.  name.member,member prints only those members\n"
		"(paths such as se.vruntime go through nested and anonymous structs); count\n"
		"prints consecutive structs.\n\n"
		"EXAMPLES\n"
		"  kdive> struct -o list_head\n"
		"  struct list_head {\n"
		"        [0] struct list_head *next;\n"
		"        [8] struct list_head *prev;\n"
		"  }\n"
		"  SIZE: 16\n"
		"  kdive> struct task_struct.pid,comm init_task\n"
		"    pid = 0,\n"
		"    comm = \"swapper/0\",\n"
		"  kdive> struct -o task_struct.se.vruntime\n"
		"  kdive> struct uts_namespace init_uts_ns --json",
	.options = struct_opts,
	.operand = KD_ARG_TYPE,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_TYPES | KD_CMD_USES_SYMBOLS |
		 KD_CMD_USES_MODULES,
	.run = struct_run,
}, {
	.name = "union",
	.summary = "show a union's definition or the union at an address",
	.synopsis = "[-o] name[.member[,member...]] [address|symbol] [count]",
	.help = "Like struct, for unions.\n\n"
		"EXAMPLES\n"
		"  kdive> union -o thread_union",
	.options = struct_opts,
	.operand = KD_ARG_TYPE,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_TYPES | KD_CMD_USES_SYMBOLS |
		 KD_CMD_USES_MODULES,
	.run = union_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "struct",
	.version = "1",
	.commands = commands,
};
