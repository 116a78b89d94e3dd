// SPDX-License-Identifier: GPL-3.0-or-later
// A well-formed test module: one command, "hello", that prints its arguments.
// Also built out of tree against the installed headers (tests/shell/t0002).
#include <kdive/module.h>

static const struct kd_option hello_opts[] = {
	{ "u", KD_ARG_NONE, NULL, "shout" },
	{ NULL },
};

static struct kd_error *hello_run(struct kd_session *s, const struct kd_args *a)
{
	if (a->argc == 2 && a->argv[1][0] == '!')
		return kd_error_create(KD_ERR_USAGE, "bad word '%s'", a->argv[1]);
	kd_printf(s, "%s from a module", a->opt[0].count ? "HELLO" : "hello");
	for (int i = 1; i < a->argc; i++)
		kd_printf(s, " %s", a->argv[i]);
	kd_printf(s, "\n");
	return NULL;
}

static const struct kd_command commands[] = {
	{ .name = "hello", .summary = "say hello", .operands = "[word...]",
	  .help = "A test command.", .options = hello_opts, .run = hello_run },
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "good",
	.version = "1",
	.commands = commands,
};
