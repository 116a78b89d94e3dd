// SPDX-License-Identifier: GPL-3.0-or-later
// A well-formed test module: one command, "hello", that prints its arguments.
// Also built out of tree against the installed headers (tests/shell/t0002).
#include <kdive/module.h>

static const struct kd_option hello_opts[] = {
	{ "u", KD_ARG_NONE, NULL, "shout" },
	{ NULL },
};

static const struct kd_command commands[2];

static struct kd_error *hello_run(struct kd_session *s, int argc, char **argv)
{
	struct kd_optval v[1];
	int n;
	struct kd_error *err = kd_parse_options(&commands[0], argc, argv, v, &n);
	if (err)
		return err;
	if (n == 1 && argv[1][0] == '!')
		return kd_error_create(KD_ERR_USAGE, "bad word '%s'", argv[1]);
	kd_printf(s, "%s from a module", v[0].count ? "HELLO" : "hello");
	for (int i = 1; i <= n; i++)
		kd_printf(s, " %s", argv[i]);
	kd_printf(s, "\n");
	return NULL;
}

static const struct kd_command commands[2] = {
	{ .name = "hello", .summary = "say hello", .synopsis = "[-u] [word...]",
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
