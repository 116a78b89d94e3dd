// SPDX-License-Identifier: GPL-3.0-or-later
// sym: translate between symbols and addresses, in crash's layout:
//   ffffffff81e0a440 (D) init_task
//   ffffffff81e0a448 (D) init_task+8
//   ffffffffc04ce010 (t) loop_probe [loop]
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/symbols.h>

enum { O_L, O_Q, O_M, O_V, O_JSON, O_NOPT };

static const struct kd_option sym_opts[] = {
	[O_L] = { "l", KD_ARG_NONE, NULL, "list every symbol in address order (modules last, tagged [module])" },
	[O_Q] = { "q", KD_ARG_STRING, "STRING", "list the symbols whose name contains STRING" },
	[O_M] = { "m", KD_ARG_STRING, "MODULE", "list the symbols of a loaded module" },
	[O_V] = { "v", KD_ARG_NONE, NULL, "say where each symbol came from (kallsyms, System.map, VMCOREINFO, a scan ...)" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

static bool verbose;

static void show(struct kd_session *s, const struct kd_symbol *sym, uint64_t off, bool with_off)
{
	const char *origin = verbose ? kd_symbol_origin(s, sym) : NULL;
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "address", sym->address + off);
		kd_json_string(s, "name", sym->name);
		kd_json_string_n(s, "type", &sym->type, 1);
		if (with_off)
			kd_json_u64(s, "offset", off);
		if (sym->size)
			kd_json_u64(s, "size", sym->size);
		if (sym->module)
			kd_json_string(s, "module", sym->module);
		if (origin)
			kd_json_string(s, "origin", origin);
		kd_json_end_object(s);
		return;
	}
	kd_printf(s, "%016" PRIx64 " (%c) %s", sym->address + off, sym->type, sym->name);
	if (off)
		kd_printf(s, "+%" PRIu64, off);
	if (sym->module)
		kd_printf(s, " [%s]", sym->module);
	if (origin)
		kd_printf(s, "  (from %s)", origin);
	kd_printf(s, "\n");
}

struct list_ctx {
	struct kd_session *s;
	const char *substr;
	size_t n;
};

static int list_cb(const struct kd_symbol *sym, void *arg)
{
	struct list_ctx *c = arg;
	if (c->substr && !strstr(sym->name, c->substr))
		return 0;
	show(c->s, sym, 0, false);
	c->n++;
	return 0;
}

static struct kd_error *sym_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	int modes = !!v[O_L].count + !!v[O_Q].count + !!v[O_M].count;
	if (modes > 1 || (modes && nargs))
		return kd_error_create(KD_ERR_USAGE, "give one of -l, -q STRING, -m MODULE or symbols and addresses");
	if (!modes && !nargs)
		return kd_error_create(KD_ERR_USAGE, "expected a symbol or an address");
	if (!kd_symbols_available(s))
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "no symbol table (kallsyms not found in the dump; use --system-map or --vmlinux)");
	bool json = kd_json_mode(s);
	verbose = v[O_V].count > 0;
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_begin_array(s, "symbols");
	}
	struct list_ctx c = { .s = s, .substr = v[O_Q].arg };
	if (v[O_L].count || v[O_Q].count) {
		err = kd_symbol_foreach(s, KD_SYM_ALL, list_cb, &c);
		// The core kernel is complete; say what is missing about modules.
		if (err && err->code != KD_ERR_INTERRUPTED) {
			kd_warn(s, "%s", err->msg);
			kd_error_destroy(err);
			err = NULL;
		}
		if (!err && v[O_Q].count && !c.n)
			err = kd_error_create(KD_ERR_NOTFOUND, "no symbol contains '%s'", v[O_Q].arg);
	} else if (v[O_M].count) {
		err = kd_symbol_foreach_module(s, v[O_M].arg, list_cb, &c);
	}
	for (int i = 1; !err && i <= nargs; i++) {
		const char *arg = argv[i];
		size_t before = c.n;
		kd_symbol_foreach_named(s, arg, list_cb, &c);
		if (c.n > before)
			continue;
		uint64_t addr, off;
		struct kd_symbol sym;
		err = kd_parse_address(s, arg, &addr);
		if (err) {
			if (err->code == KD_ERR_NOTFOUND) {
				kd_error_destroy(err);
				err = kd_error_create(KD_ERR_NOTFOUND, "no symbol '%s'", arg);
			}
			break;
		}
		err = kd_symbol_at(s, addr, &sym, &off);
		if (err)
			break;
		show(s, &sym, off, true);
		c.n++;
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "sym",
	.summary = "translate symbols to addresses and back",
	.synopsis = "[-v] [-l | -q STRING | -m MODULE | symbol|address ...]",
	.help = "Print a symbol's address and type, or the symbol that contains an address\n"
		"(symbol+offset, the offset in decimal), in crash's layout.  Symbols come\n"
		"from the kernel's kallsyms tables in the dump, merged with --system-map and\n"
		"--vmlinux files; module symbols are read from the dump's module list and\n"
		"tagged [module].  Every symbol of the name is printed (static functions may\n"
		"share one).  Addresses are hexadecimal; NAME+OFFSET is accepted too.\n\n"
		"A kernel built without CONFIG_KALLSYMS_ALL keeps text symbols only; the\n"
		"data symbols commands need are then found elsewhere in the dump (VMCOREINFO,\n"
		"BTF, the kernel's code, checked scans) and -v says where each came from.\n\n"
		"EXAMPLES\n"
		"  kdive> sym init_task\n"
		"  ffffffff81e0a440 (D) init_task\n"
		"  kdive> sym ffffffff81e0a448\n"
		"  ffffffff81e0a448 (D) init_task+8\n"
		"  kdive> sym -q vruntime\n"
		"  kdive> sym -m loop\n"
		"  kdive> sym -l | grep ' (T) ' | wc -l\n"
		"  kdive> sym schedule --json\n"
		"  kdive> sym -v init_task runqueues",
	.options = sym_opts,
	.operand = KD_ARG_SYMBOL,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_USES_MODULES,
	.run = sym_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "sym",
	.version = "1",
	.commands = commands,
};
