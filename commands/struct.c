// SPDX-License-Identifier: GPL-3.0-or-later
// struct and union: a type's definition from the kernel's types, in crash's
// layout (gdb ptype; -o adds offsets), or the object stored at an address
// (whole, or chosen members, for COUNT consecutive objects).  The printing
// is the core's typed-value printer (<kdive/print.h>), which p and list
// share; this file parses the command line and prints -r's raw hex dump
// (crash's struct -r: the object's bytes as rd shows memory).
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/print.h>
#include <kdive/types.h>

enum { SO_O, SO_R, SO_JSON, SO_NOPT };
static const struct kd_option struct_opts[] = {
	[SO_O] = { "o", KD_ARG_NONE, NULL, "show member offsets" },
	[SO_R] = { "r", KD_ARG_NONE, NULL, "raw: the object's (or each member's) bytes as a hex dump" },
	[SO_JSON] = KD_OPTION_JSON,
	[SO_NOPT] = { NULL },
};

// -r: len bytes at addr, 16 a line as 64-bit words (the tail as bytes) and
// their ASCII, as rd prints memory; '?' for what could not be read.
static struct kd_error *raw_dump(struct kd_session *s, uint64_t addr, uint64_t len)
{
	unsigned char *buf = malloc(len ? len : 1);
	bool *have = malloc(len ? len : 1);
	if (!buf || !have) {
		free(buf);
		free(have);
		return &kd_enomem;
	}
	struct kd_error *err = kd_read_kernel(s, addr, buf, len), *first = NULL;
	memset(have, 1, len);
	if (err) {
		// Byte runs up to each page edge: a missing page costs its bytes.
		kd_error_destroy(err);
		uint64_t psz = kd_page_size(s) ? kd_page_size(s) : 4096;
		for (uint64_t off = 0; off < len;) {
			uint64_t n = psz - (addr + off) % psz;
			if (n > len - off)
				n = len - off;
			if ((err = kd_read_kernel(s, addr + off, buf + off, n))) {
				memset(have + off, 0, n);
				memset(buf + off, 0, n);
				if (!first)
					first = err;
				else
					kd_error_destroy(err);
			}
			off += n;
		}
	}
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "address", addr);
		kd_json_u64(s, "size", len);
		char *hex = malloc(2 * len + 1);
		if (hex) {
			for (uint64_t i = 0; i < len; i++)
				snprintf(hex + 2 * i, 3, "%02x", buf[i]);
			hex[2 * len] = 0;
			if (first)
				kd_json_null(s, "bytes");
			else
				kd_json_string(s, "bytes", hex);
			free(hex);
		}
		kd_json_end_object(s);
	} else {
		for (uint64_t off = 0; off < len; off += 16) {
			uint64_t n = len - off < 16 ? len - off : 16;
			kd_printf(s, "%16" PRIx64 ":  ", addr + off);
			for (uint64_t k = 0; k < 16; k += 8) {
				if (k + 8 <= n) {
					bool ok = true;
					for (unsigned j = 0; j < 8; j++)
						ok = ok && have[off + k + j];
					if (ok)
						kd_printf(s, "%016" PRIx64 " ", kd_dump_u64(s, buf + off + k));
					else
						kd_printf(s, "???????????????? ");
				} else if (k < n) {
					// A tail shorter than a word: 32-, 16-, 8-bit values.
					int w = 0;
					for (uint64_t j = k; j < n;) {
						unsigned u = n - j >= 4 ? 4 : n - j >= 2 ? 2 : 1;
						bool ok = true;
						for (unsigned b = 0; b < u; b++)
							ok = ok && have[off + j + b];
						if (ok)
							kd_printf(s, "%0*" PRIx64, (int)(2 * u), kd_dump_uint(s, buf + off + j, u));
						else
							kd_printf(s, "%.*s", (int)(2 * u), "????????");
						w += (int)(2 * u);
						j += u;
					}
					kd_printf(s, "%*s ", 16 - w, "");
				} else {
					kd_printf(s, "%16s ", "");
				}
			}
			kd_printf(s, "  ");
			for (uint64_t j = 0; j < n; j++) {
				unsigned char c = buf[off + j];
				kd_printf(s, "%c", !have[off + j] ? '?' : c >= 0x20 && c < 0x7f ? c : '.');
			}
			kd_printf(s, "\n");
		}
	}
	free(buf);
	free(have);
	return first;
}

// -r for one object: the whole of it, or each chosen member's bytes.
static struct kd_error *raw_object(struct kd_session *s, const struct kd_member_spec *sp, uint64_t addr,
				   uint64_t size)
{
	if (!sp->nmembers)
		return raw_dump(s, addr, size);
	struct kd_error *err = NULL;
	for (int i = 0; i < sp->nmembers && !err; i++) {
		struct kd_member_info m;
		if ((err = kd_type_member_by_id(s, sp->type, sp->members[i], &m)))
			break;
		if (m.bit_size) {
			err = kd_error_create(KD_ERR_USAGE, "-r: %s is a bitfield", sp->members[i]);
			break;
		}
		if (!kd_json_mode(s))
			kd_printf(s, "%s:\n", sp->members[i]);
		err = raw_dump(s, addr + m.offset, m.size);
	}
	return err;
}

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
	if (nargs == 1 && v[SO_R].count) {
		err = kd_error_create(KD_ERR_USAGE, "-r needs an address");
		goto out;
	}
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
	bool raw = v[SO_R].count > 0;
	if (json && (count > 1 || (raw && sp.nmembers)))
		kd_json_begin_array(s, NULL);
	for (uint64_t i = 0; i < count && !err; i++) {
		uint64_t a = addr + i * in.size;
		if (!json && count > 1 && (sp.nmembers || raw))
			kd_printf(s, "%016" PRIx64 "\n", a);
		if (raw)
			err = raw_object(s, &sp, a, in.size);
		else
			err = kd_print_object(s, sp.type, a, sp.members, sp.nmembers);
		if (!err)
			err = kd_check_interrupt(s);
	}
	if (json && (count > 1 || (raw && sp.nmembers)))
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
	.synopsis = "[-o] [-r] name[.member[,member...]] [address|symbol] [count]",
	.help = "Without an address, print the definition of a struct from the kernel's BTF\n"
		"(-o: with each member's offset in bytes) and its size.\n"
		"With an address or symbol, print the struct stored there: members as\n"
		"\"name = value\", nested structs in braces, char arrays as strings,\n"
		"pointers in hex followed by <symbol+offset> when they point into the kernel\n"
		"or a module, enums by name.  name.member,member prints only those members\n"
		"(paths such as se.vruntime go through nested and anonymous structs); count\n"
		"prints consecutive structs.  -r prints the struct's bytes instead (each\n"
		"chosen member's, under its name) as rd does: 64-bit words, 16 bytes a\n"
		"line, with their ASCII.\n\n"
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
		"  kdive> struct uts_namespace init_uts_ns --json\n"
		"  kdive> struct -r task_struct.comm init_task",
	.options = struct_opts,
	.operand = KD_ARG_TYPE,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_TYPES | KD_CMD_USES_SYMBOLS |
		 KD_CMD_USES_MODULES,
	.run = struct_run,
}, {
	.name = "union",
	.summary = "show a union's definition or the union at an address",
	.synopsis = "[-o] [-r] name[.member[,member...]] [address|symbol] [count]",
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
